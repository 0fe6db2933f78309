//===- Session.cpp - One execution context of a module --------------------===//
#include "runtime/Runtime.h"

#include <chrono>
#include <cstring>

namespace systolic::runtime {

using artifact::BufferKind;

Session::~Session() = default;

Expected<std::unique_ptr<Session>>
Session::create(std::shared_ptr<const Module> module,
                std::vector<std::shared_ptr<Device>> devices) {
  const artifact::Artifact &a = module->artifact();
  std::unique_ptr<Session> s(new Session());
  s->module_ = module;
  s->devices_ = std::move(devices);

  // Buffers: constants are used in place (read-only), intermediates share one
  // arena, inputs and outputs have their own memory.
  auto allocate = [&](uint64_t size) -> uint8_t * {
    AlignedBuffer buffer(size);
    uint8_t *data = buffer.data();
    s->storage_.push_back(std::move(buffer));
    return data;
  };
  s->arena_ = planIntermediates(a);
  uint8_t *arena = allocate(s->arena_.size);
  for (size_t i = 0; i < a.buffers().size(); ++i) {
    const artifact::BufferSpec &b = a.buffers()[i];
    uint8_t *data;
    if (b.kind == BufferKind::Constant)
      data = const_cast<uint8_t *>(a.constants()[b.constant].data);
    else if (b.kind == BufferKind::Intermediate)
      data = arena ? arena + s->arena_.offsets[i] : nullptr;
    else
      data = allocate(b.size);
    if (!data)
      return Status(StatusCode::Internal,
                    "out of memory allocating buffer " + std::to_string(i) +
                        " (" + std::to_string(b.size) + " bytes)");
    s->bufferPointers_.push_back(data);
  }

  // Executables, prepared once per (executable, device) pair the plan uses.
  std::map<std::pair<uint32_t, Device *>, LoadedExecutable *> prepared;
  auto deviceOfKind = [&](const std::string &kind) -> Device * {
    for (const std::shared_ptr<Device> &candidate : s->devices_)
      if (candidate->kind() == kind)
        return candidate.get();
    return nullptr;
  };
  for (size_t d = 0; d < a.dispatches().size(); ++d) {
    const artifact::DispatchSpec &p = a.dispatches()[d];
    std::string where = "dispatch " + std::to_string(d) + " '" + p.name + "'";
    uint32_t executable = p.executable, entryPoint = p.entryPoint;
    Device *device = deviceOfKind(p.device);
    bool reference = false;
    if (!device && p.referenceExecutable) {
      executable = *p.referenceExecutable;
      entryPoint = p.referenceEntryPoint;
      device = deviceOfKind(a.executables()[executable].target);
      reference = device != nullptr;
    }
    if (!device) {
      std::string have;
      for (const std::shared_ptr<Device> &candidate : s->devices_)
        have += (have.empty() ? "" : ", ") + candidate->name();
      std::string alternative =
          p.referenceExecutable
              ? " or '" + a.executables()[*p.referenceExecutable].target +
                    "' (its reference)"
              : "";
      return Status(StatusCode::NotFound,
                    where + " runs on device '" + p.device + "'" + alternative +
                        ", but the session has " +
                        (have.empty() ? "no devices" : "only: " + have));
    }
    LoadedExecutable *&exe = prepared[{executable, device}];
    if (!exe) {
      Expected<std::unique_ptr<LoadedExecutable>> code =
          device->load(a.executables()[executable]);
      if (!code)
        return code.status().withContext(
            "executable " + std::to_string(executable) + " on device '" +
            device->name() + "'");
      s->executables_.push_back(code.take());
      exe = s->executables_.back().get();
    }
    std::vector<void *> bindings;
    std::vector<uint64_t> sizes;
    for (uint32_t b : p.bindings) {
      bindings.push_back(s->bufferPointers_[b]);
      sizes.push_back(a.buffers()[b].size);
    }
    if (Status check = exe->checkBindings(entryPoint, sizes); !check)
      return check.withContext(where + " on device '" + device->name() + "'");
    s->bindings_.push_back(std::move(bindings));
    s->dispatchExecutables_.push_back(exe);
    s->dispatchDevices_.push_back(device);
    s->dispatchEntryPoints_.push_back(entryPoint);
    s->usesReference_.push_back(reference);
  }
  s->inputSet_.assign(a.inputs().size(), false);
  s->inputStrings_.resize(a.inputs().size());
  s->timings_.assign(a.dispatches().size(), 0);
  s->counters_.assign(a.dispatches().size(), DeviceCounters());
  return s;
}

Status Session::setInput(size_t index, const TensorView &value) {
  const std::vector<TensorSpec> &inputs = module_->inputs();
  if (index >= inputs.size())
    return Status(StatusCode::InvalidArgument,
                  "input index " + std::to_string(index) +
                      " is out of range: the model has " +
                      std::to_string(inputs.size()) + " inputs");
  const TensorSpec &spec = inputs[index];
  if (value.type != spec.type || value.shape != spec.shape)
    return Status(StatusCode::InvalidArgument,
                  "input " + std::to_string(index) + " '" + spec.name +
                      "' expects " + describe(spec.type, spec.shape) +
                      ", got " + describe(value.type, value.shape));
  if (spec.type == ElementType::String) {
    // The caller's strings may not outlive this call: copy them.
    std::vector<std::string> strings;
    for (uint64_t i = 0; i < value.numElements(); ++i) {
      const char *text = value.as<const char *>()[i];
      if (!text)
        return Status(StatusCode::InvalidArgument,
                      "input " + std::to_string(index) + " '" + spec.name +
                          "': string element " + std::to_string(i) + " is NULL");
      strings.emplace_back(text);
    }
    Expected<Tensor> copy = Tensor::fromStrings(spec.shape, strings);
    if (!copy)
      return copy.status();
    inputStrings_[index] = copy.take();
    std::memcpy(bufferPointers_[spec.buffer], inputStrings_[index].data(),
                spec.byteSize());
  } else {
    std::memcpy(bufferPointers_[spec.buffer], value.data, spec.byteSize());
  }
  inputSet_[index] = true;
  return Status::ok();
}

Status Session::run() {
  for (size_t i = 0; i < inputSet_.size(); ++i)
    if (!inputSet_[i])
      return Status(StatusCode::FailedPrecondition,
                    "input " + std::to_string(i) + " '" +
                        module_->inputs()[i].name + "' has not been set");
  const std::vector<artifact::DispatchSpec> &plan =
      module_->artifact().dispatches();
  using Clock = std::chrono::steady_clock;
  for (size_t d = 0; d < plan.size(); ++d) {
    Clock::time_point start = Clock::now();
    Status status = dispatchExecutables_[d]->invokeWithCounters(
        dispatchEntryPoints_[d], bindings_[d].data(), &counters_[d]);
    timings_[d] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      Clock::now() - start)
                      .count();
    if (!status)
      return status.withContext("dispatch " + std::to_string(d) + " '" +
                                plan[d].name + "'");
  }
  return Status::ok();
}

TensorView Session::output(size_t index) const {
  const TensorSpec &spec = module_->outputs()[index];
  return {bufferPointers_[spec.buffer], spec.type, spec.shape};
}

} // namespace systolic::runtime
