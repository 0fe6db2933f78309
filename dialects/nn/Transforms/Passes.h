//===- Passes.h - Graph-level passes on the nn dialect ----------*- C++ -*-===//
#ifndef SYSTOLIC_DIALECTS_NN_TRANSFORMS_PASSES_H
#define SYSTOLIC_DIALECTS_NN_TRANSFORMS_PASSES_H

#include "dialects/nn/NNOps.h"
#include "mlir/Pass/Pass.h"

namespace systolic::nn {
#define GEN_PASS_DECL
#include "dialects/nn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/nn/Transforms/Passes.h.inc"
} // namespace systolic::nn

#endif // SYSTOLIC_DIALECTS_NN_TRANSFORMS_PASSES_H
