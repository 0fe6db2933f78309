//===- Calibration.cpp - Activation ranges from sample inputs -------------===//
#include "lowering/driver/Calibration.h"

#include "lowering/accel/Passes.h"
#include "runtime/Npy.h"
#include "runtime/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace systolic;

namespace {

/// The f32 values calibration observes in `entry`, in program order: the
/// tensor results of every graph op.
std::vector<Value> observedValues(func::FuncOp entry) {
  std::vector<Value> values;
  for (Operation &op : entry.getBody().front().without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    for (Value result : op.getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType()))
        if (type.getElementType().isF32() && type.getNumElements() > 0)
          values.push_back(result);
  }
  return values;
}

/// Accumulates the range of one value over the samples.
class RangeObserver {
public:
  explicit RangeObserver(const CalibrationOptions &options) : options(&options) {}

  void observe(const float *data, uint64_t count) {
    if (count == 0)
      return;
    if (options->observer == CalibrationOptions::Observer::MinMax) {
      auto [lo, hi] = std::minmax_element(data, data + count);
      low = std::min(low, double(*lo));
      high = std::max(high, double(*hi));
      return;
    }
    std::vector<float> values(data, data + count);
    auto at = [&](double fraction) {
      size_t index = std::min<size_t>(count - 1, size_t(fraction * double(count - 1) + 0.5));
      std::nth_element(values.begin(), values.begin() + index, values.end());
      return double(values[index]);
    };
    lowSum += at(1.0 - options->percentile / 100.0);
    highSum += at(options->percentile / 100.0);
    ++samples;
  }

  std::pair<double, double> range() const {
    if (options->observer == CalibrationOptions::Observer::MinMax)
      return {low, high};
    return {lowSum / samples, highSum / samples};
  }

private:
  const CalibrationOptions *options;
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  double lowSum = 0, highSum = 0;
  unsigned samples = 0;
};

void annotate(Value value, std::pair<double, double> range, func::FuncOp entry) {
  Builder builder(entry.getContext());
  auto attr = builder.getDenseF64ArrayAttr({range.first, range.second});
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    entry.setArgAttr(arg.getArgNumber(), accel::kCalibrationAttr, attr);
    return;
  }
  auto result = cast<OpResult>(value);
  std::string name = accel::kCalibrationAttr.str();
  if (result.getResultNumber() > 0)
    name += "." + std::to_string(result.getResultNumber());
  result.getOwner()->setAttr(name, attr);
}

} // namespace

/// A session on the CPU device for the artifact in [data, data + size).
static systolic::Expected<std::unique_ptr<runtime::Session>>
cpuSession(const void *data, size_t size) {
  auto loaded = runtime::Module::fromBytes(data, size);
  if (!loaded)
    return loaded.status();
  auto cpu = runtime::DeviceRegistry::withBuiltinDevices().create("cpu");
  if (!cpu)
    return cpu.status();
  return runtime::Session::create(*loaded, {*cpu});
}

/// Loads `sample`'s files as the inputs of `session`.
static systolic::Status bindSample(runtime::Session &session,
                                   const std::vector<std::string> &sample,
                                   size_t sampleIndex,
                                   std::vector<runtime::Tensor> *inputs) {
  size_t numInputs = session.module().inputs().size();
  if (sample.size() != numInputs)
    return systolic::Status(
        systolic::StatusCode::InvalidArgument,
        "sample " + std::to_string(sampleIndex + 1) + " names " +
            std::to_string(sample.size()) + " file(s) but the model has " +
            std::to_string(numInputs) +
            " input(s); give one --calibrate=@a.npy,@b.npy,... per sample");
  for (size_t i = 0; i < numInputs; ++i) {
    auto tensor = runtime::readNpyFile(sample[i],
                                       session.module().inputs()[i].type);
    if (!tensor)
      return tensor.status();
    systolic::Status set = session.setInput(i, tensor->view());
    if (!set.isOk())
      return set.withContext("sample '" + sample[i] + "'");
    inputs->push_back(std::move(*tensor));
  }
  return systolic::Status::ok();
}

LogicalResult systolic::calibrate(ModuleOp module,
                                  const CalibrationOptions &calibration,
                                  const CompileOptions &cpuOptions,
                                  ReferenceOutputs *reference) {
  auto entry = module.lookupSymbol<func::FuncOp>("main");
  if (!entry)
    return emitError(module.getLoc(), "calibration needs an entry function @main");
  if (calibration.samples.empty())
    return emitError(module.getLoc(), "calibration needs at least one sample");

  // The same graph with every observed value returned as an extra output.
  OwningOpRef<ModuleOp> probe = module.clone();
  auto probeEntry = probe->lookupSymbol<func::FuncOp>("main");
  std::vector<Value> observed = observedValues(entry);
  std::vector<Value> probeObserved = observedValues(probeEntry);
  unsigned numOutputs = probeEntry.getNumResults();
  Operation *terminator = probeEntry.getBody().front().getTerminator();
  SmallVector<Value> results(terminator->getOperands());
  results.append(probeObserved.begin(), probeObserved.end());
  terminator->setOperands(results);
  probeEntry.setFunctionType(FunctionType::get(
      module.getContext(), probeEntry.getArgumentTypes(), ValueRange(results).getTypes()));
  SmallVector<DictionaryAttr> resultAttrs;
  probeEntry.getAllResultAttrs(resultAttrs);
  resultAttrs.resize(results.size(), DictionaryAttr::get(module.getContext()));
  probeEntry.setAllResultAttrs(resultAttrs);

  std::string bytes;
  llvm::raw_string_ostream stream(bytes);
  CompileOptions options = cpuOptions;
  options.target = "cpu";
  if (failed(compileModel(*probe, EmitKind::Artifact, options, stream)))
    return emitError(module.getLoc(),
                     "calibration: compiling the f32 model for the CPU failed");

  auto fail = [&](const std::string &message) {
    return emitError(module.getLoc(), "calibration: ") << message;
  };
  auto session = cpuSession(bytes.data(), bytes.size());
  if (!session)
    return fail(session.status().message());

  size_t numInputs = (*session)->module().inputs().size();
  std::vector<RangeObserver> inputRanges(numInputs, RangeObserver(calibration));
  std::vector<RangeObserver> ranges(observed.size(), RangeObserver(calibration));
  for (auto [sampleIndex, sample] : llvm::enumerate(calibration.samples)) {
    std::vector<runtime::Tensor> inputs;
    if (systolic::Status bound = bindSample(**session, sample, sampleIndex, &inputs);
        !bound.isOk())
      return fail(bound.message());
    for (size_t i = 0; i < numInputs; ++i)
      if (inputs[i].type() == runtime::ElementType::F32)
        inputRanges[i].observe(static_cast<const float *>(inputs[i].data()),
                               inputs[i].view().numElements());
    if (systolic::Status run = (*session)->run(); !run.isOk())
      return fail("running sample " + std::to_string(sampleIndex + 1) + ": " +
                  run.message());
    for (size_t v = 0; v < observed.size(); ++v) {
      runtime::TensorView out = (*session)->output(numOutputs + v);
      ranges[v].observe(out.as<float>(), out.numElements());
    }
    std::vector<std::vector<float>> outputs;
    for (unsigned o = 0; o < numOutputs; ++o) {
      runtime::TensorView out = (*session)->output(o);
      outputs.emplace_back();
      if (out.type == runtime::ElementType::F32)
        outputs.back().assign(out.as<float>(), out.as<float>() + out.numElements());
    }
    reference->push_back(std::move(outputs));
  }

  for (unsigned i = 0; i < entry.getNumArguments(); ++i)
    if (cast<ShapedType>(entry.getArgumentTypes()[i]).getElementType().isF32())
      annotate(entry.getArgument(i), inputRanges[i].range(), entry);
  for (size_t v = 0; v < observed.size(); ++v)
    annotate(observed[v], ranges[v].range(), entry);
  return success();
}

LogicalResult systolic::reportQuantizationError(ModuleOp module,
                                                ArrayRef<uint8_t> artifact,
                                                const CalibrationOptions &calibration,
                                                const ReferenceOutputs &reference,
                                                raw_ostream &os) {
  auto fail = [&](const std::string &message) {
    return emitError(module.getLoc(), "quantization error report: ") << message;
  };
  auto session = cpuSession(artifact.data(), artifact.size());
  if (!session)
    return fail(session.status().message());

  const auto &outputs = (*session)->module().outputs();
  struct Error {
    double dot = 0, refSquares = 0, gotSquares = 0, errSquares = 0, maxAbs = 0;
  };
  std::vector<Error> errors(outputs.size());
  for (auto [sampleIndex, sample] : llvm::enumerate(calibration.samples)) {
    std::vector<runtime::Tensor> inputs;
    if (systolic::Status bound = bindSample(**session, sample, sampleIndex, &inputs);
        !bound.isOk())
      return fail(bound.message());
    if (systolic::Status run = (*session)->run(); !run.isOk())
      return fail(run.message());
    for (size_t o = 0; o < outputs.size(); ++o) {
      runtime::TensorView got = (*session)->output(o);
      const std::vector<float> &want = reference[sampleIndex][o];
      if (got.type != runtime::ElementType::F32 || want.size() != got.numElements())
        continue;
      Error &e = errors[o];
      for (size_t i = 0; i < want.size(); ++i) {
        double g = got.as<float>()[i], w = want[i];
        e.dot += g * w;
        e.refSquares += w * w;
        e.gotSquares += g * g;
        e.errSquares += (g - w) * (g - w);
        e.maxAbs = std::max(e.maxAbs, std::abs(g - w));
      }
    }
  }
  os << "quantization error against the f32 model over " << calibration.samples.size()
     << " calibration sample(s) (int8 results are those of the accelerator):\n";
  os << llvm::format("  %-24s %10s %12s %12s\n", "output", "cosine", "rel. RMS", "max |err|");
  for (size_t o = 0; o < outputs.size(); ++o) {
    const Error &e = errors[o];
    if (e.refSquares == 0 && e.gotSquares == 0 && e.errSquares == 0) {
      os << llvm::format("  %-24s %10s\n", outputs[o].name.c_str(), "(not f32)");
      continue;
    }
    double cosine = e.dot / std::sqrt(e.refSquares * e.gotSquares);
    double relRms = std::sqrt(e.errSquares / e.refSquares);
    os << llvm::format("  %-24s %10.5f %12.5f %12.5g\n", outputs[o].name.c_str(), cosine,
                       relRms, e.maxAbs);
  }
  return success();
}
