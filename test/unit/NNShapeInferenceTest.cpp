//===- NNShapeInferenceTest.cpp - Result types of nn ops ------------------===//
#include "dialects/nn/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace systolic::nn;

namespace {
class NNShapeInference : public ::testing::Test {
protected:
  NNShapeInference() { context.loadDialect<NNDialect>(); }
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, Float32Type::get(&context));
  }
  MLIRContext context;
};

TEST_F(NNShapeInference, BroadcastsTrailingDimensions) {
  SmallVector<Type> inferred;
  ASSERT_TRUE(succeeded(inferBroadcastResultType(
      std::nullopt, f32({8, 1, 6, 1}), f32({7, 1, 5}), inferred)));
  EXPECT_EQ(inferred[0], f32({8, 7, 6, 5}));
}

TEST_F(NNShapeInference, RejectsIncompatibleBroadcast) {
  SmallVector<Type> inferred;
  EXPECT_TRUE(failed(inferBroadcastResultType(std::nullopt, f32({3, 4}),
                                              f32({5, 4}), inferred)));
}

TEST_F(NNShapeInference, ReductionKeepsOrDropsAxes) {
  SmallVector<Type> kept, dropped, all;
  ASSERT_TRUE(succeeded(
      inferReductionResultType(std::nullopt, f32({2, 3, 4}), {-1, 0}, true, kept)));
  EXPECT_EQ(kept[0], f32({1, 3, 1}));
  ASSERT_TRUE(succeeded(
      inferReductionResultType(std::nullopt, f32({2, 3, 4}), {1}, false, dropped)));
  EXPECT_EQ(dropped[0], f32({2, 4}));
  ASSERT_TRUE(succeeded(
      inferReductionResultType(std::nullopt, f32({2, 3, 4}), {}, false, all)));
  EXPECT_EQ(all[0], f32({}));
}

TEST_F(NNShapeInference, MatMulPromotesVectorsLikeNumPy) {
  OpBuilder builder(&context);
  SmallVector<Type> inferred;
  auto infer = [&](Type lhs, Type rhs) {
    inferred.clear();
    // The adaptor needs values of the operand types: make placeholders.
    Location loc = UnknownLoc::get(&context);
    auto module = ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module.getBody());
    Value lhsValue =
        UnrealizedConversionCastOp::create(builder, loc, lhs, ValueRange{})
            .getResult(0);
    Value rhsValue =
        UnrealizedConversionCastOp::create(builder, loc, rhs, ValueRange{})
            .getResult(0);
    LogicalResult result = MatMulOp::inferReturnTypes(
        &context, std::nullopt, MatMulOp::Adaptor({lhsValue, rhsValue}),
        inferred);
    module->erase();
    return result;
  };
  ASSERT_TRUE(succeeded(infer(f32({5, 2, 3}), f32({3, 4}))));
  EXPECT_EQ(inferred[0], f32({5, 2, 4}));
  ASSERT_TRUE(succeeded(infer(f32({3}), f32({3, 4}))));
  EXPECT_EQ(inferred[0], f32({4}));
  EXPECT_TRUE(failed(infer(f32({2, 3}), f32({4, 5}))));
}
} // namespace
