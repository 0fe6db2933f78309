//===- DriverSupport.h - Shared code of systolic-run/-bench ------*- C++ -*-===//
//
// Command-line tensor arguments ("@x.npy" in signature order or "name=@x.npy"),
// binding them to a session, device selection and readable tensor summaries.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_DRIVER_DRIVERSUPPORT_H
#define SYSTOLIC_RUNTIME_DRIVER_DRIVERSUPPORT_H

#include "runtime/Runtime.h"

namespace systolic::runtime::driver {

/// Assigns `--<flag>` values to signature entries: "name=@file" by name, then
/// "@file" values to the remaining entries in signature order. The result has
/// one path per signature entry, empty where none was given.
Expected<std::vector<std::string>>
assignFiles(const std::vector<std::string> &values,
            const std::vector<TensorSpec> &signature, const std::string &flag);

/// Reads every input's .npy file into the session; all must be assigned.
Status bindInputFiles(Session &session, const std::vector<std::string> &paths);

/// Fills every input with deterministic pseudo-random data (for benchmarks):
/// floats in [-1, 1), integers in [0, 8), random booleans.
Status bindRandomInputs(Session &session, uint64_t seed);

/// The devices a driver runs on. With `--device` names given: those, with
/// "cpu" appended when missing (CPU dispatches always need it; an accel
/// dispatch runs its CPU reference when no accel device is listed). Without:
/// "accel-golden", "cpu" for artifacts with accel dispatches when this build
/// has the accel devices, otherwise "cpu".
std::vector<std::string> resolveDeviceNames(const Module &module,
                                            const std::vector<std::string> &given);

/// Whether the plan has dispatches of device kind `kind`.
bool hasDispatchesOn(const Module &module, const std::string &kind);

/// One line describing an accel dispatch's counters, e.g. "conv2d ws: 12345
/// cycles (ideal 10000, x1.23), 4608 MACs, 85.1% utilization, ..." (cycles
/// marked ~ when they are the golden model's estimate).
std::string describeCounters(const DeviceCounters &counters);

/// Creates the named devices from the registry, in order.
Expected<std::vector<std::shared_ptr<Device>>>
createDevices(const DeviceRegistry &registry, const std::vector<std::string> &names);

/// Element `index` of a tensor as a double.
double elementAsDouble(const TensorView &tensor, uint64_t index);

/// A few lines: type, shape, the first values, min/max/mean (NaNs counted).
std::string summarize(const TensorView &tensor, size_t maxValues = 8);

} // namespace systolic::runtime::driver

#endif // SYSTOLIC_RUNTIME_DRIVER_DRIVERSUPPORT_H
