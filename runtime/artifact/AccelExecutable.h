//===- AccelExecutable.h - The accelerator executable format ----*- C++ -*-===//
//
// Executables of target "accel" in format "systolic-accel-v1"
// (AccelExecutable.fbs): the code generator (lowering/accel/AccelCodegen)
// writes them, the runtime's accel devices (runtime/accel) read them.
//
// Plain C++17 and FlatBuffers only. This header deliberately does not use the
// runtime's Status: it is included next to the simulator's headers, which
// define a different systolic::Status (errors here are message strings).
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_ARTIFACT_ACCELEXECUTABLE_H
#define SYSTOLIC_RUNTIME_ARTIFACT_ACCELEXECUTABLE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace systolic::artifact::accel {

/// The artifact executable's `format` string.
inline constexpr const char *kAccelFormat = "systolic-accel-v1";
/// The artifact executable's `target` string.
inline constexpr const char *kAccelTarget = "accel";
constexpr uint16_t kAccelFormatMajor = 1;
constexpr uint16_t kAccelFormatMinor = 1;

/// The hardware configuration (mirrors sim/isa/Isa.h HwConfig and its
/// defaults: a 16x16 array with the default memory system).
struct HwDescription {
  uint32_t rows = 16, cols = 16;
  uint32_t spRows = 8192, spBanks = 4;
  uint32_t accRows = 2048, accBanks = 2;
  uint32_t queueDepth = 16;
  uint64_t dramBytes = 64ull << 20;
  double dramBytesPerCycle = 16.0;
  uint32_t dramLatency = 64;
  bool supportsWeightStationary = true;
  bool supportsOutputStationary = true;

  /// "16x16 array, scratchpad 8192 rows in 4 banks, ..." for messages.
  std::string describe() const;
  bool operator==(const HwDescription &other) const;
};

struct AccelBinding {
  uint64_t address = 0, size = 0;
};

struct AccelConstant {
  uint64_t address = 0;
  std::vector<uint8_t> data;
  std::string what;
};

enum class AccelDataflow : uint8_t { WeightStationary, OutputStationary };
/// "ws" / "os".
const char *dataflowName(AccelDataflow dataflow);

struct AccelEntryPoint {
  std::string name;
  std::string layer; ///< "conv2d", "matmul", "scaled_add", "max_pool", "lstm", "dense_chain"
  /// Each program: 128-bit words as two little-endian halves (low first).
  std::vector<std::vector<uint64_t>> programs;
  std::vector<AccelConstant> constants;
  /// Function arguments, then the result.
  std::vector<AccelBinding> bindings;
  uint32_t numOperands = 0;
  uint64_t macs = 0;
  uint64_t m = 0, k = 0, n = 0;
  uint32_t images = 1;
  uint64_t idealCycles = 0;
  uint64_t wsEstimatedCycles = 0, osEstimatedCycles = 0;
  AccelDataflow dataflow = AccelDataflow::WeightStationary;
  std::string dataflowReason;
  uint64_t instructions = 0;
  /// MACs of the programs' MATMULs: what the hardware's counter reports.
  uint64_t programMacs = 0;
  /// Bytes the programs' LOADs and STOREs move (the hardware's DRAM counters).
  uint64_t dramBytes = 0;
  /// dense_chain: each fused layer ("name MxKxN activation"), in order.
  std::vector<std::string> fusedLayers;
  /// What dense-chain fusion did with this layer and why ("" if nothing).
  std::string fusion;

  /// The cost model's estimate for the chosen dataflow.
  uint64_t estimatedCycles() const {
    return dataflow == AccelDataflow::WeightStationary ? wsEstimatedCycles
                                                       : osEstimatedCycles;
  }
};

struct AccelExecutableDesc {
  HwDescription hw;
  std::vector<AccelEntryPoint> entryPoints;
  uint64_t dramBytesUsed = 0;
};

/// Serializes (FlatBuffers, identifier "SYSA").
std::vector<uint8_t> serializeAccelExecutable(const AccelExecutableDesc &desc);

/// Verifies and decodes an executable: FlatBuffers structure, version, and
/// the layout rules (bindings and constants inside DRAM and inside the used
/// range, no constant overlapping another constant or any binding, bindings
/// of one entry point pairwise disjoint, every program a whole number of
/// instructions, unique entry point names). Returns "" on success, otherwise
/// one precise message; never crashes on bad bytes.
std::string parseAccelExecutable(const void *data, size_t size,
                                 AccelExecutableDesc *out);

} // namespace systolic::artifact::accel

#endif // SYSTOLIC_RUNTIME_ARTIFACT_ACCELEXECUTABLE_H
