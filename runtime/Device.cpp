//===- Device.cpp - Device registry ---------------------------------------===//
#include "runtime/Device.h"
#include "runtime/cpu/CpuDevice.h"

namespace systolic::runtime {

LoadedExecutable::~LoadedExecutable() = default;
Device::~Device() = default;

DeviceRegistry DeviceRegistry::withBuiltinDevices() {
  DeviceRegistry registry;
  (void)registry.add("cpu", [] { return Expected<std::shared_ptr<Device>>(createCpuDevice()); });
  return registry;
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
