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
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
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
    if (auto strings = dyn_cast<DenseStringElementsAttr>(op.getValue())) {
      rewriter.replaceOp(op, stringHandles(op, strings, type, rewriter));
      return success();
    }
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

  /// A string constant as handles: one NUL-terminated global per distinct
  /// string, their addresses gathered into an i64 tensor.
  static Value stringHandles(arith::ConstantOp op,
                             DenseStringElementsAttr strings,
                             RankedTensorType type,
                             ConversionPatternRewriter &rewriter) {
    auto module = op->getParentOfType<ModuleOp>();
    Location loc = op.getLoc();
    auto pointer = LLVM::LLVMPointerType::get(rewriter.getContext());
    llvm::StringMap<Value> handles;
    SmallVector<Value> elements;
    for (StringRef text : strings.getValues<StringRef>()) {
      Value &handle = handles[text];
      if (!handle) {
        std::string name = "__systolic_string";
        int64_t suffix = 0;
        while (module.lookupSymbol(name + "_" + std::to_string(suffix)))
          ++suffix;
        name += "_" + std::to_string(suffix);
        std::string bytes = text.str();
        bytes.push_back('\0');
        {
          OpBuilder::InsertionGuard guard(rewriter);
          rewriter.setInsertionPointToStart(module.getBody());
          LLVM::GlobalOp::create(
              rewriter, loc,
              LLVM::LLVMArrayType::get(rewriter.getI8Type(), bytes.size()),
              /*isConstant=*/true, LLVM::Linkage::Internal, name,
              rewriter.getStringAttr(bytes));
        }
        Value address = LLVM::AddressOfOp::create(rewriter, loc, pointer, name);
        handle = LLVM::PtrToIntOp::create(rewriter, loc, rewriter.getI64Type(),
                                          address);
      }
      elements.push_back(handle);
    }
    return tensor::FromElementsOp::create(rewriter, loc, type, elements);
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
    // String handles (see signless()) are LLVM pointers as integers.
    target.addLegalOp<LLVM::IntToPtrOp, LLVM::PtrToIntOp, LLVM::AddressOfOp,
                      LLVM::GlobalOp>();
    if (failed(declareStrcmpIfUsed()))
      return signalPassFailure();
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

  /// String comparisons call the C library's strcmp (the CPU executable is a
  /// shared object linked against libc).
  LogicalResult declareStrcmpIfUsed() {
    systolic::nn::CompareOp stringCompare;
    getOperation()->walk([&](systolic::nn::CompareOp op) {
      if (isa<systolic::nn::StringType>(
              getElementTypeOrSelf(op.getLhs().getType())))
        stringCompare = op;
    });
    if (!stringCompare)
      return success();
    auto module = dyn_cast<ModuleOp>(getOperation());
    if (!module)
      return stringCompare.emitOpError(
          "compares strings, which calls strcmp: run convert-nn-to-linalg on "
          "the module so it can declare it");
    if (module.lookupSymbol(systolic::nn_to_linalg::kStrcmp))
      return success();
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    auto pointer = LLVM::LLVMPointerType::get(&getContext());
    auto strcmp = func::FuncOp::create(
        b, module.getLoc(), systolic::nn_to_linalg::kStrcmp,
        b.getFunctionType({pointer, pointer}, {b.getI32Type()}));
    strcmp.setPrivate();
    return success();
  }
};
} // namespace
