//===- FoldConstants.cpp - Evaluate initializer-only subgraphs ------------===//
#include "dialects/nn/NNConstantFolding.h"
#include "dialects/nn/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace systolic::nn {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "dialects/nn/Transforms/Passes.h.inc"
} // namespace systolic::nn

using namespace mlir;
using namespace systolic::nn;

namespace {
struct FoldConstantsPass
    : systolic::nn::impl::FoldConstantsBase<FoldConstantsPass> {
  using FoldConstantsBase::FoldConstantsBase;

  void runOnOperation() override {
    // Post-order walk visits producers before users, so a chain of constant
    // ops collapses in one sweep.
    SetVector<Operation *> inputs;
    getOperation()->walk([&](ConstantEvaluableOpInterface op) {
      SmallVector<Attribute> operands;
      for (Value operand : op->getOperands()) {
        Attribute value;
        if (!matchPattern(operand, m_Constant(&value)))
          return;
        operands.push_back(value);
      }
      auto result = dyn_cast_if_present<TypedAttr>(
          op.evaluateConstant(operands, maxElements));
      if (!result)
        return;
      OpBuilder builder(op);
      Value constant = arith::ConstantOp::create(builder, op->getLoc(),
                                                 op->getResult(0).getType(),
                                                 result);
      op->getResult(0).replaceAllUsesWith(constant);
      for (Value operand : op->getOperands())
        inputs.insert(operand.getDefiningOp());
      op->erase();
    });
    // Constants that fed only folded ops (often large weights) are unused.
    for (Operation *input : inputs)
      if (input && isOpTriviallyDead(input))
        input->erase();
  }
};
} // namespace
