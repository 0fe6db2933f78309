// createAccelerator(): picks the golden model or a linked Verilated build.
#include "Accelerator.h"
#include "golden/Golden.h"

namespace systolic {

struct RtlBuild {
  HwConfig config;
  bool traced;
  std::unique_ptr<Accelerator> (*create)(const HwConfig&, const AcceleratorOptions&);
};

// SYSTOLIC_RTL_BUILD(prefix, rows, cols, spRows, spBanks, accRows, accBanks, queueDepth, traced)
#define SYSTOLIC_RTL_BUILD(prefix, ...) \
  std::unique_ptr<Accelerator> createRtl##prefix(const HwConfig&, const AcceleratorOptions&);
#include "RtlBuilds.inc"
#undef SYSTOLIC_RTL_BUILD

static std::vector<RtlBuild> rtlBuilds() {
  std::vector<RtlBuild> builds;
#define SYSTOLIC_RTL_BUILD(prefix, r, c, sp, spb, acc, accb, qd, traced) \
  {                                                                      \
    HwConfig cfg;                                                        \
    cfg.rows = r, cfg.cols = c, cfg.spRows = sp, cfg.spBanks = spb;      \
    cfg.accRows = acc, cfg.accBanks = accb, cfg.queueDepth = qd;         \
    builds.push_back({cfg, traced, &createRtl##prefix});                 \
  }
#include "RtlBuilds.inc"
#undef SYSTOLIC_RTL_BUILD
  return builds;
}

std::vector<HwConfig> builtRtlConfigs() {
  std::vector<HwConfig> out;
  for (const RtlBuild& b : rtlBuilds()) out.push_back(b.config);
  return out;
}

Status createAccelerator(const std::string& kind, const HwConfig& cfg,
                         const AcceleratorOptions& options, std::unique_ptr<Accelerator>* out) {
  Status s = cfg.validate();
  if (!s.ok()) return s;
  if (kind == "golden") {
    *out = std::make_unique<GoldenModel>(cfg);
    return Status::success();
  }
  if (kind != "rtl")
    return Status::failure("unknown accelerator kind '" + kind + "' (expected golden or rtl)");
  std::string available;
  for (const RtlBuild& b : rtlBuilds()) {
    if (b.config.sameRtl(cfg)) {
      if (!options.fstPath.empty() && !b.traced)
        return Status::failure("the " + std::to_string(cfg.rows) + "x" + std::to_string(cfg.cols) +
                               " RTL build has no waveform support; FST dumps need a build "
                               "verilated with --trace-fst (see sim/CMakeLists.txt)");
      *out = b.create(cfg, options);
      return Status::success();
    }
    available += "\n  " + b.config.describe() + (b.traced ? " (FST)" : "");
  }
  return Status::failure("no RTL build matches " + cfg.describe() +
                         (available.empty() ? "; no RTL builds are linked" : "; built:" + available));
}

}  // namespace systolic
