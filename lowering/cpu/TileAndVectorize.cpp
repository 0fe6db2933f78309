//===- TileAndVectorize.cpp - Register tiling + vectorization on tensors --===//
//
// Implements systolic-cpu-tile-and-vectorize: see Passes.td for the strategy.
//
//===----------------------------------------------------------------------===//
#include "lowering/cpu/CPUTarget.h"
#include "lowering/cpu/Passes.h"
#include "lowering/cpu/RegisterTile.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/IR/IRMapping.h"
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
///
/// A unit dimension's stride is irrelevant and becomes 1. A slice that is
/// still strided drops every unit dimension (leaving only the strided one)
/// and is expanded back to `keptShape`: which unit dimensions a
/// rank-reducing slice keeps is inferred from its shape, and for a strided
/// slice with several unit dimensions that may disagree with the strides
/// the subview gets after bufferization (one input channel and a column
/// stride crashed in `expand-strided-metadata`).
Value rankReducedSlice(RewriterBase &rewriter, Location loc, Value source,
                       ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> keptShape) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  Type element = sourceType.getElementType();
  SmallVector<int64_t> unitStrides(strides);
  for (auto [size, stride] : llvm::zip(sizes, unitStrides))
    if (size == 1)
      stride = 1;
  bool strided = llvm::any_of(unitStrides, [](int64_t s) { return s != 1; });
  SmallVector<OpFoldResult> zeros(sizes.size(), rewriter.getIndexAttr(0));
  auto slice = [&](ArrayRef<int64_t> shape) -> Value {
    return tensor::ExtractSliceOp::create(
        rewriter, loc, RankedTensorType::get(shape, element), source, zeros,
        getAsIndexOpFoldResult(rewriter.getContext(), sizes),
        getAsIndexOpFoldResult(rewriter.getContext(), unitStrides));
  };
  if (!strided)
    return slice(keptShape);
  SmallVector<int64_t> nonUnit;
  for (int64_t size : sizes)
    if (size != 1)
      nonUnit.push_back(size);
  Value reduced = slice(nonUnit);
  SmallVector<ReassociationIndices> groups;
  if (!nonUnit.empty())
    groups.push_back(llvm::to_vector(
        llvm::seq<int64_t>(0, static_cast<int64_t>(keptShape.size()))));
  return tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(keptShape, element), reduced,
      groups);
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

/// A plain contraction C(m, n) += A * B with one m, n and k loop each, 2-D
/// operands indexed by projected permutations (either operand may be
/// transposed), the result row-major over (m, n), one float element type.
struct GemmLoops {
  int64_t m, n, k;
  unsigned a = 0, b = 1; // which input carries m (A) and which n (B)
};

std::optional<GemmLoops> matchGemm(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 3 || !isMulAdd(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || !dims->batch.empty())
    return std::nullopt;
  GemmLoops gemm{dims->m[0], dims->n[0], dims->k[0]};
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!map.isProjectedPermutation() || map.getNumResults() != 2)
      return std::nullopt;
  }
  AffineMap result = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (result.getDimPosition(0) != gemm.m || result.getDimPosition(1) != gemm.n)
    return std::nullopt;
  if (op.getMatchingIndexingMap(op.getDpsInputOperand(0))
          .isFunctionOfDim(gemm.n))
    std::swap(gemm.a, gemm.b);
  Type element = getElementTypeOrSelf(op.getDpsInitOperand(0)->get());
  if (!isa<FloatType>(element) ||
      llvm::any_of(op.getDpsInputs(), [&](Value input) {
        return getElementTypeOrSelf(input) != element;
      }))
    return std::nullopt;
  return gemm;
}

/// `value` with its dimension `dim` split into [size / inner, inner].
Value expandDim(RewriterBase &rewriter, Location loc, Value value,
                unsigned dim, int64_t inner) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> groups;
  for (auto [i, size] : llvm::enumerate(type.getShape())) {
    int64_t next = shape.size();
    if (i == dim) {
      groups.push_back({next, next + 1});
      shape.append({size / inner, inner});
    } else {
      groups.push_back({next});
      shape.push_back(size);
    }
  }
  return tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
      value, groups);
}

/// `map` with each dimension d replaced by `dims[d]`.
AffineMap remapDims(AffineMap map, ArrayRef<AffineExpr> dims,
                    unsigned numDims) {
  SmallVector<AffineExpr> results;
  for (unsigned i = 0, e = map.getNumResults(); i < e; ++i)
    results.push_back(dims[map.getDimPosition(i)]);
  return AffineMap::get(numDims, 0, results, map.getContext());
}

/// Copies a 2-D contraction operand, whose dimensions `map` indexes by the
/// loop `outerLoop` (m or n) and the reduction loop, into panels
/// [outer / tile, K, tile]: panel p holds rows (or columns) p*tile ..
/// p*tile+tile-1, contiguous for each k, the order in which a register tile
/// reads them.
linalg::GenericOp packOperand(RewriterBase &rewriter, Location loc,
                              Value value, AffineMap map, int64_t outerLoop,
                              int64_t tile) {
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  unsigned outerPos = map.getDimPosition(0) == outerLoop ? 0 : 1;
  int64_t outer = type.getDimSize(outerPos);
  int64_t k = type.getDimSize(1 - outerPos);
  Value expanded = expandDim(rewriter, loc, value, outerPos, tile);
  // Loops (p, k, t) of the packed layout; the expanded operand is [p, t, k]
  // or [k, p, t].
  AffineExpr p = getAffineDimExpr(0, ctx), kk = getAffineDimExpr(1, ctx),
             t = getAffineDimExpr(2, ctx);
  AffineMap in = outerPos == 0 ? AffineMap::get(3, 0, {p, t, kk}, ctx)
                               : AffineMap::get(3, 0, {kk, p, t}, ctx);
  Value empty = tensor::EmptyOp::create(rewriter, loc, {outer / tile, k, tile},
                                        type.getElementType());
  return linalg::GenericOp::create(
      rewriter, loc, TypeRange{empty.getType()}, ValueRange{expanded},
      ValueRange{empty},
      ArrayRef<AffineMap>{in, AffineMap::getMultiDimIdentityMap(3, ctx)},
      SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
      [](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(b, loc, args[0]);
      });
}

/// A generic with `like`'s multiply-add body over `numLoops` loops, the
/// last one the reduction, on `inputs` (in `like`'s order) and `init`,
/// replacing `like`: its result is collapsed back to `like`'s result type
/// by `collapse`.
linalg::GenericOp replaceWithContraction(
    RewriterBase &rewriter, linalg::LinalgOp like, ValueRange inputs,
    Value init, ArrayRef<AffineMap> maps, unsigned numLoops,
    ArrayRef<ReassociationIndices> collapse) {
  Location loc = like.getLoc();
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  Block *body = like.getBlock();
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
        IRMapping mapping;
        mapping.map(body->getArguments(), args);
        for (Operation &op : body->without_terminator())
          b.clone(op, mapping);
        SmallVector<Value> yielded;
        for (Value v : body->getTerminator()->getOperands())
          yielded.push_back(mapping.lookupOrDefault(v));
        linalg::YieldOp::create(b, loc, yielded);
      });
  Value result = tensor::CollapseShapeOp::create(
      rewriter, loc, like->getResult(0).getType(), generic.getResult(0),
      collapse);
  rewriter.replaceOp(like, result);
  return generic;
}

/// Tiles `op` with `sizes` (0: not tiled) in loop order `order`, replacing
/// it; returns the tiled op (`op` itself when nothing is tiled).
FailureOr<linalg::LinalgOp> tileLoops(RewriterBase &rewriter,
                                      linalg::LinalgOp op,
                                      ArrayRef<int64_t> sizes,
                                      ArrayRef<int64_t> order) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  options.setInterchange(order);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled) || tiled->tiledOps.size() != 1)
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  return cast<linalg::LinalgOp>(tiled->tiledOps.front());
}

/// Whether an indexing map walks a dimension backwards (a negative
/// coefficient, as in `2 - d3`).
bool hasReversedAccess(linalg::LinalgOp op) {
  bool reversed = false;
  for (AffineMap map : op.getIndexingMapsArray())
    for (AffineExpr result : map.getResults())
      result.walk([&](AffineExpr e) {
        auto mul = dyn_cast<AffineBinaryOpExpr>(e);
        if (mul && mul.getKind() == AffineExprKind::Mul)
          if (auto c = dyn_cast<AffineConstantExpr>(mul.getRHS()))
            reversed |= c.getValue() < 0;
      });
  return reversed;
}

/// The number of points in the op's (static) iteration space.
int64_t iterationCount(linalg::LinalgOp op) {
  int64_t count = 1;
  for (int64_t bound : op.getStaticLoopRanges())
    count *= bound;
  return count;
}

class Tiler {
public:
  Tiler(RewriterBase &rewriter, const VectorTarget &target, unsigned threads,
        int64_t minParallelIterations)
      : rewriter(rewriter), target(target), threads(threads),
        minParallelIterations(minParallelIterations) {}

  /// Distributes `op` over threads (if asked and possible), then tiles the
  /// per-thread part for registers and vectorizes it.
  LogicalResult run(linalg::LinalgOp op) {
    if (op.getNumLoops() == 0 || op.hasDynamicShape())
      return success();
    // An empty iteration space (a zero-sized dimension) does no work: its
    // loops run zero times, so there is nothing to tile.
    if (llvm::is_contained(op.getStaticLoopRanges(), 0))
      return success();
    // Upstream tiling computes wrong slice sizes for reversed accesses
    // (`2 - d3`, ConvTranspose's kernel flip); such copies stay loops.
    if (hasReversedAccess(op))
      return success();
    TilePlan plan = planFor(op, target);
    if (threads > 1 && iterationCount(op) >= minParallelIterations)
      if (std::optional<linalg::LinalgOp> inner = distribute(op, plan))
        return run(*inner, planFor(*inner, target));
    return run(op, plan);
  }

private:
  /// Splits off the remainders of loops the plan's tile does not divide (so
  /// every tile is static), then tiles and vectorizes each part.
  LogicalResult run(linalg::LinalgOp op, TilePlan plan) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    // A packed contraction handles the remainder of its m loop itself,
    // sharing the packed B.
    std::optional<Packing> packing = packingFor(op, plan);
    for (auto [loop, size] : llvm::enumerate(plan.sizes)) {
      if (size == 0 || bounds[loop] <= size || bounds[loop] % size == 0)
        continue;
      if (packing && int64_t(loop) == packing->gemm.m)
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
    if (std::optional<Packing> packing = packingFor(op, plan))
      return packAndTile(op, packing->gemm, packing->tile);
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

  /// A contraction to pack: its loops and register tile.
  struct Packing {
    GemmLoops gemm;
    RegisterTile tile;
  };

  std::optional<Packing> packingFor(linalg::LinalgOp op, const TilePlan &plan) {
    if (plan.kind != TileKind::Contraction)
      return std::nullopt;
    std::optional<GemmLoops> gemm = matchGemm(op);
    if (!gemm)
      return std::nullopt;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    // Size 0: the loop is not tiled (a split-off remainder).
    auto tileOf = [&](int64_t loop) {
      return plan.sizes[loop] ? plan.sizes[loop] : bounds[loop];
    };
    RegisterTile tile{tileOf(gemm->m), tileOf(gemm->n)};
    if (!shouldPackContraction(target, bounds[gemm->m], bounds[gemm->n],
                               bounds[gemm->k], tile, elementBits(op)))
      return std::nullopt;
    return Packing{*gemm, tile};
  }

  static unsigned elementBits(linalg::LinalgOp op) {
    return getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType())
        .getIntOrFloatBitWidth();
  }

  /// Splits `op` along `loop` at `at`; runs `main` and `rest` on the parts.
  template <typename Main, typename Rest>
  LogicalResult splitAndRun(linalg::LinalgOp op, int64_t loop, int64_t at,
                            Main main, Rest rest) {
    rewriter.setInsertionPoint(op);
    auto [first, second] = linalg::splitOp(
        rewriter, cast<TilingInterface>(op.getOperation()), loop,
        rewriter.getIndexAttr(at));
    if (!first || !second)
      return op.emitOpError("could not split loop ") << loop << " at " << at;
    if (failed(main(cast<linalg::LinalgOp>(first.getOperation()))))
      return failure();
    return rest(cast<linalg::LinalgOp>(second.getOperation()));
  }

  /// BLIS-style cache blocking with packed operands, for a contraction whose
  /// register tile divides N (M may have a remainder):
  ///
  ///   for n-block, k-block:             B block -> Bp[N/nr][K][nr]
  ///     for m-block:                    A block -> Ap[M/mr][K][mr]
  ///       for nr-panel, mr-panel, k:    mr x nr register tile, one outer
  ///                                     product (broadcasts + FMAs) per k
  ///
  /// Each packed panel is read contiguously by the register tiles; a k-block
  /// of Bp's panel stays in L1, Ap's m-block in L2 (chooseCacheBlocks).
  /// n- and k-blocks that do not divide their loop are split off first; the
  /// rows left over by the register tile and the m-blocks are handled inside
  /// the (n, k) block, on the same packed B.
  LogicalResult packAndTile(linalg::LinalgOp op, const GemmLoops &gemm,
                            RegisterTile tile) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t m = bounds[gemm.m];
    CacheBlocks blocks =
        chooseCacheBlocks(target, m - m % tile.m, bounds[gemm.n],
                          bounds[gemm.k], tile, elementBits(op));
    for (auto [loop, block] : {std::pair{gemm.n, blocks.n}, {gemm.k, blocks.k}}) {
      if (bounds[loop] % block == 0)
        continue;
      // The remainder is planned afresh (it may not be worth packing).
      return splitAndRun(
          op, loop, bounds[loop] / block * block,
          [&](linalg::LinalgOp main) { return packAndTile(main, gemm, tile); },
          [&](linalg::LinalgOp rest) {
            return run(rest, planFor(rest, target));
          });
    }
    Location loc = op.getLoc();
    MLIRContext *ctx = op->getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };

    // n and k blocks.
    SmallVector<int64_t> sizes(3, 0);
    sizes[gemm.n] = blocks.n < bounds[gemm.n] ? blocks.n : 0;
    sizes[gemm.k] = blocks.k < bounds[gemm.k] ? blocks.k : 0;
    FailureOr<linalg::LinalgOp> nk =
        tileLoops(rewriter, op, sizes, {gemm.n, gemm.k, gemm.m});
    if (failed(nk))
      return op.emitOpError("could not be tiled into cache blocks");

    // Pack B; loops (m, n1, n0, k) over A, Bp and C as [M][N/nr][nr].
    rewriter.setInsertionPoint(*nk);
    SmallVector<AffineMap> nkMaps = nk->getIndexingMapsArray();
    linalg::GenericOp packB =
        packOperand(rewriter, loc, nk->getDpsInputs()[gemm.b],
                    nkMaps[gemm.b], gemm.n, tile.n);
    SmallVector<AffineExpr> dims1(3);
    dims1[gemm.m] = d(0);
    dims1[gemm.k] = d(3);
    SmallVector<Value> inputs1(2);
    SmallVector<AffineMap> maps1(3);
    inputs1[gemm.a] = nk->getDpsInputs()[gemm.a];
    maps1[gemm.a] = remapDims(nkMaps[gemm.a], dims1, 4);
    inputs1[gemm.b] = packB.getResult(0);
    maps1[gemm.b] = AffineMap::get(4, 0, {d(1), d(3), d(2)}, ctx);
    maps1[2] = AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx);
    Value c1 = expandDim(rewriter, loc, nk->getDpsInits()[0], 1, tile.n);
    linalg::GenericOp g1 = replaceWithContraction(
        rewriter, *nk, inputs1, c1, maps1, 4, {{0}, {1, 2}});

    auto packBOp = cast<linalg::LinalgOp>(packB.getOperation());
    if (failed(run(packBOp, planElementwise(packBOp, target))))
      return failure();
    return packRows(cast<linalg::LinalgOp>(g1.getOperation()), gemm.a, tile,
                    blocks.m);
  }

  /// The rows of a contraction on packed B (loops m, n1, n0, k): m-blocks
  /// of `mBlock` rows, A packed per m-block, `tile` register tiles. Rows
  /// the register tile or the m-blocks leave over are split off and get
  /// their own (smaller) tile or block.
  LogicalResult packRows(linalg::LinalgOp g1, unsigned a, RegisterTile tile,
                         int64_t mBlock) {
    int64_t m = g1.getStaticLoopRanges()[0];
    if (int64_t left = m % tile.m)
      return splitAndRun(
          g1, 0, m - left,
          [&](linalg::LinalgOp main) {
            return packRows(main, a, tile, mBlock);
          },
          [&](linalg::LinalgOp rest) {
            return packRows(rest, a, {left, tile.n}, left);
          });
    if (int64_t left = m % mBlock)
      return splitAndRun(
          g1, 0, m - left,
          [&](linalg::LinalgOp main) {
            return packRows(main, a, tile, mBlock);
          },
          [&](linalg::LinalgOp rest) {
            return packRows(rest, a, tile, left);
          });
    Location loc = g1.getLoc();
    MLIRContext *ctx = g1->getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };

    // m blocks.
    FailureOr<linalg::LinalgOp> rows = tileLoops(
        rewriter, g1, {mBlock < m ? mBlock : 0, 0, 0, 0}, {0, 1, 2, 3});
    if (failed(rows))
      return g1.emitOpError("could not be tiled into cache blocks");

    // Pack A; loops (m1, m0, n1, n0, k) over Ap, Bp and C as
    // [M/mr][mr][N/nr][nr].
    rewriter.setInsertionPoint(*rows);
    SmallVector<AffineMap> maps2 = rows->getIndexingMapsArray();
    linalg::GenericOp packA =
        packOperand(rewriter, loc, rows->getDpsInputs()[a], maps2[a],
                    /*outerLoop=*/0, tile.m);
    unsigned b = 1 - a;
    SmallVector<Value> inputs2(2);
    inputs2[a] = packA.getResult(0);
    maps2[a] = AffineMap::get(5, 0, {d(0), d(4), d(1)}, ctx);
    inputs2[b] = rows->getDpsInputs()[b];
    maps2[b] = AffineMap::get(5, 0, {d(2), d(4), d(3)}, ctx);
    maps2[2] = AffineMap::get(5, 0, {d(0), d(1), d(2), d(3)}, ctx);
    Value c2 = expandDim(rewriter, loc, rows->getDpsInits()[0], 0, tile.m);
    linalg::GenericOp g2 = replaceWithContraction(
        rewriter, *rows, inputs2, c2, maps2, 5, {{0, 1}, {2}, {3}});

    // The packing copy is vectorized like any elementwise op; the
    // contraction is tiled into mr x nr register tiles, loops n1, m1, k,
    // each tile an outer product.
    auto packAOp = cast<linalg::LinalgOp>(packA.getOperation());
    if (failed(run(packAOp, planElementwise(packAOp, target))))
      return failure();
    TilePlan plan;
    plan.kind = TileKind::Convolution;
    plan.sizes = {1, tile.m, 1, tile.n, 1};
    plan.mLoop = 1;
    plan.nLoop = 3;
    plan.order = {2, 0, 1, 3, 4};
    return tileAndVectorize(cast<linalg::LinalgOp>(g2.getOperation()), plan);
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
  /// Ops with fewer iterations (elements, or multiply-adds) run on one
  /// thread. The default (1 M, the pass option) was measured on the 2-vCPU
  /// development machine: a ReLU over 4 K elements took 0.7 us on one thread
  /// and 2.5 us on two; convolutions of 0.6 M multiply-adds ran no faster on
  /// two (the fork/join and moving the producer's output into the second
  /// core's cache cost what the split saves); a 1.3 M one went from 77 to
  /// 48 us.
  int64_t minParallelIterations;
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
    Tiler tiler(rewriter, *target, threads, minParallelIterations);
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
    auto overrideCaches = [&](VectorTarget &target) {
      if (l1CacheBytes > 0)
        target.l1Bytes = l1CacheBytes;
      if (l2CacheBytes > 0)
        target.l2Bytes = l2CacheBytes;
      if (l3CacheBytes > 0)
        target.l3Bytes = l3CacheBytes;
    };
    if (vectorBits != 0 && numVectorRegisters != 0) {
      VectorTarget target;
      target.vectorBits = vectorBits;
      target.numVectorRegisters = numVectorRegisters;
      overrideCaches(target);
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
    overrideCaches(*host);
    return *host;
  }
};
} // namespace
