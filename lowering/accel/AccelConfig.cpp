//===- AccelConfig.cpp - Accelerator configurations -----------------------===//
//
// Parsing and printing --accel-config, and what the kernel library can fit
// on a configuration, for the quantizer's placement decisions.
//
//===----------------------------------------------------------------------===//
#include "lowering/accel/AccelConfig.h"

#include "kernels/Kernels.h"
#include "runtime/accel/SimHwConfig.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
namespace sim = ::systolic; // the simulator's names: HwConfig, LstmLayer, ...

namespace systolic::accel {

llvm::Expected<HwDescription> parseAccelConfig(StringRef spec) {
  auto fail = [&](const Twine &why) {
    return llvm::createStringError("invalid --accel-config '" + spec + "': " + why);
  };
  HwDescription hw;
  SmallVector<StringRef> parts;
  spec.split(parts, ',');
  auto [rowsText, colsText] = parts.front().trim().split('x');
  if (colsText.empty())
    colsText = rowsText;
  if (rowsText.getAsInteger(10, hw.rows) || colsText.getAsInteger(10, hw.cols))
    return fail("it must start with the array size, e.g. 16x16 or 8");
  for (StringRef part : llvm::drop_begin(parts)) {
    auto [key, value] = part.trim().split('=');
    key = key.trim();
    value = value.trim();
    auto number = [&](auto &field) -> llvm::Error {
      uint64_t v;
      StringRef digits = value;
      uint64_t scale = 1;
      if (key == "dram-bytes" && !digits.empty()) {
        char suffix = digits.back();
        if (suffix == 'K' || suffix == 'k')
          scale = 1ull << 10;
        else if (suffix == 'M' || suffix == 'm')
          scale = 1ull << 20;
        else if (suffix == 'G' || suffix == 'g')
          scale = 1ull << 30;
        if (scale != 1)
          digits = digits.drop_back();
      }
      if (digits.getAsInteger(10, v))
        return fail("'" + key + "' needs an integer, got '" + value + "'");
      field = static_cast<std::remove_reference_t<decltype(field)>>(v * scale);
      return llvm::Error::success();
    };
    llvm::Error error = llvm::Error::success();
    if (key == "sp-rows")
      error = number(hw.spRows);
    else if (key == "sp-banks")
      error = number(hw.spBanks);
    else if (key == "acc-rows")
      error = number(hw.accRows);
    else if (key == "acc-banks")
      error = number(hw.accBanks);
    else if (key == "queue-depth")
      error = number(hw.queueDepth);
    else if (key == "dram-bytes")
      error = number(hw.dramBytes);
    else if (key == "dram-latency")
      error = number(hw.dramLatency);
    else if (key == "dram-bw") {
      double bw;
      if (value.getAsDouble(bw))
        return fail("'dram-bw' needs bytes per cycle, got '" + value + "'");
      hw.dramBytesPerCycle = bw;
    } else if (key == "dataflows") {
      hw.supportsWeightStationary = value == "ws" || value == "ws+os" || value == "os+ws";
      hw.supportsOutputStationary = value == "os" || value == "ws+os" || value == "os+ws";
      if (!hw.supportsWeightStationary && !hw.supportsOutputStationary)
        return fail("'dataflows' must be ws, os or ws+os, got '" + value + "'");
    } else {
      return fail("unknown key '" + key +
                  "' (known: sp-rows, sp-banks, acc-rows, acc-banks, "
                  "queue-depth, dram-bytes, dram-bw, dram-latency, dataflows)");
    }
    if (error)
      return std::move(error);
  }
  if (sim::Status s = toSimHwConfig(hw).validate(); !s.ok())
    return fail(s.error);
  return hw;
}

std::string formatAccelConfig(const HwDescription &hw) {
  std::string spec;
  llvm::raw_string_ostream os(spec);
  os << hw.rows << "x" << hw.cols << ",sp-rows=" << hw.spRows
     << ",sp-banks=" << hw.spBanks << ",acc-rows=" << hw.accRows
     << ",acc-banks=" << hw.accBanks << ",queue-depth=" << hw.queueDepth
     << ",dram-bytes=" << hw.dramBytes << ",dram-bw=" << hw.dramBytesPerCycle
     << ",dram-latency=" << hw.dramLatency << ",dataflows="
     << (hw.supportsWeightStationary && hw.supportsOutputStationary ? "ws+os"
         : hw.supportsWeightStationary                               ? "ws"
                                                                     : "os");
  return spec;
}

std::string whyLstmDoesNotFit(const HwDescription &hw, int64_t steps,
                              int64_t batch, int64_t input, int64_t hidden) {
  sim::LstmLayer layer;
  layer.steps = steps;
  layer.batch = batch;
  layer.input = input;
  layer.hidden = hidden;
  return sim::checkLstm(toSimHwConfig(hw), layer).error;
}

std::string whyGruDoesNotFit(const HwDescription &hw, int64_t steps, int64_t batch,
                             int64_t input, int64_t hidden) {
  sim::GruLayer layer;
  layer.steps = steps;
  layer.batch = batch;
  layer.input = input;
  layer.hidden = hidden;
  return sim::checkGru(toSimHwConfig(hw), layer).error;
}

} // namespace systolic::accel
