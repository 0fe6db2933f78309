//===- ModelCompiler.cpp - nn module -> artifact --------------------------===//
#include "lowering/driver/ModelCompiler.h"

#include "dialects/nn/NNDialect.h"

#include "lowering/NNToLinalg/Passes.h"
#include "lowering/Pipelines.h"
#include "lowering/accel/AccelCodegen.h"
#include "lowering/accel/Passes.h"
#include "lowering/cpu/CPUCompiler.h"
#include "lowering/dispatch/ExecutionPlan.h"
#include "lowering/driver/Calibration.h"
#include "lowering/dispatch/Passes.h"
#include "runtime/artifact/ArtifactBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace systolic;
namespace fb = systolic::artifact;

namespace {
FailureOr<fb::ElementType> artifactElementType(Type type, Location loc) {
  if (type.isF16())
    return fb::ElementType::F16;
  if (type.isF32())
    return fb::ElementType::F32;
  if (type.isF64())
    return fb::ElementType::F64;
  if (type.isBF16())
    return fb::ElementType::BF16;
  if (isa<Float8E4M3FNType>(type))
    return fb::ElementType::F8E4M3FN;
  if (isa<Float8E4M3FNUZType>(type))
    return fb::ElementType::F8E4M3FNUZ;
  if (isa<Float8E5M2Type>(type))
    return fb::ElementType::F8E5M2;
  if (isa<Float8E5M2FNUZType>(type))
    return fb::ElementType::F8E5M2FNUZ;
  if (isa<Float4E2M1FNType>(type))
    return fb::ElementType::F4E2M1FN;
  if (isa<Float8E8M0FNUType>(type))
    return fb::ElementType::F8E8M0FNU;
  if (type.isInteger(1))
    return fb::ElementType::Bool;
  if (isa<nn::StringType>(type))
    return fb::ElementType::String;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 2: return isUnsigned ? fb::ElementType::U2 : fb::ElementType::I2;
    case 4: return isUnsigned ? fb::ElementType::U4 : fb::ElementType::I4;
    case 8: return isUnsigned ? fb::ElementType::U8 : fb::ElementType::I8;
    case 16: return isUnsigned ? fb::ElementType::U16 : fb::ElementType::I16;
    case 32: return isUnsigned ? fb::ElementType::U32 : fb::ElementType::I32;
    case 64: return isUnsigned ? fb::ElementType::U64 : fb::ElementType::I64;
    default: break;
    }
  }
  return emitError(loc) << "element type " << type
                        << " cannot cross the runtime boundary (supported: "
                           "f16, bf16, f32, f64, f8E4M3FN, f8E4M3FNUZ, f8E5M2, "
                           "f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN, i1, and integers "
                           "of 2, 4, 8, 16, 32, 64 bits)";
}

/// The constant's bytes as the runtime stores them: dense, row-major,
/// little-endian, one byte per i1.
FailureOr<std::vector<char>> constantBytes(ElementsAttr value, Location loc) {
  auto type = cast<ShapedType>(value.getType());
  int64_t elementSize = getElementByteSize(type.getElementType());
  std::vector<char> bytes;
  bytes.reserve(type.getNumElements() * elementSize);
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (type.getElementType().isInteger(1)) {
      for (bool bit : dense.getValues<bool>())
        bytes.push_back(bit);
      return bytes;
    }
    ArrayRef<char> raw = dense.getRawData();
    if (!dense.isSplat())
      return std::vector<char>(raw.begin(), raw.end());
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.begin() + elementSize);
    return bytes;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return emitError(loc) << "constant refers to resource '"
                            << resource.getRawHandle().getKey()
                            << "' whose data is missing";
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != type.getNumElements() * elementSize)
      return emitError(loc) << "resource '" << resource.getRawHandle().getKey()
                            << "' holds " << data.size() << " bytes, expected "
                            << type.getNumElements() * elementSize;
    return std::vector<char>(data.begin(), data.end());
  }
  return emitError(loc) << "unsupported constant kind: " << value;
}

LogicalResult reportError(Operation *anchor, llvm::Error error) {
  return anchor->emitError() << llvm::toString(std::move(error));
}

/// Runs the graph pipeline and outlines the dispatches, leaving `module` with
/// `@main` calling one private function per graph op.
/// Target accel: calibrate on the user's samples (when given), then move
/// the layers the array runs to int8 systolic ops.
LogicalResult quantizeForAccelerator(ModuleOp module, const CompileOptions &options,
                                     ReferenceOutputs *reference) {
  if (!options.calibration.samples.empty() &&
      failed(calibrate(module, options.calibration, options, reference)))
    return failure();
  PassManager pm(module.getContext());
  accel::QuantizeOptions quantize;
  quantize.reportPlacement = options.reportPlacement;
  quantize.accelConfig = accel::formatAccelConfig(options.accel);
  pm.addPass(accel::createQuantize(quantize));
  return pm.run(module);
}

LogicalResult partition(ModuleOp module, const CompileOptions &options,
                        ReferenceOutputs *reference) {
  PassManager graph(module.getContext());
  buildNNGraphPipeline(graph);
  if (failed(graph.run(module)))
    return failure();
  if (options.target == "accel" &&
      failed(quantizeForAccelerator(module, options, reference)))
    return failure();
  PassManager dispatches(module.getContext());
  DispatchPipelineOptions dispatch;
  dispatch.fuseDenseChains = options.target == "accel" && options.fuseDenseChains;
  dispatch.accelConfig = accel::formatAccelConfig(options.accel);
  dispatch.reportPlacement = options.reportPlacement;
  buildDispatchPipeline(dispatches, dispatch);
  return dispatches.run(module);
}

/// A module of only the dispatch functions, public, lowered to linalg.
FailureOr<OwningOpRef<ModuleOp>> buildDispatchModule(ModuleOp module) {
  OwningOpRef<ModuleOp> dispatches = module.clone();
  for (auto function :
       llvm::make_early_inc_range(dispatches->getOps<func::FuncOp>())) {
    if (function->hasAttr(kDispatchNameAttr))
      function.setPublic();
    else
      function.erase();
  }
  PassManager pm(module.getContext());
  pm.addPass(createConvertNNToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(*dispatches)))
    return failure();
  return dispatches;
}

/// The artifact: the CPU executable holds every dispatch function; with target
/// "accel" an accel executable holds the accel dispatches, which keep their
/// CPU entry point as a bit-exact reference (run by `--device=cpu`).
FailureOr<std::vector<uint8_t>>
buildArtifact(const ExecutionPlan &plan, const cpu::CPUExecutable &executable,
              const accel::AccelExecutableDesc *accelExecutable,
              const CompileOptions &options, func::FuncOp entry) {
  fb::ArtifactBuilder builder;
  builder.setProducer(options.producer);
  Location loc = entry.getLoc();

  // Plan buffer index -> artifact buffer index. Inputs and outputs are added
  // in signature order so the artifact's signature matches the model's.
  std::vector<uint32_t> bufferIndex(plan.buffers.size());
  auto signature = [&](int index, bool isInput) -> LogicalResult {
    const PlanBuffer &buffer = plan.buffers[index];
    FailureOr<fb::ElementType> type =
        artifactElementType(buffer.type.getElementType(), loc);
    if (failed(type))
      return failure();
    if (*type == fb::ElementType::String && !isInput)
      return emitError(loc) << "output '" << buffer.name
                            << "' is a string tensor; the runtime returns "
                               "strings only as inputs (compare them in the "
                               "model, e.g. with Equal)";
    std::vector<int64_t> shape(buffer.type.getShape().begin(),
                               buffer.type.getShape().end());
    bufferIndex[index] = isInput ? builder.addInput(buffer.name, *type, shape)
                                 : builder.addOutput(buffer.name, *type, shape);
    return success();
  };
  for (int input : plan.inputs)
    if (failed(signature(input, /*isInput=*/true)))
      return failure();
  for (int output : plan.outputs)
    if (failed(signature(output, /*isInput=*/false)))
      return failure();
  for (auto [index, buffer] : llvm::enumerate(plan.buffers)) {
    if (buffer.kind == PlanBuffer::Kind::Constant) {
      FailureOr<std::vector<char>> bytes = constantBytes(buffer.value, loc);
      if (failed(bytes))
        return failure();
      bufferIndex[index] = builder.addConstant(bytes->data(), bytes->size());
    } else if (buffer.kind == PlanBuffer::Kind::Intermediate) {
      bufferIndex[index] = builder.addIntermediate(buffer.byteSize);
    }
  }

  uint32_t executableIndex = builder.addExecutable(
      "cpu", "elf-shared-object", executable.sharedObject.data(),
      executable.sharedObject.size(), executable.entryPoints);
  uint32_t accelIndex = 0;
  std::vector<std::string> accelEntryPoints;
  if (accelExecutable && !accelExecutable->entryPoints.empty()) {
    std::vector<uint8_t> bytes =
        artifact::accel::serializeAccelExecutable(*accelExecutable);
    for (const artifact::accel::AccelEntryPoint &e : accelExecutable->entryPoints)
      accelEntryPoints.push_back(e.name);
    accelIndex = builder.addExecutable(
        artifact::accel::kAccelTarget, artifact::accel::kAccelFormat,
        bytes.data(), bytes.size(), accelEntryPoints);
  }
  for (const PlanDispatch &dispatch : plan.dispatches) {
    auto entryPoint = llvm::find(executable.entryPoints, dispatch.symbol);
    if (entryPoint == executable.entryPoints.end())
      return entry.emitError() << "the CPU executable has no entry point for "
                               << "dispatch @" << dispatch.symbol;
    uint32_t cpuEntryPoint = entryPoint - executable.entryPoints.begin();
    std::vector<uint32_t> operands, results;
    uint64_t bytes = 0;
    for (auto [position, binding] : llvm::enumerate(dispatch.bindings)) {
      (position < dispatch.numOperands ? operands : results)
          .push_back(bufferIndex[binding]);
      bytes += plan.buffers[binding].byteSize;
    }
    auto accelEntry = llvm::find(accelEntryPoints, dispatch.symbol);
    if (dispatch.device == "accel" && accelEntry != accelEntryPoints.end()) {
      const artifact::accel::AccelEntryPoint &e =
          accelExecutable->entryPoints[accelEntry - accelEntryPoints.begin()];
      builder.addDispatch(dispatch.name, accelIndex,
                          accelEntry - accelEntryPoints.begin(), "accel",
                          std::move(operands), std::move(results),
                          2 * e.macs, bytes,
                          fb::DispatchReference{executableIndex, cpuEntryPoint});
      continue;
    }
    builder.addDispatch(dispatch.name, executableIndex, cpuEntryPoint, "cpu",
                        std::move(operands), std::move(results), dispatch.flops,
                        bytes);
  }
  systolic::Expected<std::vector<uint8_t>> file = builder.finish();
  if (!file)
    return entry.emitError() << "artifact verification failed: "
                             << file.status().message();
  return file.take();
}
} // namespace

LogicalResult systolic::compileModel(ModuleOp module, EmitKind emit,
                                     const CompileOptions &options,
                                     raw_ostream &os) {
  if (options.target != "cpu" && options.target != "accel")
    return module.emitError() << "unknown target '" << options.target
                              << "' (available: cpu, accel)";
  bool accelReport = emit == EmitKind::Accel || emit == EmitKind::AccelAsm;
  if (accelReport && options.target != "accel")
    return module.emitError() << "--emit=accel and --emit=accel-asm need "
                                 "--target=accel";
  // Code generation needs upstream's interface models (tiling, bufferization)
  // and LLVM translations registered on the context the importer created.
  DialectRegistry registry;
  cpu::registerCPUCodegenDialects(registry);
  module.getContext()->appendDialectRegistry(registry);
  if (emit == EmitKind::NN) {
    PassManager pm(module.getContext());
    buildNNGraphPipeline(pm);
    if (failed(pm.run(module)))
      return failure();
    module.print(os);
    return success();
  }

  // The f32 model's outputs on the calibration samples, for the error report.
  ReferenceOutputs reference;
  if (failed(partition(module, options, &reference)))
    return failure();
  auto entry = module.lookupSymbol<func::FuncOp>("main");
  FailureOr<ExecutionPlan> plan = buildExecutionPlan(entry);
  if (failed(plan))
    return failure();
  if (emit == EmitKind::Plan) {
    printExecutionPlan(*plan, os);
    return success();
  }

  // Target accel: the accel dispatches' programs, built before the CPU code
  // so that a layer that cannot be tiled fails fast.
  std::optional<accel::AccelExecutableDesc> accelExecutable;
  if (options.target == "accel") {
    FailureOr<accel::AccelExecutableDesc> built =
        accel::buildAccelExecutable(module, options.accel);
    if (failed(built))
      return failure();
    if (accelReport) {
      accel::printAccelExecutable(*built, os, emit == EmitKind::AccelAsm);
      return success();
    }
    accelExecutable = std::move(*built);
  }

  FailureOr<OwningOpRef<ModuleOp>> dispatches = buildDispatchModule(module);
  if (failed(dispatches))
    return failure();
  ModuleOp dispatchModule = **dispatches;
  switch (emit) {
  case EmitKind::Linalg:
    dispatchModule.print(os);
    return success();
  case EmitKind::LLVM:
  case EmitKind::Asm: {
    if (failed(cpu::lowerToLLVMDialect(dispatchModule, options.cpu)))
      return failure();
    llvm::Expected<std::string> text =
        emit == EmitKind::LLVM ? cpu::emitLLVMIRText(dispatchModule, options.cpu.target)
                               : cpu::emitAssembly(dispatchModule, options.cpu.target);
    if (!text)
      return reportError(entry, text.takeError());
    os << *text;
    return success();
  }
  case EmitKind::Artifact: {
    llvm::Expected<cpu::CPUExecutable> executable =
        cpu::compileToSharedObject(dispatchModule, options.cpu);
    if (!executable)
      return reportError(entry, executable.takeError());
    FailureOr<std::vector<uint8_t>> file =
        buildArtifact(*plan, *executable,
                      accelExecutable ? &*accelExecutable : nullptr, options,
                      entry);
    if (failed(file))
      return failure();
    if (options.reportQuantizationError && !reference.empty() &&
        failed(reportQuantizationError(module, *file, options.calibration, reference,
                                       llvm::errs())))
      return failure();
    os.write(reinterpret_cast<const char *>(file->data()), file->size());
    return success();
  }
  case EmitKind::NN:
  case EmitKind::Plan:
  case EmitKind::Accel:
  case EmitKind::AccelAsm:
    break;
  }
  llvm_unreachable("every emit kind is handled above");
}
