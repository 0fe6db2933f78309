//===- AccelExecutable.cpp - Writer and verifying reader ------------------===//
#include "runtime/artifact/AccelExecutable.h"
#include "runtime/artifact/AccelExecutable_generated.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace systolic::artifact::accel {

namespace fbs = systolic::artifact::accel::fb;

std::string HwDescription::describe() const {
  std::ostringstream os;
  os << rows << "x" << cols << " array, scratchpad " << spRows << " rows in "
     << spBanks << " banks, accumulator " << accRows << " rows in " << accBanks
     << " banks, queues " << queueDepth << ", DRAM " << dramBytes << " B at "
     << dramBytesPerCycle << " B/cycle, latency " << dramLatency
     << ", dataflows "
     << (supportsWeightStationary && supportsOutputStationary ? "ws+os"
         : supportsWeightStationary                           ? "ws"
                                                              : "os");
  return os.str();
}

bool HwDescription::operator==(const HwDescription &o) const {
  return rows == o.rows && cols == o.cols && spRows == o.spRows &&
         spBanks == o.spBanks && accRows == o.accRows &&
         accBanks == o.accBanks && queueDepth == o.queueDepth &&
         dramBytes == o.dramBytes && dramBytesPerCycle == o.dramBytesPerCycle &&
         dramLatency == o.dramLatency &&
         supportsWeightStationary == o.supportsWeightStationary &&
         supportsOutputStationary == o.supportsOutputStationary;
}

const char *dataflowName(AccelDataflow dataflow) {
  return dataflow == AccelDataflow::WeightStationary ? "ws" : "os";
}

std::vector<uint8_t> serializeAccelExecutable(const AccelExecutableDesc &desc) {
  flatbuffers::FlatBufferBuilder fbb(1 << 12);
  std::vector<flatbuffers::Offset<fbs::EntryPoint>> entries;
  for (const AccelEntryPoint &ep : desc.entryPoints) {
    std::vector<flatbuffers::Offset<fbs::Program>> programs;
    for (const std::vector<uint64_t> &words : ep.programs)
      programs.push_back(fbs::CreateProgram(fbb, fbb.CreateVector(words)));
    std::vector<flatbuffers::Offset<fbs::ConstantImage>> constants;
    for (const AccelConstant &c : ep.constants)
      constants.push_back(fbs::CreateConstantImage(
          fbb, c.address, fbb.CreateVector(c.data), fbb.CreateString(c.what)));
    std::vector<fbs::Binding> bindings;
    for (const AccelBinding &b : ep.bindings)
      bindings.emplace_back(b.address, b.size);
    entries.push_back(fbs::CreateEntryPoint(
        fbb, fbb.CreateString(ep.name), fbb.CreateString(ep.layer),
        fbb.CreateVector(programs), fbb.CreateVector(constants),
        fbb.CreateVectorOfStructs(bindings), ep.numOperands, ep.macs, ep.m,
        ep.k, ep.n, ep.images, ep.idealCycles, ep.wsEstimatedCycles,
        ep.osEstimatedCycles,
        ep.dataflow == AccelDataflow::WeightStationary
            ? fbs::Dataflow::weight_stationary
            : fbs::Dataflow::output_stationary,
        fbb.CreateString(ep.dataflowReason), ep.instructions, ep.programMacs,
        ep.dramBytes, fbb.CreateVectorOfStrings(ep.fusedLayers),
        fbb.CreateString(ep.fusion)));
  }
  const HwDescription &h = desc.hw;
  auto hw = fbs::CreateHwConfig(
      fbb, h.rows, h.cols, h.spRows, h.spBanks, h.accRows, h.accBanks,
      h.queueDepth, h.dramBytes, h.dramBytesPerCycle, h.dramLatency,
      h.supportsWeightStationary, h.supportsOutputStationary);
  auto entryVector = fbb.CreateVector(entries);
  fbs::AccelVersion version(kAccelFormatMajor, kAccelFormatMinor);
  fbb.Finish(fbs::CreateAccelExecutable(fbb, &version, hw, entryVector,
                                        desc.dramBytesUsed),
             fbs::AccelExecutableIdentifier());
  return std::vector<uint8_t>(fbb.GetBufferPointer(),
                              fbb.GetBufferPointer() + fbb.GetSize());
}

namespace {
struct Region {
  uint64_t begin, end;
  std::string what;
};

/// "[0x40, 0x80)".
std::string range(uint64_t begin, uint64_t end) {
  std::ostringstream os;
  os << "[0x" << std::hex << begin << ", 0x" << end << ")";
  return os.str();
}
} // namespace

std::string parseAccelExecutable(const void *data, size_t size,
                                 AccelExecutableDesc *out) {
  const auto *bytes = static_cast<const uint8_t *>(data);
  const std::string prefix = std::string("not a valid ") + kAccelFormat +
                             " executable: ";
  if (size < 8 || !flatbuffers::BufferHasIdentifier(
                      bytes, fbs::AccelExecutableIdentifier()))
    return prefix + "the identifier 'SYSA' is missing (" +
           std::to_string(size) + " bytes)";
  flatbuffers::Verifier verifier(bytes, size);
  if (!fbs::VerifyAccelExecutableBuffer(verifier))
    return prefix + "the FlatBuffers structure does not verify";
  const fbs::AccelExecutable *exe = fbs::GetAccelExecutable(bytes);
  uint16_t major = exe->version()->major(), minor = exe->version()->minor();
  if (major != kAccelFormatMajor)
    return "accel executable format version " + std::to_string(major) + "." +
           std::to_string(minor) + " is " +
           (major > kAccelFormatMajor ? "newer" : "older") +
           " than this runtime supports (" + std::to_string(kAccelFormatMajor) +
           "." + std::to_string(kAccelFormatMinor) + ")";
  const fbs::HwConfig *hw = exe->hw();
  AccelExecutableDesc desc;
  HwDescription &h = desc.hw;
  h.rows = hw->rows();
  h.cols = hw->cols();
  h.spRows = hw->sp_rows();
  h.spBanks = hw->sp_banks();
  h.accRows = hw->acc_rows();
  h.accBanks = hw->acc_banks();
  h.queueDepth = hw->queue_depth();
  h.dramBytes = hw->dram_bytes();
  h.dramBytesPerCycle = hw->dram_bytes_per_cycle();
  h.dramLatency = hw->dram_latency();
  h.supportsWeightStationary = hw->supports_weight_stationary();
  h.supportsOutputStationary = hw->supports_output_stationary();
  desc.dramBytesUsed = exe->dram_bytes_used();
  if (desc.dramBytesUsed > h.dramBytes)
    return prefix + "it uses " + std::to_string(desc.dramBytesUsed) +
           " bytes of DRAM, the configuration has " +
           std::to_string(h.dramBytes);
  if (!(h.dramBytesPerCycle > 0) || !std::isfinite(h.dramBytesPerCycle))
    return prefix + "the DRAM bandwidth is not a positive number";

  std::vector<Region> constants;
  std::set<std::string> names;
  for (const fbs::EntryPoint *e : *exe->entry_points()) {
    AccelEntryPoint ep;
    ep.name = e->name()->str();
    ep.layer = e->layer()->str();
    std::string where = "entry point " + std::to_string(desc.entryPoints.size()) +
                        " '" + ep.name + "'";
    if (ep.name.empty() || !names.insert(ep.name).second)
      return prefix + where + " has an empty or repeated name";
    if (e->programs()->size() == 0)
      return prefix + where + " has no program";
    for (const fbs::Program *p : *e->programs()) {
      if (p->words()->size() == 0 || p->words()->size() % 2 != 0)
        return prefix + where + " has a program of " +
               std::to_string(p->words()->size()) +
               " words; a program is a positive, even number of 64-bit "
               "words (two per instruction)";
      ep.programs.emplace_back(p->words()->begin(), p->words()->end());
      ep.instructions += p->words()->size() / 2;
    }
    auto inDram = [&](uint64_t address, uint64_t length) {
      return address <= desc.dramBytesUsed &&
             length <= desc.dramBytesUsed - address;
    };
    for (const fbs::ConstantImage *c : *e->constants()) {
      AccelConstant constant;
      constant.address = c->dram_address();
      constant.data.assign(c->data()->begin(), c->data()->end());
      constant.what = c->what() ? c->what()->str() : "";
      if (!inDram(constant.address, constant.data.size()))
        return prefix + where + ": constant '" + constant.what + "' at " +
               range(constant.address, constant.address + constant.data.size()) +
               " lies outside the DRAM the executable uses (" +
               std::to_string(desc.dramBytesUsed) + " bytes)";
      constants.push_back({constant.address,
                           constant.address + constant.data.size(),
                           where + " constant '" + constant.what + "'"});
      ep.constants.push_back(std::move(constant));
    }
    ep.numOperands = e->num_operands();
    for (const fbs::Binding *b : *e->bindings()) {
      if (!inDram(b->dram_address(), b->size()))
        return prefix + where + ": binding " +
               std::to_string(ep.bindings.size()) + " at " +
               range(b->dram_address(), b->dram_address() + b->size()) +
               " lies outside the DRAM the executable uses (" +
               std::to_string(desc.dramBytesUsed) + " bytes)";
      ep.bindings.push_back({b->dram_address(), b->size()});
    }
    if (ep.numOperands > ep.bindings.size() || ep.bindings.empty())
      return prefix + where + " declares " + std::to_string(ep.numOperands) +
             " operands and " + std::to_string(ep.bindings.size()) +
             " bindings";
    for (size_t i = 0; i < ep.bindings.size(); ++i)
      for (size_t j = i + 1; j < ep.bindings.size(); ++j) {
        const AccelBinding &a = ep.bindings[i], &b = ep.bindings[j];
        if (a.address < b.address + b.size && b.address < a.address + a.size)
          return prefix + where + ": bindings " + std::to_string(i) + " " +
                 range(a.address, a.address + a.size) + " and " +
                 std::to_string(j) + " " + range(b.address, b.address + b.size) +
                 " overlap";
      }
    ep.macs = e->macs();
    ep.m = e->m();
    ep.k = e->k();
    ep.n = e->n();
    ep.images = e->images();
    ep.idealCycles = e->ideal_cycles();
    ep.wsEstimatedCycles = e->ws_estimated_cycles();
    ep.osEstimatedCycles = e->os_estimated_cycles();
    auto rawDataflow = static_cast<uint8_t>(e->dataflow());
    if (rawDataflow > static_cast<uint8_t>(fbs::Dataflow::MAX))
      return prefix + where + " has unknown dataflow code " +
             std::to_string(rawDataflow);
    ep.dataflow = static_cast<AccelDataflow>(rawDataflow);
    ep.dataflowReason = e->dataflow_reason() ? e->dataflow_reason()->str() : "";
    ep.programMacs = e->program_macs();
    ep.dramBytes = e->dram_bytes();
    if (e->fused_layers())
      for (const flatbuffers::String *layer : *e->fused_layers())
        ep.fusedLayers.push_back(layer ? layer->str() : "");
    ep.fusion = e->fusion() ? e->fusion()->str() : "";
    desc.entryPoints.push_back(std::move(ep));
  }
  // Constants persist across invocations: nothing else may write them.
  std::sort(constants.begin(), constants.end(),
            [](const Region &a, const Region &b) { return a.begin < b.begin; });
  for (size_t i = 1; i < constants.size(); ++i)
    if (constants[i].begin < constants[i - 1].end)
      return prefix + constants[i - 1].what + " and " + constants[i].what +
             " overlap";
  for (const AccelEntryPoint &ep : desc.entryPoints)
    for (size_t i = 0; i < ep.bindings.size(); ++i) {
      const AccelBinding &b = ep.bindings[i];
      for (const Region &c : constants)
        if (b.address < c.end && c.begin < b.address + b.size)
          return prefix + "binding " + std::to_string(i) + " of entry point '" +
                 ep.name + "' " + range(b.address, b.address + b.size) +
                 " overlaps " + c.what + " " + range(c.begin, c.end);
    }
  *out = std::move(desc);
  return "";
}

} // namespace systolic::artifact::accel
