//===- LowerVectors.cpp - Register-resident accumulators + vector lowering ===//
//
// Implements systolic-cpu-lower-vectors: see Passes.td.
//
//===----------------------------------------------------------------------===//
#include "lowering/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace systolic::cpu {
#define GEN_PASS_DEF_CPULOWERVECTORS
#include "lowering/cpu/Passes.h.inc"
} // namespace systolic::cpu

using namespace mlir;

namespace {
/// memref.copy between non-contiguous buffers lowers to a call into MLIR's
/// C runner utilities, which a standalone shared object does not have: make
/// it a linalg.copy, which becomes loops.
struct StridedCopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    auto source = cast<MemRefType>(copy.getSource().getType());
    auto target = cast<MemRefType>(copy.getTarget().getType());
    if (source.getLayout().isIdentity() && target.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(copy, "contiguous: a memcpy");
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

/// Folds a memref.expand_shape into a vector transfer on it, so that the
/// transfer indexes the expand_shape's source: each vector dimension must run
/// along a dimension whose reassociation group is contiguous after it (the
/// group's later dimensions are unit), at most one vector dimension per
/// group, and within that dimension (in bounds) unless it is the group's
/// only non-unit one. Reads may broadcast. A register tile of a packed
/// contraction reads and writes its accumulator like this ([m1][m0][n1][n0]
/// view of C, map (d1, d3)): folded, it becomes a plain 2-D transfer on C
/// that hoisting can keep in registers.
///
/// Replaces upstream's LoadOpOfExpandShapeOpFolder for transfer_read
/// (populateFoldMemRefAliasOpPatterns, MLIR 22), which handles minor
/// identity maps only, and builds the source indices before checking that
/// the read qualifies: for a read it then rejects (a broadcast, as in
/// softmax's normalisation, or a vector of higher rank than the source, as
/// in the LSTM gates) the greedy driver counts the index ops it created and
/// erased as a change, never converges, and the pass failed with no message.
template <typename XferOp>
struct TransferOfExpandShape : OpRewritePattern<XferOp> {
  using OpRewritePattern<XferOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(XferOp xfer,
                                PatternRewriter &rewriter) const override {
    auto expand = xfer.getBase().template getDefiningOp<memref::ExpandShapeOp>();
    if (!expand)
      return rewriter.notifyMatchFailure(xfer, "not an expand_shape source");
    if (xfer.getMask())
      return rewriter.notifyMatchFailure(xfer, "masked");
    MLIRContext *ctx = xfer.getContext();
    SmallVector<ReassociationIndices> groups =
        expand.getReassociationIndices();
    ArrayRef<int64_t> shape = expand.getResultType().getShape();
    SmallVector<int64_t> groupOf(shape.size());
    for (auto [g, group] : llvm::enumerate(groups))
      for (int64_t dim : group)
        groupOf[dim] = g;
    SmallVector<AffineExpr> results;
    llvm::SmallDenseSet<int64_t> usedGroups;
    for (auto [i, expr] : llvm::enumerate(xfer.getPermutationMap().getResults())) {
      if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
        if (constant.getValue() != 0 || !isa<vector::TransferReadOp>(*xfer))
          return rewriter.notifyMatchFailure(xfer, "unsupported map");
        results.push_back(expr);
        continue;
      }
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim)
        return rewriter.notifyMatchFailure(xfer, "unsupported map");
      int64_t d = dim.getPosition(), g = groupOf[d];
      if (!usedGroups.insert(g).second)
        return rewriter.notifyMatchFailure(xfer, "two vector dims in a group");
      bool alone = true;
      for (int64_t other : groups[g]) {
        if (other > d && shape[other] != 1)
          return rewriter.notifyMatchFailure(xfer, "not contiguous in group");
        if (other != d && shape[other] != 1)
          alone = false;
      }
      if (!alone && !xfer.isDimInBounds(i))
        return rewriter.notifyMatchFailure(xfer, "may leave its dimension");
      results.push_back(getAffineDimExpr(g, ctx));
    }
    SmallVector<Value> sourceIndices;
    memref::resolveSourceIndicesExpandShape(xfer.getLoc(), rewriter, expand,
                                            xfer.getIndices(), sourceIndices,
                                            /*startsInbounds=*/false);
    AffineMap map = AffineMap::get(groups.size(), 0, results, ctx);
    if constexpr (std::is_same_v<XferOp, vector::TransferReadOp>)
      rewriter.replaceOpWithNewOp<vector::TransferReadOp>(
          xfer, xfer.getVectorType(), expand.getViewSource(), sourceIndices,
          map, xfer.getPadding(), Value(), xfer.getInBounds());
    else
      rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
          xfer, xfer.getVector(), expand.getViewSource(), sourceIndices,
          AffineMapAttr::get(map), xfer.getInBounds());
    return success();
  }
};

/// populateFoldMemRefAliasOpPatterns with upstream's expand_shape +
/// transfer_read fold replaced by TransferOfExpandShape (for reads and
/// writes).
void populateFoldAliasPatterns(RewritePatternSet &patterns) {
  memref::populateFoldMemRefAliasOpPatterns(patterns);
  auto &native = patterns.getNativePatterns();
  llvm::erase_if(native, [](const std::unique_ptr<RewritePattern> &pattern) {
    StringRef name = pattern->getDebugName();
    return name.contains("ExpandShapeOpFolder") &&
           (name.contains("TransferReadOp") || name.contains("TransferWriteOp"));
  });
  patterns.add<TransferOfExpandShape<vector::TransferReadOp>,
               TransferOfExpandShape<vector::TransferWriteOp>>(
      patterns.getContext());
}

/// buffer-results-to-out-params copies a result computed in a local buffer
/// into its out-parameter when it cannot see that the returned value is that
/// buffer (e.g. when it is threaded through scf.for iter_args): computes it
/// in the out-parameter directly instead. Applies to a copy, in the entry
/// block, from an allocation of the entry block to an argument of the same
/// type that nothing else uses, every other use of the allocation (but its
/// deallocation) coming before the copy.
void forwardResultCopies(func::FuncOp func) {
  Block &entry = func.front();
  for (memref::CopyOp copy :
       llvm::make_early_inc_range(entry.getOps<memref::CopyOp>())) {
    auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
    auto arg = dyn_cast<BlockArgument>(copy.getTarget());
    if (!alloc || alloc->getBlock() != &entry || !arg ||
        arg.getOwner() != &entry || alloc.getType() != arg.getType() ||
        !arg.hasOneUse())
      continue;
    SmallVector<Operation *> deallocs;
    bool before = llvm::all_of(alloc->getUsers(), [&](Operation *user) {
      if (user == copy)
        return true;
      if (isa<memref::DeallocOp>(user) && user->getBlock() == &entry &&
          copy->isBeforeInBlock(user)) {
        deallocs.push_back(user);
        return true;
      }
      Operation *ancestor = entry.findAncestorOpInBlock(*user);
      return ancestor && ancestor->isBeforeInBlock(copy);
    });
    if (!before)
      continue;
    copy.erase();
    for (Operation *dealloc : deallocs)
      dealloc->erase();
    alloc.getResult().replaceAllUsesWith(arg);
    alloc.erase();
  }
}

/// A register tile's accumulator is read before its reduction loop (hoisted
/// there), carried in registers, and written back after it. Its rows are a
/// row stride of C apart (often a multiple of 4 KiB: one L1 set), so that
/// read waits on cache misses before the first FMA can issue. As BLAS
/// kernels do, the reduction starts from zero instead and C is added after
/// the loop; C's lines are prefetched into L2 (not L1, where the panels
/// streaming through the reduction would evict them) before it, so the
/// reduction hides their latency. Applies to a loop whose iter_arg, read by
/// a vector.transfer_read just before the loop, is used only as the
/// accumulator of one additive vector.contract yielded in its place, in a
/// loop that writes no memory.
void accumulateFromZero(func::FuncOp func) {
  constexpr int64_t kLineBytes = 64;
  SmallVector<std::pair<scf::ForOp, unsigned>> candidates;
  func.walk([&](scf::ForOp loop) {
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    for (auto [i, arg] : llvm::enumerate(loop.getRegionIterArgs())) {
      auto read = loop.getInitArgs()[i].getDefiningOp<vector::TransferReadOp>();
      if (!read || read->getBlock() != loop->getBlock() || !read->hasOneUse() ||
          !isa<MemRefType>(read.getShapedType()) || read.getMask() ||
          !arg.hasOneUse() || !loop.getResult(i).hasOneUse())
        continue;
      auto contract = dyn_cast<vector::ContractionOp>(*arg.getUsers().begin());
      if (!contract || contract.getAcc() != arg ||
          contract.getKind() != vector::CombiningKind::ADD ||
          !contract->hasOneUse() ||
          yield.getOperand(i) != contract.getResult())
        continue;
      // C is read after the loop instead: nothing in it may write memory.
      bool writes = loop.getBody()
                        ->walk([](Operation *op) {
                          auto effects = dyn_cast<MemoryEffectOpInterface>(op);
                          if ((!effects &&
                               !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>()) ||
                              (effects &&
                               effects.hasEffect<MemoryEffects::Write>()))
                            return WalkResult::interrupt();
                          return WalkResult::advance();
                        })
                        .wasInterrupted();
      if (!writes)
        candidates.push_back({loop, unsigned(i)});
    }
  });
  for (auto [loop, i] : candidates) {
    auto read = loop.getInitArgs()[i].getDefiningOp<vector::TransferReadOp>();
    VectorType type = read.getVectorType();
    Type element = type.getElementType();
    if (!element.isIntOrFloat())
      continue;
    Location loc = read.getLoc();
    OpBuilder builder(loop);
    // Prefetch C's lines: each row of the tile along the last two indices.
    if (type.getRank() == 2 && read.getPermutationMap().isMinorIdentity()) {
      int64_t elementBytes =
          std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
      int64_t perLine = std::max<int64_t>(1, kLineBytes / elementBytes);
      SmallVector<Value> indices(read.getIndices());
      size_t rowDim = indices.size() - 2, colDim = indices.size() - 1;
      auto offset = [&](Value index, int64_t by) -> Value {
        if (by == 0)
          return index;
        return arith::AddIOp::create(
            builder, loc, index,
            arith::ConstantIndexOp::create(builder, loc, by));
      };
      for (int64_t r = 0; r < type.getDimSize(0); ++r)
        for (int64_t c = 0; c < type.getDimSize(1); c += perLine) {
          SmallVector<Value> at = indices;
          at[rowDim] = offset(at[rowDim], r);
          at[colDim] = offset(at[colDim], c);
          memref::PrefetchOp::create(builder, loc, read.getBase(), at,
                                     /*isWrite=*/false, /*localityHint=*/2,
                                     /*isDataCache=*/true);
        }
    }
    Value zero = arith::ConstantOp::create(
        builder, loc, type, builder.getZeroAttr(type));
    loop.getInitArgsMutable()[i].set(zero);
    // C is read after the loop and added to the loop's sum.
    read->moveAfter(loop);
    builder.setInsertionPointAfter(read);
    Value sum = isa<FloatType>(element)
                    ? arith::AddFOp::create(builder, loc, read.getResult(),
                                            loop.getResult(i))
                          .getResult()
                    : arith::AddIOp::create(builder, loc, read.getResult(),
                                            loop.getResult(i))
                          .getResult();
    loop.getResult(i).replaceAllUsesExcept(sum, sum.getDefiningOp());
  }
}

struct CPULowerVectorsPass
    : systolic::cpu::impl::CPULowerVectorsBase<CPULowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    if (func.isExternal()) // a library function the code calls (strcmp)
      return;

    forwardResultCopies(func);

    // Hoisting matches a transfer_read/transfer_write pair by its memref and
    // index values, so first make them the same SSA values: transfers on the
    // base memref (not on per-iteration subviews), CSE'd indices, invariant
    // index arithmetic outside the loops.
    {
      RewritePatternSet patterns(ctx);
      populateFoldAliasPatterns(patterns);
      patterns.add<StridedCopyToLinalg>(ctx);
      vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
      vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        func.emitError("folding memref alias ops into vector transfers did "
                       "not converge");
        return signalPassFailure();
      }
    }
    IRRewriter rewriter(ctx);
    DominanceInfo dominance(func);
    eliminateCommonSubExpressions(rewriter, dominance, func);
    func.walk([](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
    linalg::hoistRedundantVectorTransfers(func);
    accumulateFromZero(func);

    // Contractions become one broadcast + FMA per row of the accumulator;
    // everything else is lowered towards rank-1 vectors, which is what the
    // LLVM lowering maps to single instructions. One stage at a time, as the
    // stages' patterns would undo each other's canonical forms.
    auto applyStage = [&](StringRef what, auto populate) -> LogicalResult {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      if (succeeded(applyPatternsGreedily(func, std::move(patterns))))
        return success();
      return func.emitError("lowering ") << what << " did not converge";
    };
    if (failed(applyStage("vector contractions",
                          [](RewritePatternSet &patterns) {
          vector::populateVectorContractLoweringPatterns(
              patterns, vector::VectorContractLowering::OuterProduct);
          vector::populateVectorMaskOpLoweringPatterns(patterns);
        })) ||
        failed(applyStage("vector transfers and reductions",
                          [](RewritePatternSet &patterns) {
          vector::populateVectorTransferPermutationMapLoweringPatterns(
              patterns);
          vector::populateVectorMultiReductionLoweringPatterns(
              patterns, vector::VectorMultiReductionLowering::InnerParallel);
        })) ||
        failed(applyStage("outer products, transposes, broadcasts and "
                          "shape casts",
                          [](RewritePatternSet &patterns) {
          vector::populateVectorOuterProductLoweringPatterns(patterns);
          vector::populateVectorTransposeLoweringPatterns(
              patterns, vector::VectorTransposeLowering::EltWise);
          vector::populateVectorBroadcastLoweringPatterns(patterns);
          vector::populateVectorShapeCastLoweringPatterns(patterns);
        })) ||
        // A vector read only for its elements (the broadcast operand of an
        // outer product: a packed A panel's column) becomes scalar loads,
        // which LLVM folds into broadcasts from memory; extracted from a
        // vector load, some would be shuffled out of registers instead, on
        // the ports the FMAs need.
        failed(applyStage("reads of single elements",
                          [](RewritePatternSet &patterns) {
          vector::populateScalarVectorTransferLoweringPatterns(
              patterns, /*benefit=*/1, /*allowMultipleUses=*/true);
        })))
      return signalPassFailure();
  }
};
} // namespace
