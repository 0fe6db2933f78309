//===- Device.h - Devices that run dispatches, and their registry -*- C++ -*-===//
//
// A Device runs the dispatches of the plan whose `device` field equals its
// kind() ("cpu", "accel", later "opencl"). Devices are plugins: a
// DeviceRegistry maps names ("cpu", "accel", "accel-golden", ...) to
// factories, and a session is given the device instances it may use. Buffers are host memory, 64-byte
// aligned; a device with its own memory copies in and out inside invoke().
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_DEVICE_H
#define SYSTOLIC_RUNTIME_DEVICE_H

#include "runtime/artifact/Artifact.h"

#include <functional>
#include <map>
#include <memory>

namespace systolic::runtime {

/// What a device with hardware counters measured while running one dispatch
/// (the accel devices; the cpu device reports none). All counts are summed
/// over the programs the dispatch ran.
struct DeviceCounters {
  /// False when the device has no counters (then everything else is zero).
  bool valid = false;
  /// True when `cycles` and the busy/stall counts come from the cycle-accurate
  /// RTL. False on the golden model: `cycles` is then its timing model's
  /// estimate of the RTL (0 if it has none), busy/stall counts are 0; event
  /// counts (MACs, SRAM, DRAM) are exact on both.
  bool cycleAccurate = false;
  uint32_t rows = 0, cols = 0; ///< the array
  uint64_t cycles = 0;
  /// SCALE-Sim's stall-free weight-stationary cycles of the layer.
  uint64_t idealCycles = 0;
  /// The compiler's cost-model estimate for the dataflow it chose.
  uint64_t estimatedCycles = 0;
  /// The layer's MACs: the model's arithmetic, as the compiler counted it.
  uint64_t macs = 0;
  /// MACs the array executed (m * k * n of every MATMUL): more than `macs`
  /// where the program multiplies structural zeros (merged groups, ones
  /// vectors over several images) or moves data through the array
  /// (identity tiles of residual adds and the LSTM's cell update).
  uint64_t arrayMacs = 0;
  /// Per unit: executing (or results in flight), waiting for a dependency
  /// token, and the unit's own stall (load/store: DRAM; compute: the array,
  /// a weight bank or the exclusive engine busy).
  uint64_t loadBusy = 0, loadStallToken = 0, loadStallDram = 0;
  uint64_t computeBusy = 0, computeStallToken = 0, computeStallHazard = 0;
  uint64_t storeBusy = 0, storeStallToken = 0, storeStallDram = 0;
  /// Row accesses at the SRAM ports.
  uint64_t spReads = 0, spWrites = 0, accReads = 0, accWrites = 0;
  uint64_t dramReadBytes = 0, dramWriteBytes = 0;
  uint32_t programs = 0;     ///< programs run (one per image of a batched conv)
  std::string dataflow;      ///< "ws" or "os"
  std::string layer;         ///< "conv2d", "matmul", "scaled_add", "max_pool", "lstm", "dense_chain"

  /// macs / (cycles * rows * cols); 0 without cycles.
  double utilization() const {
    return cycles && rows && cols
               ? static_cast<double>(macs) /
                     (static_cast<double>(cycles) * rows * cols)
               : 0.0;
  }
};

/// An artifact executable made ready to run on one device.
class LoadedExecutable {
public:
  virtual ~LoadedExecutable();
  /// Runs an entry point on the dispatch's buffers (operands, then results).
  /// Must be safe to call from several threads on distinct buffers.
  virtual Status invoke(uint32_t entryPoint, void **bindings) = 0;
  /// invoke() that also reports the device's counters for this run into
  /// `counters` (reset first). The default reports none.
  virtual Status invokeWithCounters(uint32_t entryPoint, void **bindings,
                                    DeviceCounters *counters);
  /// Checks, before any run, that the dispatch's buffers have the sizes the
  /// entry point reads and writes (`bindingSizes`: operands, then results).
  /// The default accepts anything (a CPU entry point trusts its ABI).
  virtual Status checkBindings(uint32_t entryPoint,
                               const std::vector<uint64_t> &bindingSizes) const;
};

class Device {
public:
  virtual ~Device();
  /// The name it was created under ("cpu", "accel-golden", ...).
  virtual const std::string &name() const = 0;
  /// The plan device name it serves: dispatches with this `device` run here
  /// (and dispatches of another device whose reference executable targets
  /// this kind, when the session has no device of theirs).
  virtual const std::string &kind() const = 0;
  /// Prepares an executable (loads its code). Thread-safe.
  virtual Expected<std::unique_ptr<LoadedExecutable>>
  load(const artifact::ExecutableSpec &executable) = 0;
};

/// Names to device factories. A value, not a global: each tool or C API
/// instance owns one, and adds plugins to it.
class DeviceRegistry {
public:
  using Factory = std::function<Expected<std::shared_ptr<Device>>()>;

  /// A registry holding the devices compiled into this library: "cpu", and
  /// when the simulator is built (SYSTOLIC_ENABLE_SIM) "accel" (the
  /// Verilated RTL, cycle-accurate) and "accel-golden" (the golden model).
  static DeviceRegistry withBuiltinDevices();
  /// Whether this library was built with the accel devices.
  static bool hasAccelDevices();

  /// Fails if `name` is taken.
  Status add(const std::string &name, Factory factory);
  /// Creates a device; the error lists the names known.
  Expected<std::shared_ptr<Device>> create(const std::string &name) const;
  std::vector<std::string> names() const;

private:
  std::map<std::string, Factory> factories_;
};

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_DEVICE_H
