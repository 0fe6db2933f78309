//===- OutlineDispatches.cpp - One function per graph op ------------------===//
#include "lowering/dispatch/Passes.h"

#include "dialects/nn/NNOps.h"
#include "dialects/systolic/SystolicOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace systolic {
#define GEN_PASS_DEF_OUTLINEDISPATCHES
#include "lowering/dispatch/Passes.h.inc"
} // namespace systolic

using namespace mlir;

namespace {
/// A symbol-safe rendering of `text`: letters, digits and '_' only.
std::string sanitize(StringRef text) {
  std::string result;
  for (char c : text)
    result.push_back(llvm::isAlnum(c) ? c : '_');
  return result;
}

struct OutlineDispatchesPass
    : systolic::impl::OutlineDispatchesBase<OutlineDispatchesPass> {
  using Base::Base;

  bool isInlinedConstant(Operation *op) const {
    auto constant = dyn_cast_or_null<arith::ConstantOp>(op);
    if (!constant)
      return false;
    auto type = dyn_cast<ShapedType>(constant.getType());
    // Strings always: the CPU executable holds them as globals, they are
    // never plan buffers.
    return !type || type.getNumElements() <= maxInlinedConstantElements ||
           isa<SplatElementsAttr>(constant.getValue()) ||
           isa<systolic::nn::StringType>(type.getElementType());
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry) {
      module.emitError() << "no entry function '@" << entryName
                         << "' to outline dispatches from";
      return signalPassFailure();
    }
    if (!entry.getBody().hasOneBlock()) {
      entry.emitError() << "the entry function must be a single block graph";
      return signalPassFailure();
    }

    // Graph ops in program order; a constant returned as a model output also
    // needs a dispatch, to fill the output buffer.
    Operation *terminator = entry.getBody().front().getTerminator();
    SmallVector<Operation *> graphOps;
    for (Operation &op : entry.getBody().front()) {
      bool returnedConstant =
          isa<arith::ConstantOp>(op) && llvm::any_of(op.getUsers(), [&](Operation *user) {
            return user == terminator;
          });
      if (isa<systolic::nn::NNDialect, systolic::accel::SystolicDialect>(
              op.getDialect()) ||
          returnedConstant)
        graphOps.push_back(&op);
    }

    SymbolTable symbols(module);
    unsigned index = 0;
    for (Operation *op : graphOps)
      outline(op, index++, symbols);

    // Every output needs a buffer of its own filled by a dispatch: an input
    // returned as an output, or a value returned twice, gets a copy.
    llvm::SmallPtrSet<Value, 8> returned;
    for (OpOperand &result : terminator->getOpOperands()) {
      Value value = result.get();
      bool ownBuffer = value.getDefiningOp<func::CallOp>() &&
                       returned.insert(value).second;
      if (!ownBuffer)
        result.set(createCopy(value, terminator, index++, symbols));
    }
  }

  /// A dispatch that returns its argument: after bufferization, a copy into
  /// the output buffer.
  Value createCopy(Value value, Operation *before, unsigned index,
                   SymbolTable &symbols) {
    OpBuilder builder(before->getParentOfType<func::FuncOp>());
    std::string symbol = "d" + std::to_string(index) + "_copy";
    auto dispatch = func::FuncOp::create(
        builder, value.getLoc(), symbol,
        builder.getFunctionType(value.getType(), value.getType()));
    dispatch.setPrivate();
    dispatch->setAttr(systolic::kDispatchNameAttr, builder.getStringAttr(symbol));
    symbols.insert(dispatch);
    Block *body = dispatch.addEntryBlock();
    builder.setInsertionPointToStart(body);
    func::ReturnOp::create(builder, value.getLoc(), body->getArguments());

    builder.setInsertionPoint(before);
    return func::CallOp::create(builder, value.getLoc(), dispatch, value)
        .getResult(0);
  }

  void outline(Operation *op, unsigned index, SymbolTable &symbols) {
    // Operands computed in the graph (or large constants) become arguments;
    // small constants are cloned so they fold into the dispatch's code.
    llvm::SetVector<Value> arguments;
    llvm::SetVector<Operation *> clonedConstants;
    for (Value operand : op->getOperands()) {
      if (isInlinedConstant(operand.getDefiningOp()))
        clonedConstants.insert(operand.getDefiningOp());
      else
        arguments.insert(operand);
    }

    std::string name = systolic::nn::getNodeName(op->getLoc());
    std::string symbol = "d" + std::to_string(index) + "_" +
                         sanitize(op->getName().stripDialect());
    if (!name.empty())
      symbol += "_" + sanitize(name);

    OpBuilder builder(op->getParentOfType<func::FuncOp>());
    auto type = builder.getFunctionType(
        llvm::to_vector(llvm::map_range(arguments, [](Value v) { return v.getType(); })),
        op->getResultTypes());
    auto dispatch = func::FuncOp::create(builder, op->getLoc(), symbol, type);
    dispatch.setPrivate();
    dispatch->setAttr(systolic::kDispatchNameAttr,
                      builder.getStringAttr(name.empty() ? symbol : name));
    // The array's layers run on the accelerator; quantize/dequantize and every
    // nn op run on the CPU.
    if (isa<systolic::accel::Conv2DOp, systolic::accel::MatMulOp,
            systolic::accel::ScaledAddOp, systolic::accel::MaxPoolOp,
            systolic::accel::LstmOp, systolic::accel::GruOp>(op))
      dispatch->setAttr(systolic::kDispatchDeviceAttr,
                        builder.getStringAttr("accel"));
    symbols.insert(dispatch);

    Block *body = dispatch.addEntryBlock();
    builder.setInsertionPointToStart(body);
    IRMapping mapping;
    for (auto [value, argument] : llvm::zip(arguments, body->getArguments()))
      mapping.map(value, argument);
    for (Operation *constant : clonedConstants)
      builder.clone(*constant, mapping);
    Operation *clone = builder.clone(*op, mapping);
    func::ReturnOp::create(builder, op->getLoc(), clone->getResults());

    builder.setInsertionPoint(op);
    auto call = func::CallOp::create(builder, op->getLoc(), dispatch,
                                     arguments.getArrayRef());
    op->replaceAllUsesWith(call.getResults());
    op->erase();
    for (Operation *constant : clonedConstants)
      if (constant->use_empty())
        constant->erase();
  }
};
} // namespace
