//===- Device.h - Devices that run dispatches, and their registry -*- C++ -*-===//
//
// A Device runs the dispatches of the plan whose `device` field equals its
// kind() ("cpu", "opencl", "accel"). Devices are plugins: a DeviceRegistry maps
// names ("cpu", later "accel", "accel-golden", ...) to factories, and a session
// is given the device instances it may use. Buffers are host memory, 64-byte
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

/// An artifact executable made ready to run on one device.
class LoadedExecutable {
public:
  virtual ~LoadedExecutable();
  /// Runs an entry point on the dispatch's buffers (operands, then results).
  /// Must be safe to call from several threads on distinct buffers.
  virtual Status invoke(uint32_t entryPoint, void **bindings) = 0;
};

class Device {
public:
  virtual ~Device();
  /// The name it was created under ("cpu", "accel-golden", ...).
  virtual const std::string &name() const = 0;
  /// The plan device name it serves: dispatches with this `device` run here.
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

  /// A registry holding the devices compiled into this library.
  static DeviceRegistry withBuiltinDevices();

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
