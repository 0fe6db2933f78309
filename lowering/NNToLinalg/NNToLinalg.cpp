//===- NNToLinalg.cpp - The convert-nn-to-linalg pass ---------------------===//
//
// A partial dialect conversion: every nn op is illegal, linalg/tensor/arith/
// math/scf are legal, and everything else (func, builtin) is left alone. The
// op-family patterns live beside this file (see Patterns.h). nn types are
// statically shaped by construction, which every pattern relies on.
//
// nn tensors may hold unsigned integers (ONNX's UINT types); arith needs
// signless ones. A type converter makes function signatures and constants
// signless, every pattern builds signless linalg values, and the patterns
// take signedness from the nn op's own types where semantics differ
// (division, ordering, conversions).
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNDialect.h"
#include "dialects/nn/NNOps.h"
#include "lowering/NNToLinalg/Passes.h"
#include "lowering/NNToLinalg/Patterns.h"
#include "lowering/NNToLinalg/Utils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/IR/DialectResourceBlobManager.h"

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
/// Unsigned integer types become signless of the same width, storage-only
/// types i8 (signless()).
struct SignlessTypeConverter : TypeConverter {
  SignlessTypeConverter() {
    addConversion(
        [](Type type) -> Type { return systolic::nn_to_linalg::signless(type); });
  }
};

/// A constant of unsigned integers holds the same bits as a signless one, and
/// one of a storage-only type the same bytes as an i8 one (4/2-bit elements
/// take a byte each in DenseElementsAttr storage too).
struct SignlessConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "not a tensor constant");
    Attribute value;
    if (auto dense = dyn_cast<DenseElementsAttr>(op.getValue()))
      value = DenseElementsAttr::getFromRawBuffer(type, dense.getRawData());
    else if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue()))
      value = DenseResourceElementsAttr::get(type, resource.getRawHandle());
    else
      return rewriter.notifyMatchFailure(op, "unknown constant attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

struct ConvertNNToLinalgPass
    : systolic::impl::ConvertNNToLinalgBase<ConvertNNToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<systolic::nn::NNDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    SignlessTypeConverter signless;
    auto hasSignlessTypes = [&](Operation *op) { return signless.isLegal(op); };
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp function) {
      return signless.isSignatureLegal(function.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp,
                                 arith::ConstantOp>(hasSignlessTypes);
    RewritePatternSet patterns(ctx);
    systolic::populateNNToLinalgPatterns(patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   signless);
    populateReturnOpTypeConversionPattern(patterns, signless);
    populateCallOpTypeConversionPattern(patterns, signless);
    patterns.add<SignlessConstantLowering>(signless, ctx);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
