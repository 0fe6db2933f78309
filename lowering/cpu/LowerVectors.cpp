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

struct CPULowerVectorsPass
    : systolic::cpu::impl::CPULowerVectorsBase<CPULowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();

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
        })))
      return signalPassFailure();
  }
};
} // namespace
