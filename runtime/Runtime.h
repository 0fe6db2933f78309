//===- Runtime.h - Modules and sessions -------------------------*- C++ -*-===//
//
//   Module   a loaded artifact: immutable, shared by any number of sessions.
//   Session  one execution context of a module on a set of devices: its own
//            buffers, bound inputs, outputs and per-dispatch timings. A session
//            is used by one thread at a time; sessions on the same module run
//            concurrently without locks (nothing mutable is shared).
//
//   auto module = Module::load("model.sysm");
//   auto cpu = DeviceRegistry::withBuiltinDevices().create("cpu");
//   auto session = Session::create(*module, {*cpu});
//   (*session)->setInput(0, view);  (*session)->run();
//   TensorView y = (*session)->output(0);
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_RUNTIME_H
#define SYSTOLIC_RUNTIME_RUNTIME_H

#include "runtime/Device.h"
#include "runtime/MemoryPlan.h"
#include "runtime/Tensor.h"

namespace systolic::runtime {

using artifact::TensorSpec;

class Module {
public:
  static Expected<std::shared_ptr<const Module>> load(const std::string &path);
  static Expected<std::shared_ptr<const Module>> fromBytes(const void *data,
                                                           size_t size);
  explicit Module(std::shared_ptr<const artifact::Artifact> artifact);

  const artifact::Artifact &artifact() const { return *artifact_; }
  const std::vector<TensorSpec> &inputs() const { return artifact_->inputs(); }
  const std::vector<TensorSpec> &outputs() const { return artifact_->outputs(); }
  std::optional<size_t> findInput(const std::string &name) const;
  std::optional<size_t> findOutput(const std::string &name) const;
  /// Sum of the plan's FLOP counts: the work of one run.
  uint64_t totalFlops() const;

private:
  std::shared_ptr<const artifact::Artifact> artifact_;
};

class Session {
public:
  /// Prepares every executable of the plan on the device serving it: each
  /// dispatch runs on the first device whose kind() equals its `device`; a
  /// dispatch with a reference entry point (accel dispatches have their CPU
  /// compilation) runs that on the first device whose kind() equals the
  /// reference executable's target when no device serves its own `device`.
  static Expected<std::unique_ptr<Session>>
  create(std::shared_ptr<const Module> module,
         std::vector<std::shared_ptr<Device>> devices);
  ~Session();

  const Module &module() const { return *module_; }

  /// Copies `value` into input `index` after checking its type and shape
  /// against the signature; the error names the input and its index. A
  /// string input's strings are copied too.
  Status setInput(size_t index, const TensorView &value);
  /// Runs the plan. Fails if an input has not been set.
  Status run();
  /// Output `index` (< module().outputs().size()) of the last run; valid until the next run or destruction.
  TensorView output(size_t index) const;
  /// Wall-clock nanoseconds of each dispatch in the last run, in plan order.
  const std::vector<uint64_t> &dispatchNanoseconds() const { return timings_; }
  /// Device counters of each dispatch in the last run, in plan order
  /// (`valid` only for dispatches on a device with counters: accel).
  const std::vector<DeviceCounters> &dispatchCounters() const { return counters_; }
  /// Whether dispatch `index` runs its reference entry point (e.g. an accel
  /// dispatch on the cpu device).
  bool dispatchUsesReference(size_t index) const { return usesReference_[index]; }
  /// How intermediates share memory (see MemoryPlan.h).
  const ArenaPlan &intermediateArena() const { return arena_; }
  /// The device running dispatch `index`.
  const Device &dispatchDevice(size_t index) const { return *dispatchDevices_[index]; }

private:
  Session() = default;

  std::shared_ptr<const Module> module_;
  std::vector<std::shared_ptr<Device>> devices_;
  std::vector<std::unique_ptr<LoadedExecutable>> executables_;
  ArenaPlan arena_;
  std::vector<AlignedBuffer> storage_;       // the arena, inputs, outputs
  std::vector<void *> bufferPointers_;       // every buffer, constants in place
  std::vector<std::vector<void *>> bindings_; // per dispatch
  std::vector<LoadedExecutable *> dispatchExecutables_;
  std::vector<Device *> dispatchDevices_;
  std::vector<uint32_t> dispatchEntryPoints_;
  std::vector<bool> usesReference_;
  std::vector<bool> inputSet_;
  std::vector<Tensor> inputStrings_;          // string inputs' copies
  std::vector<uint64_t> timings_;
  std::vector<DeviceCounters> counters_;
};

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_RUNTIME_H
