//===- AccelDevice.h - The Systolic accelerator devices ---------*- C++ -*-===//
//
// Devices of kind "accel" running executables of target "accel", format
// "systolic-accel-v1" (runtime/artifact/AccelExecutable.h) on a simulated
// accelerator built from the executable's hardware configuration:
//   "accel"         the Verilated RTL, cycle-accurate (counts cycles, busy
//                   and stall cycles per unit)
//   "accel-golden"  the bit-exact golden model, fast (event counters only:
//                   MACs, SRAM accesses, DRAM bytes; no cycles)
// Built only when the simulator is (SYSTOLIC_ENABLE_SIM). docs/accel-backend.md.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ACCEL_ACCELDEVICE_H
#define SYSTOLIC_RUNTIME_ACCEL_ACCELDEVICE_H

#include "runtime/Device.h"

namespace systolic::runtime {

enum class AccelSimulator { Rtl, Golden };

Expected<std::shared_ptr<Device>> createAccelDevice(AccelSimulator simulator);

} // namespace systolic::runtime

#endif // SYSTOLIC_RUNTIME_ACCEL_ACCELDEVICE_H
