//===- SimHwConfig.h - An artifact's accelerator as the simulator's -*- C++ -*-===//
//
// The hardware an accel executable was built for (HwDescription, stored in
// the artifact) as the kernel library's and simulator's HwConfig. Shared by
// the code generator and the runtime's simulator bridge, the two places that
// hold both; header-only so the artifact library needs no simulator.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ACCEL_SIMHWCONFIG_H
#define SYSTOLIC_RUNTIME_ACCEL_SIMHWCONFIG_H

#include "isa/Isa.h"
#include "runtime/artifact/AccelExecutable.h"

namespace systolic::artifact::accel {

inline ::systolic::HwConfig toSimHwConfig(const HwDescription &d) {
  ::systolic::HwConfig cfg;
  cfg.rows = d.rows;
  cfg.cols = d.cols;
  cfg.spRows = d.spRows;
  cfg.spBanks = d.spBanks;
  cfg.accRows = d.accRows;
  cfg.accBanks = d.accBanks;
  cfg.queueDepth = d.queueDepth;
  cfg.dramBytes = d.dramBytes;
  cfg.dramBytesPerCycle = d.dramBytesPerCycle;
  cfg.dramLatency = d.dramLatency;
  cfg.supportsWeightStationary = d.supportsWeightStationary;
  cfg.supportsOutputStationary = d.supportsOutputStationary;
  return cfg;
}

} // namespace systolic::artifact::accel

#endif // SYSTOLIC_RUNTIME_ACCEL_SIMHWCONFIG_H
