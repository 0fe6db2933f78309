//===- EliminateDeadValues.cpp - Remove unused values ---------------------===//
#include "dialects/nn/Transforms/Passes.h"

#include "mlir/IR/Iterators.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace systolic::nn {
#define GEN_PASS_DEF_ELIMINATEDEADVALUES
#include "dialects/nn/Transforms/Passes.h.inc"
} // namespace systolic::nn

using namespace mlir;
using namespace systolic::nn;

namespace {
/// A softmax_cross_entropy whose loss is unused only computes log_prob,
/// which is log_softmax along the class axis.
void shrinkCrossEntropy(SoftmaxCrossEntropyOp op, RewriterBase &rewriter) {
  if (!op.getLoss().use_empty() || op.getLogProb().use_empty())
    return;
  rewriter.setInsertionPoint(op);
  Value logProb =
      LogSoftmaxOp::create(rewriter, op.getLoc(), op.getScores(), 1);
  rewriter.replaceAllUsesWith(op.getLogProb(), logProb);
}

struct EliminateDeadValuesPass
    : systolic::nn::impl::EliminateDeadValuesBase<EliminateDeadValuesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](SoftmaxCrossEntropyOp op) {
      shrinkCrossEntropy(op, rewriter);
    });
    // Visit users before producers (reverse program order within each
    // block), so erasing a user can make its producers dead in the same
    // sweep. Only value-producing ops are candidates: functions, returns and
    // function arguments (the model's signature) always stay.
    SmallVector<Operation *> worklist;
    getOperation()->walk<WalkOrder::PostOrder, ReverseIterator>(
        [&](Operation *op) {
          if (op->getNumResults() > 0)
            worklist.push_back(op);
        });
    llvm::SmallPtrSet<Operation *, 16> erased;
    for (size_t i = 0; i < worklist.size(); ++i) {
      Operation *op = worklist[i];
      if (erased.contains(op) || !isOpTriviallyDead(op))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          worklist.push_back(producer);
      erased.insert(op);
      rewriter.eraseOp(op);
    }
  }
};
} // namespace
