//===- EmitEntryPoints.cpp - The CPU executable ABI wrappers --------------===//
//
// Implements systolic-cpu-emit-entry-points: see Passes.td.
//
//===----------------------------------------------------------------------===//
#include "lowering/cpu/Passes.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/IR/SymbolTable.h"

namespace systolic::cpu {
#define GEN_PASS_DEF_CPUEMITENTRYPOINTS
#include "lowering/cpu/Passes.h.inc"
} // namespace systolic::cpu

using namespace mlir;

namespace {
constexpr llvm::StringLiteral kImplPrefix = "__systolic_impl_";

/// Why `func` cannot be an entry point, or an empty string.
std::string unsupportedSignature(func::FuncOp func) {
  FunctionType type = func.getFunctionType();
  if (type.getNumResults() != 0)
    return "returns values (results must have been turned into "
           "out-parameters by bufferization)";
  for (auto [i, argType] : llvm::enumerate(type.getInputs())) {
    auto memref = dyn_cast<MemRefType>(argType);
    if (!memref)
      return "argument #" + std::to_string(i) + " is not a memref";
    if (!memref.hasStaticShape())
      return "argument #" + std::to_string(i) +
             " has a dynamic shape; the ABI passes bare pointers to buffers "
             "of static shape";
    if (!memref.getLayout().isIdentity())
      return "argument #" + std::to_string(i) +
             " is not a dense row-major buffer";
  }
  return "";
}

struct CPUEmitEntryPointsPass
    : systolic::cpu::impl::CPUEmitEntryPointsBase<CPUEmitEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SymbolTable symbols(module);
    LLVMTypeConverter converter(ctx);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);

    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isDeclaration())
        entries.push_back(func);

    for (func::FuncOp func : entries) {
      std::string why = unsupportedSignature(func);
      if (!why.empty()) {
        func.emitError("cannot make '") << func.getSymName()
                                        << "' a CPU entry point: " << why;
        return signalPassFailure();
      }
      std::string name = func.getSymName().str();
      if (failed(symbols.rename(func, (kImplPrefix + name).str()))) {
        func.emitError("cannot rename '")
            << name << "' to '" << kImplPrefix << name << "'";
        return signalPassFailure();
      }
      func.setPrivate();
      // Internal: inlined into its wrapper, not exported from the object.
      func->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));

      OpBuilder builder(func);
      Location loc = func.getLoc();
      auto wrapper = func::FuncOp::create(
          builder, loc, name, builder.getFunctionType({ptrType}, {}));
      symbols.insert(wrapper);
      Block *body = wrapper.addEntryBlock();
      builder.setInsertionPointToStart(body);
      Value bindings = body->getArgument(0);
      SmallVector<Value> buffers;
      for (auto [i, argType] :
           llvm::enumerate(func.getFunctionType().getInputs())) {
        auto memrefType = cast<MemRefType>(argType);
        Value slot = LLVM::GEPOp::create(builder, loc, ptrType, ptrType,
                                         bindings,
                                         ArrayRef<LLVM::GEPArg>{int32_t(i)});
        Value pointer = LLVM::LoadOp::create(builder, loc, ptrType, slot);
        Value descriptor = MemRefDescriptor::fromStaticShape(
            builder, loc, converter, memrefType, pointer);
        buffers.push_back(UnrealizedConversionCastOp::create(
                              builder, loc, memrefType, descriptor)
                              .getResult(0));
      }
      func::CallOp::create(builder, loc, func, buffers);
      func::ReturnOp::create(builder, loc);
    }
  }
};
} // namespace
