//===- TileAndVectorize.cpp - Register tiling + vectorization on tensors --===//
//
// Implements systolic-cpu-tile-and-vectorize: see Passes.td for the strategy.
//
//===----------------------------------------------------------------------===//
#include "lowering/cpu/CPUTarget.h"
#include "lowering/cpu/Passes.h"
#include "lowering/cpu/RegisterTile.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/STLExtras.h"

namespace systolic::cpu {
#define GEN_PASS_DEF_CPUTILEANDVECTORIZE
#include "lowering/cpu/Passes.h.inc"
} // namespace systolic::cpu

using namespace mlir;
using namespace systolic::cpu;

namespace {
/// Longest row of an elementwise tile, in vectors: long enough to amortise
/// the loop, short enough that the unrolled code stays small.
constexpr int64_t kElementwiseVectors = 4;

enum class TileKind { Contraction, Convolution, Elementwise };

/// How one linalg op is tiled: sizes per loop (0: not tiled), the loop
/// order, and for contractions/convolutions the loops of the register tile.
struct TilePlan {
  TileKind kind = TileKind::Elementwise;
  SmallVector<int64_t> sizes;
  SmallVector<int64_t> order;
  int64_t mLoop = -1, nLoop = -1;
};

/// The loop that indexes the innermost dimension of the first result: the
/// dimension that vectors run along, as it is contiguous in memory.
std::optional<unsigned> innermostResultLoop(linalg::LinalgOp op) {
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (map.getNumResults() == 0)
    return std::nullopt;
  if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
    return dim.getPosition();
  return std::nullopt;
}

bool isMulAdd(linalg::LinalgOp op) {
  return linalg::detail::isContractionBody(
      *op.getBlock(), [](Operation *mul, Operation *add) {
        return (isa<arith::MulFOp>(mul) && isa<arith::AddFOp>(add)) ||
               (isa<arith::MulIOp>(mul) && isa<arith::AddIOp>(add));
      });
}

/// Parallel loops in their own order with `mLoop` moved innermost, then the
/// reduction loops: the n-block of the result stays fixed while m-blocks
/// stream under it, and each register tile sees the whole reduction.
SmallVector<int64_t> registerTileOrder(linalg::LinalgOp op, int64_t mLoop) {
  SmallVector<int64_t> order;
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if (it == utils::IteratorType::parallel && int64_t(i) != mLoop)
      order.push_back(i);
  order.push_back(mLoop);
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if (it == utils::IteratorType::reduction)
      order.push_back(i);
  return order;
}

/// Plans an m x n register tile over loops `mLoop`/`nLoop`, every other loop
/// stepping by one.
TilePlan planRegisterTile(linalg::LinalgOp op, TileKind kind, int64_t mLoop,
                          int64_t nLoop, const VectorTarget &target) {
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  unsigned bits = getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType())
                      .getIntOrFloatBitWidth();
  RegisterTile tile =
      chooseRegisterTile(target, bounds[mLoop], bounds[nLoop], bits);
  TilePlan plan;
  plan.kind = kind;
  plan.mLoop = mLoop;
  plan.nLoop = nLoop;
  plan.sizes.assign(bounds.size(), 1);
  plan.sizes[mLoop] = tile.m;
  plan.sizes[nLoop] = tile.n;
  plan.order = registerTileOrder(op, mLoop);
  return plan;
}

std::optional<TilePlan> planContraction(linalg::LinalgOp op,
                                        const VectorTarget &target) {
  if (!linalg::isaContractionOpInterface(op) || !isMulAdd(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  std::optional<unsigned> inner = innermostResultLoop(op);
  if (failed(dims) || !inner || dims->m.empty() || dims->n.empty())
    return std::nullopt;
  // Vectors run along the result's innermost loop, whichever side it is on.
  bool innerIsN = llvm::is_contained(dims->n, *inner);
  if (!innerIsN && !llvm::is_contained(dims->m, *inner))
    return std::nullopt;
  int64_t mLoop = innerIsN ? dims->m.back() : dims->n.back();
  return planRegisterTile(op, TileKind::Contraction, mLoop, *inner, target);
}

std::optional<TilePlan> planConvolution(linalg::LinalgOp op,
                                        const VectorTarget &target) {
  if (!linalg::isaConvolutionOpInterface(op) || !isMulAdd(op) ||
      op.getNumDpsInputs() != 2)
    return std::nullopt;
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  std::optional<unsigned> inner = innermostResultLoop(op);
  // Depthwise convolutions have no input-channel reduction to turn into a
  // matmul; they take the elementwise path.
  if (failed(dims) || !inner || !dims->depth.empty() ||
      dims->outputChannel.empty() || dims->outputImage.empty())
    return std::nullopt;
  bool innerIsImage = llvm::is_contained(dims->outputImage, *inner);
  if (!innerIsImage && !llvm::is_contained(dims->outputChannel, *inner))
    return std::nullopt;
  int64_t mLoop =
      innerIsImage ? dims->outputChannel.back() : dims->outputImage.back();
  return planRegisterTile(op, TileKind::Convolution, mLoop, *inner, target);
}

TilePlan planElementwise(linalg::LinalgOp op, const VectorTarget &target) {
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  TilePlan plan;
  plan.sizes.assign(bounds.size(), 1);
  plan.order = llvm::to_vector(llvm::seq<int64_t>(0, bounds.size()));
  Type elementType =
      getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType());
  int64_t lanes = elementType.isIntOrFloat()
                      ? target.lanes(elementType.getIntOrFloatBitWidth())
                      : 1;
  plan.sizes.back() = std::min(bounds.back(), kElementwiseVectors * lanes);
  return plan;
}

TilePlan planFor(linalg::LinalgOp op, const VectorTarget &target) {
  if (std::optional<TilePlan> plan = planContraction(op, target))
    return *plan;
  if (std::optional<TilePlan> plan = planConvolution(op, target))
    return *plan;
  return planElementwise(op, target);
}

SmallVector<OpFoldResult> asTileSizes(MLIRContext *ctx, ArrayRef<int64_t> sizes,
                                      ArrayRef<int64_t> bounds) {
  // A tile covering the whole loop is no tile: no single-trip loop.
  return llvm::map_to_vector(llvm::zip(sizes, bounds), [&](auto pair) {
    auto [size, bound] = pair;
    return OpFoldResult(
        IntegerAttr::get(IndexType::get(ctx), size >= bound ? 0 : size));
  });
}

/// Extracts a rank-reduced slice of `source` keeping `keptShape`, all other
/// dimensions being unit (checked by the caller), with `strides`.
Value rankReducedSlice(RewriterBase &rewriter, Location loc, Value source,
                       ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> keptShape) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  auto type = RankedTensorType::get(keptShape, sourceType.getElementType());
  SmallVector<OpFoldResult> zeros(sizes.size(), rewriter.getIndexAttr(0));
  return tensor::ExtractSliceOp::create(
      rewriter, loc, type, source, zeros,
      getAsIndexOpFoldResult(rewriter.getContext(), sizes),
      getAsIndexOpFoldResult(rewriter.getContext(), strides));
}

/// Stride of loop `loop` in the affine expression `expr` (its coefficient),
/// or nullopt when the expression is not linear in it.
std::optional<int64_t> coefficientOf(AffineExpr expr, unsigned loop,
                                     unsigned numLoops) {
  MLIRContext *ctx = expr.getContext();
  SmallVector<AffineExpr> at0(numLoops, getAffineConstantExpr(0, ctx));
  SmallVector<AffineExpr> at1 = at0;
  at1[loop] = getAffineConstantExpr(1, ctx);
  auto v0 = dyn_cast<AffineConstantExpr>(expr.replaceDims(at0));
  auto v1 = dyn_cast<AffineConstantExpr>(expr.replaceDims(at1));
  if (!v0 || !v1)
    return std::nullopt;
  return v1.getValue() - v0.getValue();
}

/// A convolution tile whose reduction loops all have one iteration is an
/// outer product: result[m, n] += lhs[m] * rhs[n] (up to strides). Rewrites
/// it as a linalg.matmul with k = 1 on rank-reduced slices, so that it
/// takes the contraction path. Fails (leaving the op) when the operands do
/// not have that form.
FailureOr<linalg::LinalgOp> convolutionTileToMatmul(RewriterBase &rewriter,
                                                    linalg::LinalgOp conv,
                                                    int64_t mLoop,
                                                    int64_t nLoop) {
  unsigned numLoops = conv.getNumLoops();
  SmallVector<int64_t> bounds = conv.getStaticLoopRanges();
  for (auto [i, it] : llvm::enumerate(conv.getIteratorTypesArray()))
    if (it == utils::IteratorType::reduction && bounds[i] != 1)
      return failure();
  Location loc = conv.getLoc();
  int64_t m = bounds[mLoop], n = bounds[nLoop];

  // For each operand: which register-tile loop it carries, at which
  // position, and with which stride; every other dimension must be unit.
  struct Use {
    int64_t loop = -1;
    SmallVector<int64_t> sizes, strides;
  };
  auto classify = [&](OpOperand &operand) -> FailureOr<Use> {
    AffineMap map = conv.getMatchingIndexingMap(&operand);
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(operand.get().getType()).getShape();
    Use use;
    use.sizes.assign(shape.begin(), shape.end());
    use.strides.assign(shape.size(), 1);
    for (auto [pos, expr] : llvm::enumerate(map.getResults())) {
      bool carries = false;
      for (int64_t loop : {mLoop, nLoop}) {
        if (!expr.isFunctionOfDim(loop))
          continue;
        std::optional<int64_t> stride = coefficientOf(expr, loop, numLoops);
        if (!stride || *stride <= 0 || use.loop != -1)
          return failure();
        carries = true;
        use.loop = loop;
        use.sizes[pos] = bounds[loop];
        use.strides[pos] = *stride;
      }
      if (!carries && shape[pos] != 1)
        return failure();
    }
    return use;
  };
  OpOperand *lhsOperand = conv.getDpsInputOperand(0);
  OpOperand *rhsOperand = conv.getDpsInputOperand(1);
  FailureOr<Use> lhs = classify(*lhsOperand), rhs = classify(*rhsOperand);
  if (failed(lhs) || failed(rhs) || lhs->loop == -1 || rhs->loop == -1 ||
      lhs->loop == rhs->loop)
    return failure();
  // The result keeps both loops, m before n (n is its innermost dimension),
  // every other dimension being unit.
  OpOperand *init = conv.getDpsInitOperand(0);
  ArrayRef<int64_t> initShape =
      cast<RankedTensorType>(init->get().getType()).getShape();
  for (auto [pos, expr] :
       llvm::enumerate(conv.getMatchingIndexingMap(init).getResults()))
    if (!expr.isFunctionOfDim(mLoop) && !expr.isFunctionOfDim(nLoop) &&
        initShape[pos] != 1)
      return failure();

  bool lhsIsM = lhs->loop == mLoop;
  OpOperand *aOperand = lhsIsM ? lhsOperand : rhsOperand;
  OpOperand *bOperand = lhsIsM ? rhsOperand : lhsOperand;
  const Use &aUse = lhsIsM ? *lhs : *rhs;
  const Use &bUse = lhsIsM ? *rhs : *lhs;
  Value a = rankReducedSlice(rewriter, loc, aOperand->get(), aUse.sizes,
                             aUse.strides, {m, 1});
  Value b = rankReducedSlice(rewriter, loc, bOperand->get(), bUse.sizes,
                             bUse.strides, {1, n});
  SmallVector<int64_t> initSizes(initShape), ones(initShape.size(), 1);
  Value c =
      rankReducedSlice(rewriter, loc, init->get(), initSizes, ones, {m, n});
  auto matmul = linalg::MatmulOp::create(rewriter, loc, TypeRange{c.getType()},
                                         ValueRange{a, b}, ValueRange{c});
  SmallVector<OpFoldResult> zeros(initShape.size(), rewriter.getIndexAttr(0));
  Value result = tensor::InsertSliceOp::create(
      rewriter, loc, matmul.getResult(0), init->get(), zeros,
      getAsIndexOpFoldResult(rewriter.getContext(), initSizes),
      getAsIndexOpFoldResult(rewriter.getContext(), ones));
  rewriter.replaceOp(conv, result);
  return cast<linalg::LinalgOp>(matmul.getOperation());
}

/// Vectorizes `op` in place when the vectorizer supports it; otherwise the
/// op stays and is lowered to loops after bufferization. Contractions go
/// straight to vector.contract with their own indexing maps (not broadcast +
/// multiply + reduce), the form that lowers to outer products.
void vectorizeIfPossible(RewriterBase &rewriter, linalg::LinalgOp op,
                         bool asContraction) {
  if (failed(linalg::vectorizeOpPrecondition(op)))
    return;
  // LLVM stores vectors of i1 bit-packed, but i1 buffers hold one byte per
  // element (the runtime's bool); scalar loops store whole bytes.
  auto isBool = [](Value value) {
    return getElementTypeOrSelf(value.getType()).isInteger(1);
  };
  if (llvm::any_of(op->getOperands(), isBool) ||
      llvm::any_of(op->getResults(), isBool))
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> result =
      linalg::vectorize(rewriter, op, /*inputVectorSizes=*/{},
                        /*inputScalableVecDims=*/{},
                        /*vectorizeNDExtract=*/true,
                        /*flatten1DDepthwiseConv=*/false,
                        /*assumeDynamicDimsMatchVecSizes=*/false,
                        /*createNamedContraction=*/asContraction);
  if (failed(result))
    return;
  if (result->replacements.empty())
    rewriter.eraseOp(op);
  else
    rewriter.replaceOp(op, result->replacements);
}

class Tiler {
public:
  Tiler(RewriterBase &rewriter, const VectorTarget &target, unsigned threads)
      : rewriter(rewriter), target(target), threads(threads) {}

  /// Distributes `op` over threads (if asked and possible), then tiles the
  /// per-thread part for registers and vectorizes it.
  LogicalResult run(linalg::LinalgOp op) {
    if (op.getNumLoops() == 0 || op.hasDynamicShape())
      return success();
    TilePlan plan = planFor(op, target);
    if (threads > 1)
      if (std::optional<linalg::LinalgOp> inner = distribute(op, plan))
        return run(*inner, planFor(*inner, target));
    return run(op, plan);
  }

private:
  /// Splits off the remainders of loops the plan's tile does not divide (so
  /// every tile is static), then tiles and vectorizes each part.
  LogicalResult run(linalg::LinalgOp op, TilePlan plan) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    for (auto [loop, size] : llvm::enumerate(plan.sizes)) {
      if (size == 0 || bounds[loop] <= size || bounds[loop] % size == 0)
        continue;
      rewriter.setInsertionPoint(op);
      auto [main, rest] = linalg::splitOp(
          rewriter, cast<TilingInterface>(op.getOperation()), loop,
          rewriter.getIndexAttr(bounds[loop] / size * size));
      if (!main || !rest)
        return op.emitOpError("could not split loop ")
               << loop << " at a multiple of its register tile " << size;
      TilePlan restPlan = plan;
      restPlan.sizes[loop] = 0;
      if (failed(run(cast<linalg::LinalgOp>(main.getOperation()), plan)))
        return failure();
      return run(cast<linalg::LinalgOp>(rest.getOperation()), restPlan);
    }
    return tileAndVectorize(op, plan);
  }

  LogicalResult tileAndVectorize(linalg::LinalgOp op, const TilePlan &plan) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    scf::SCFTilingOptions options;
    options.setTileSizes(asTileSizes(op->getContext(), plan.sizes, bounds));
    options.setInterchange(plan.order);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return op.emitOpError("could not be tiled for registers");
    rewriter.replaceOp(op, tiled->replacements);
    for (Operation *tiledOp : tiled->tiledOps) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(tiledOp);
      if (!linalgOp)
        continue;
      if (plan.kind == TileKind::Convolution) {
        rewriter.setInsertionPoint(linalgOp);
        FailureOr<linalg::LinalgOp> matmul = convolutionTileToMatmul(
            rewriter, linalgOp, plan.mLoop, plan.nLoop);
        if (succeeded(matmul))
          linalgOp = *matmul;
      }
      // Mixed-precision (e.g. i8 x i8 -> i32) contractions keep their
      // explicit extensions: the outer-product lowering of vector.contract
      // would multiply in the narrow type.
      Type resultElement =
          getElementTypeOrSelf(linalgOp.getDpsInitOperand(0)->get());
      bool sameElementTypes = llvm::all_of(
          linalgOp.getDpsInputs(), [&](Value input) {
            return getElementTypeOrSelf(input) == resultElement;
          });
      vectorizeIfPossible(rewriter, linalgOp,
                          plan.kind != TileKind::Elementwise &&
                              sameElementTypes);
    }
    return success();
  }

  /// Tiles the first loop (in the plan's order) that is parallel and whose
  /// size splits evenly into `threads` parts, each a multiple of the register
  /// tile, with an scf.forall of `threads` iterations. Returns the per-thread
  /// op, or nullopt when no loop qualifies.
  std::optional<linalg::LinalgOp> distribute(linalg::LinalgOp op,
                                             const TilePlan &plan) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    for (int64_t loop : plan.order) {
      if (iterators[loop] != utils::IteratorType::parallel ||
          bounds[loop] % threads != 0)
        continue;
      int64_t part = bounds[loop] / threads;
      int64_t tile = plan.sizes[loop];
      if (tile != 0 && (part < tile || part % tile != 0))
        continue;
      SmallVector<int64_t> sizes(bounds.size(), 0);
      sizes[loop] = part;
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled) || tiled->tiledOps.size() != 1)
        return std::nullopt;
      rewriter.replaceOp(op, tiled->replacements);
      return cast<linalg::LinalgOp>(tiled->tiledOps.front());
    }
    return std::nullopt;
  }

  RewriterBase &rewriter;
  const VectorTarget &target;
  unsigned threads;
};

/// tensor.pad with a constant value -> fill of the padded shape + copy of the
/// source into its interior: both are linalg ops the tiler vectorizes, and
/// bufferization writes the copy in place.
struct PadToFillAndCopy : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value padValue = pad.getConstantPaddingValue();
    RankedTensorType type = pad.getResultType();
    RankedTensorType sourceType = pad.getSourceType();
    if (!padValue || !type.hasStaticShape() || !sourceType.hasStaticShape())
      return rewriter.notifyMatchFailure(pad, "needs a constant value and "
                                              "static shapes");
    Location loc = pad.getLoc();
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    Value fill =
        linalg::FillOp::create(rewriter, loc, padValue, empty).getResult(0);
    SmallVector<OpFoldResult> low = pad.getMixedLowPad();
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(getContext(), sourceType.getShape());
    SmallVector<OpFoldResult> ones(type.getRank(), rewriter.getIndexAttr(1));
    Value interior =
        tensor::ExtractSliceOp::create(rewriter, loc, fill, low, sizes, ones);
    Value copy = linalg::CopyOp::create(rewriter, loc, pad.getSource(), interior)
                     .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, copy, fill, low,
                                                       sizes, ones);
    return success();
  }
};

struct CPUTileAndVectorizePass
    : systolic::cpu::impl::CPUTileAndVectorizeBase<CPUTileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // An entry point's operands are the runtime's buffers (constants may be
    // mapped read-only): bufferization must never write into them.
    if (func.isPublic())
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (isa<TensorType>(func.getArgument(i).getType()))
          func.setArgAttr(i, "bufferization.writable",
                          BoolAttr::get(ctx, false));
    FailureOr<VectorTarget> target = resolveTarget();
    if (failed(target))
      return signalPassFailure();

    RewritePatternSet padPatterns(ctx);
    padPatterns.add<PadToFillAndCopy>(ctx);
    if (failed(applyPatternsGreedily(func, std::move(padPatterns)))) {
      func.emitError("rewriting tensor.pad as fill + copy did not converge");
      return signalPassFailure();
    }

    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(ctx);
    // An op accumulating into a read-only argument starts from a copy of it,
    // made here (and vectorized like any op) rather than by bufferization.
    if (func.isPublic()) {
      SmallVector<linalg::LinalgOp> copies;
      for (linalg::LinalgOp op : ops)
        for (OpOperand &init : op.getDpsInitsMutable()) {
          auto arg = dyn_cast<BlockArgument>(init.get());
          if (!arg || arg.getOwner()->getParentOp() != func)
            continue;
          rewriter.setInsertionPoint(op);
          auto type = cast<RankedTensorType>(arg.getType());
          Value empty = tensor::EmptyOp::create(
              rewriter, op.getLoc(), type.getShape(), type.getElementType());
          auto copy = linalg::CopyOp::create(rewriter, op.getLoc(), arg, empty);
          rewriter.modifyOpInPlace(op, [&] { init.set(copy.getResult(0)); });
          copies.push_back(cast<linalg::LinalgOp>(copy.getOperation()));
        }
      ops.append(copies);
    }
    Tiler tiler(rewriter, *target, threads);
    for (linalg::LinalgOp op : ops)
      if (failed(tiler.run(op)))
        return signalPassFailure();

    // Turn the vectorizer's broadcast + multiply + reduce into
    // vector.contract, fold slices into transfers, and clean up.
    RewritePatternSet patterns(ctx);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, ctx);
    scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
      func.emitError("cleaning up the vectorized tiles did not converge");
      return signalPassFailure();
    }
  }

  FailureOr<VectorTarget> resolveTarget() {
    if (vectorBits != 0 && numVectorRegisters != 0) {
      VectorTarget target;
      target.vectorBits = vectorBits;
      target.numVectorRegisters = numVectorRegisters;
      return target;
    }
    CPUTargetOptions options;
    options.cpu = targetCpu;
    options.features = targetFeatures;
    llvm::Expected<VectorTarget> host = getVectorTarget(options);
    if (!host) {
      getOperation().emitError("cannot describe the target CPU: ")
          << llvm::toString(host.takeError());
      return failure();
    }
    if (vectorBits != 0)
      host->vectorBits = vectorBits;
    if (numVectorRegisters != 0)
      host->numVectorRegisters = numVectorRegisters;
    return *host;
  }
};
} // namespace
