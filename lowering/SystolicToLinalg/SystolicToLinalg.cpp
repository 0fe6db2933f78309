//===- SystolicToLinalg.cpp - The convert-systolic-to-linalg pass ---------===//
//
// A partial dialect conversion: the layer ops of the systolic dialect are
// illegal, linalg/tensor/arith/math are legal, everything else (func, the ISA
// ops of systolic.program) is left alone. Layer ops have static shapes by
// construction (their operand types are statically shaped tensors).
//
//===----------------------------------------------------------------------===//
#include "dialects/systolic/SystolicOps.h"
#include "lowering/SystolicToLinalg/Passes.h"
#include "lowering/SystolicToLinalg/Patterns.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace systolic {
#define GEN_PASS_DEF_CONVERTSYSTOLICTOLINALG
#include "lowering/SystolicToLinalg/Passes.h.inc"
} // namespace systolic

using namespace mlir;

void systolic::populateSystolicToLinalgPatterns(RewritePatternSet &patterns) {
  systolic_to_linalg::populateQuantizePatterns(patterns);
  systolic_to_linalg::populateLayerPatterns(patterns);
  systolic_to_linalg::populateRecurrentPatterns(patterns);
}

namespace {
struct ConvertSystolicToLinalgPass
    : systolic::impl::ConvertSystolicToLinalgBase<ConvertSystolicToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalOp<systolic::accel::QuantizeOp,
                        systolic::accel::DequantizeOp,
                        systolic::accel::Conv2DOp, systolic::accel::MatMulOp,
                        systolic::accel::ScaledAddOp,
                        systolic::accel::MaxPoolOp, systolic::accel::LstmOp,
                        systolic::accel::GruOp>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    RewritePatternSet patterns(ctx);
    systolic::populateSystolicToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
