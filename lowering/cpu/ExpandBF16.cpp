//===- ExpandBF16.cpp - f32 <-> bf16 as integer operations ----------------===//
#include "lowering/cpu/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace systolic::cpu {
#define GEN_PASS_DEF_CPUEXPANDBF16
#include "lowering/cpu/Passes.h.inc"
} // namespace systolic::cpu

using namespace mlir;

namespace {
struct CPUExpandBF16Pass
    : systolic::cpu::impl::CPUExpandBF16Base<CPUExpandBF16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
