//===- ExecutionPlan.cpp - The runtime's view of an outlined graph --------===//
#include "lowering/dispatch/ExecutionPlan.h"
#include "lowering/dispatch/Passes.h"

#include "dialects/nn/NNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace systolic;

int64_t systolic::getElementByteSize(Type elementType) {
  // A string element is bound as the address of its bytes.
  if (isa<nn::StringType>(elementType))
    return sizeof(void *);
  return std::max<int64_t>(1, (elementType.getIntOrFloatBitWidth() + 7) / 8);
}

static int64_t numElements(Value value) {
  return cast<ShapedType>(value.getType()).getNumElements();
}

/// Arithmetic operations of one graph op, counting a multiply-add as two.
/// Contractions are counted from their operand shapes; everything else as one
/// operation per result element.
static int64_t estimateOps(Operation *op) {
  StringRef name = op->getName().getStringRef();
  if (op->getNumResults() == 0)
    return 0;
  int64_t results = numElements(op->getResult(0));
  if (name == "nn.matmul" || name == "systolic.matmul") {
    auto lhs = cast<ShapedType>(op->getOperand(0).getType());
    return 2 * results * lhs.getShape().back();
  }
  if (name == "nn.gemm") {
    // Result [M, N]; a is [M, K] or [K, M].
    int64_t m = cast<ShapedType>(op->getResult(0).getType()).getDimSize(0);
    return 2 * results * (numElements(op->getOperand(0)) / std::max<int64_t>(m, 1));
  }
  if (name == "nn.conv" || name == "nn.conv_transpose") {
    // Each output element reduces over weight[o, :, k...] (C/group x kernel).
    auto weight = cast<ShapedType>(op->getOperand(1).getType());
    int64_t perOutput = weight.getNumElements() / weight.getDimSize(0);
    if (name == "nn.conv_transpose")
      return 2 * numElements(op->getOperand(0)) * weight.getNumElements() /
             weight.getDimSize(0);
    return 2 * results * perOutput;
  }
  if (name == "systolic.conv2d") {
    // Weight [KH, KW, C, F]: each output element reduces over KH*KW*C.
    auto weight = cast<ShapedType>(op->getOperand(1).getType());
    return 2 * results * (weight.getNumElements() / weight.getDimSize(3));
  }
  if (name == "nn.lstm" || name == "nn.gru") {
    // Every time step multiplies x_t by W and h_{t-1} by R for each batch row.
    auto x = cast<ShapedType>(op->getOperand(0).getType());
    int64_t rows = x.getDimSize(0) * x.getDimSize(1);
    return 2 * rows * (numElements(op->getOperand(1)) + numElements(op->getOperand(2)));
  }
  return results;
}

FailureOr<ExecutionPlan> systolic::buildExecutionPlan(func::FuncOp entry) {
  ExecutionPlan plan;
  llvm::DenseMap<Value, int> bufferOf;
  auto addBuffer = [&](Value value, PlanBuffer::Kind kind, std::string name,
                       ElementsAttr constant = {}) -> FailureOr<int> {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape())
      return emitError(value.getLoc())
             << "plan buffers need statically shaped tensors, got " << value.getType();
    plan.buffers.push_back(
        {kind, std::move(name), type,
         type.getNumElements() * getElementByteSize(type.getElementType()),
         constant});
    bufferOf[value] = plan.buffers.size() - 1;
    return plan.buffers.size() - 1;
  };
  auto signatureName = [](DictionaryAttr attrs, StringRef fallback, unsigned i) {
    if (attrs)
      if (auto name = attrs.getAs<StringAttr>("nn.name"))
        return name.str();
    return (fallback + Twine(i)).str();
  };

  for (auto [i, argument] : llvm::enumerate(entry.getArguments())) {
    if (failed(addBuffer(argument, PlanBuffer::Kind::Input,
                         signatureName(entry.getArgAttrDict(i), "input", i))))
      return failure();
    plan.inputs.push_back(plan.buffers.size() - 1);
  }

  Block &body = entry.getBody().front();
  auto terminator = cast<func::ReturnOp>(body.getTerminator());
  llvm::DenseMap<Value, unsigned> outputIndex;
  for (auto [i, result] : llvm::enumerate(terminator.getOperands()))
    outputIndex.try_emplace(result, i);

  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto value = dyn_cast<ElementsAttr>(constant.getValue());
      if (!value)
        return constant.emitError("plan constants must be tensors");
      if (failed(addBuffer(constant, PlanBuffer::Kind::Constant, "", value)))
        return failure();
      continue;
    }
    auto call = dyn_cast<func::CallOp>(op);
    auto callee = call ? entry->getParentOfType<ModuleOp>().lookupSymbol<func::FuncOp>(
                             call.getCallee())
                       : func::FuncOp();
    if (!callee || !callee->hasAttr(kDispatchNameAttr))
      return op.emitError("expected only dispatch calls and constants in the "
                          "entry function; run systolic-outline-dispatches first");

    PlanDispatch dispatch;
    dispatch.symbol = callee.getSymName().str();
    dispatch.name = callee->getAttrOfType<StringAttr>(kDispatchNameAttr).str();
    auto device = callee->getAttrOfType<StringAttr>(kDispatchDeviceAttr);
    dispatch.device = device ? device.str() : "cpu";
    dispatch.flops = 0;
    callee.walk([&](Operation *inner) {
      if (inner->getDialect() &&
          llvm::is_contained({"nn", "systolic"}, inner->getDialect()->getNamespace()))
        dispatch.flops += estimateOps(inner);
    });
    for (Value operand : call.getOperands())
      dispatch.bindings.push_back(bufferOf.at(operand));
    dispatch.numOperands = call.getNumOperands();
    for (Value result : call.getResults()) {
      auto output = outputIndex.find(result);
      bool isOutput = output != outputIndex.end();
      std::string name =
          isOutput ? signatureName(entry.getResultAttrDict(output->second), "output",
                                   output->second)
                   : "";
      FailureOr<int> index = addBuffer(
          result, isOutput ? PlanBuffer::Kind::Output : PlanBuffer::Kind::Intermediate,
          name);
      if (failed(index))
        return failure();
      dispatch.bindings.push_back(*index);
    }
    plan.dispatches.push_back(std::move(dispatch));
  }

  for (auto [i, result] : llvm::enumerate(terminator.getOperands())) {
    auto it = bufferOf.find(result);
    if (it == bufferOf.end() ||
        plan.buffers[it->second].kind != PlanBuffer::Kind::Output ||
        llvm::is_contained(plan.outputs, it->second))
      return terminator.emitError()
             << "output #" << i
             << " is not produced by its own dispatch; run "
                "systolic-outline-dispatches first";
    plan.outputs.push_back(it->second);
  }
  return plan;
}

static StringRef kindName(PlanBuffer::Kind kind) {
  switch (kind) {
  case PlanBuffer::Kind::Input:
    return "input";
  case PlanBuffer::Kind::Output:
    return "output";
  case PlanBuffer::Kind::Constant:
    return "constant";
  case PlanBuffer::Kind::Intermediate:
    return "intermediate";
  }
  llvm_unreachable("unknown buffer kind");
}

void systolic::printExecutionPlan(const ExecutionPlan &plan, raw_ostream &os) {
  for (auto [i, buffer] : llvm::enumerate(plan.buffers)) {
    os << "buffer " << i << " " << kindName(buffer.kind);
    if (!buffer.name.empty())
      os << " \"" << buffer.name << "\"";
    os << " " << buffer.type << " " << buffer.byteSize << " bytes\n";
  }
  for (const PlanDispatch &dispatch : plan.dispatches) {
    os << "dispatch @" << dispatch.symbol << " \"" << dispatch.name << "\" (";
    llvm::interleaveComma(dispatch.bindings, os);
    os << ") ops " << dispatch.flops;
    if (dispatch.device != "cpu")
      os << " on " << dispatch.device;
    os << "\n";
  }
}
