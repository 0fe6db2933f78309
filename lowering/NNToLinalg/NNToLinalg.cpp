//===- NNToLinalg.cpp - The convert-nn-to-linalg pass ---------------------===//
//
// A partial dialect conversion: every nn op is illegal, linalg/tensor/arith/
// math/scf are legal, and everything else (func, builtin) is left alone. The
// op-family patterns live beside this file (see Patterns.h). nn types are
// statically shaped by construction, which every pattern relies on.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNDialect.h"
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Passes.h"
#include "lowering/NNToLinalg/Patterns.h"

#include "mlir/Transforms/DialectConversion.h"

namespace systolic {
#define GEN_PASS_DEF_CONVERTNNTOLINALG
#include "lowering/NNToLinalg/Passes.h.inc"
} // namespace systolic

using namespace mlir;

void systolic::populateNNToLinalgPatterns(RewritePatternSet &patterns) {
  nn_to_linalg::populateElementwisePatterns(patterns);
  nn_to_linalg::populateReductionPatterns(patterns);
  nn_to_linalg::populateMatMulPatterns(patterns);
  nn_to_linalg::populateLossPatterns(patterns);
  nn_to_linalg::populateShapePatterns(patterns);
  nn_to_linalg::populateConvPatterns(patterns);
  nn_to_linalg::populateRecurrentPatterns(patterns);
}

namespace {
struct ConvertNNToLinalgPass
    : systolic::impl::ConvertNNToLinalgBase<ConvertNNToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<systolic::nn::NNDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    RewritePatternSet patterns(ctx);
    systolic::populateNNToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
