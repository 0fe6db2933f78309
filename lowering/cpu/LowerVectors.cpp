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

/// Folds a memref.expand_shape into a vector.transfer_read with a minor
/// identity map: the read then indexes the expand_shape's source.
///
/// Upstream's version of this fold (LoadOpOfExpandShapeOpFolder in
/// populateFoldMemRefAliasOpPatterns, MLIR 22) builds the source indices
/// before checking that the read qualifies, then returns failure for a read
/// with a broadcast or permuted map (e.g. `(d0, d1) -> (d0, 0)`, which
/// softmax's normalisation step produces). The greedy driver counts the
/// index ops it created (and then erased as dead) as a change, so it never
/// converges and the pattern application fails: this pattern checks first.
struct TransferReadOfExpandShape : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto expand = read.getBase().getDefiningOp<memref::ExpandShapeOp>();
    if (!expand)
      return rewriter.notifyMatchFailure(read, "not an expand_shape source");
    if (!read.getPermutationMap().isMinorIdentity())
      return rewriter.notifyMatchFailure(read, "not a minor identity map");
    int64_t sourceRank = expand.getSrcType().getRank();
    int64_t vectorRank = read.getVectorType().getRank();
    if (sourceRank < vectorRank)
      return rewriter.notifyMatchFailure(read, "vector rank exceeds source's");
    SmallVector<Value> sourceIndices;
    memref::resolveSourceIndicesExpandShape(
        read.getLoc(), rewriter, expand, read.getIndices(), sourceIndices,
        /*startsInbounds=*/false);
    rewriter.replaceOpWithNewOp<vector::TransferReadOp>(
        read, read.getVectorType(), expand.getViewSource(), sourceIndices,
        AffineMap::getMinorIdentityMap(sourceRank, vectorRank,
                                       read.getContext()),
        read.getPadding(), read.getMask(), read.getInBounds());
    return success();
  }
};

/// populateFoldMemRefAliasOpPatterns with upstream's expand_shape +
/// transfer_read fold replaced by TransferReadOfExpandShape.
void populateFoldAliasPatterns(RewritePatternSet &patterns) {
  memref::populateFoldMemRefAliasOpPatterns(patterns);
  auto &native = patterns.getNativePatterns();
  llvm::erase_if(native, [](const std::unique_ptr<RewritePattern> &pattern) {
    StringRef name = pattern->getDebugName();
    return name.contains("LoadOpOfExpandShapeOpFolder") &&
           name.contains("TransferReadOp");
  });
  patterns.add<TransferReadOfExpandShape>(patterns.getContext());
}

struct CPULowerVectorsPass
    : systolic::cpu::impl::CPULowerVectorsBase<CPULowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();

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
