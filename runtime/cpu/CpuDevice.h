//===- CpuDevice.h - The host CPU device ------------------------*- C++ -*-===//
//
// Runs "cpu" executables in the "elf-shared-object" format: each is loaded
// from memory (memfd_create + dlopen of /proc/self/fd/N, no temporary file) and
// its entry points `void entry(void **bindings)` are resolved with dlsym.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_CPU_CPUDEVICE_H
#define SYSTOLIC_RUNTIME_CPU_CPUDEVICE_H

#include "runtime/Device.h"

namespace systolic::runtime {

std::shared_ptr<Device> createCpuDevice();

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_CPU_CPUDEVICE_H
