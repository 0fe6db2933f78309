//===- Device.cpp - Device registry ---------------------------------------===//
#include "runtime/Device.h"
#include "runtime/cpu/CpuDevice.h"
#ifdef SYSTOLIC_HAVE_ACCEL_DEVICES
#include "runtime/accel/AccelDevice.h"
#endif

namespace systolic::runtime {

LoadedExecutable::~LoadedExecutable() = default;
Device::~Device() = default;

Status LoadedExecutable::invokeWithCounters(uint32_t entryPoint, void **bindings,
                                            DeviceCounters *counters) {
  *counters = DeviceCounters();
  return invoke(entryPoint, bindings);
}

Status LoadedExecutable::checkBindings(uint32_t, const std::vector<uint64_t> &) const {
  return Status::ok();
}

DeviceRegistry DeviceRegistry::withBuiltinDevices() {
  DeviceRegistry registry;
  (void)registry.add("cpu", [] { return Expected<std::shared_ptr<Device>>(createCpuDevice()); });
#ifdef SYSTOLIC_HAVE_ACCEL_DEVICES
  (void)registry.add("accel", [] { return createAccelDevice(AccelSimulator::Rtl); });
  (void)registry.add("accel-golden",
                     [] { return createAccelDevice(AccelSimulator::Golden); });
#endif
  return registry;
}

bool DeviceRegistry::hasAccelDevices() {
#ifdef SYSTOLIC_HAVE_ACCEL_DEVICES
  return true;
#else
  return false;
#endif
}

Status DeviceRegistry::add(const std::string &name, Factory factory) {
  if (!factories_.emplace(name, std::move(factory)).second)
    return Status(StatusCode::InvalidArgument,
                  "a device named '" + name + "' is already registered");
  return Status::ok();
}

Expected<std::shared_ptr<Device>>
DeviceRegistry::create(const std::string &name) const {
  auto it = factories_.find(name);
  if (it == factories_.end() && !hasAccelDevices() &&
      (name == "accel" || name == "accel-golden"))
    return Status(StatusCode::NotFound,
                  "device '" + name + "' is not available: this runtime was "
                  "built without the accelerator simulator "
                  "(SYSTOLIC_ENABLE_SIM=OFF or no Verilator); rebuild with "
                  "-DSYSTOLIC_ENABLE_SIM=ON, or use --device=cpu to run accel "
                  "dispatches through their CPU reference");
  if (it == factories_.end()) {
    std::string known;
    for (const std::string &n : names())
      known += (known.empty() ? "" : ", ") + n;
    return Status(StatusCode::NotFound, "unknown device '" + name +
                                            "'; available: " + known);
  }
  return it->second();
}

std::vector<std::string> DeviceRegistry::names() const {
  std::vector<std::string> out;
  for (const auto &entry : factories_)
    out.push_back(entry.first);
  return out;
}

} // namespace systolic::runtime
