//===- NNConstantFoldingTest.cpp - Constant evaluation of nn ops ----------===//
//
// The importer builds nn ops with createOrFold; these tests build ops the
// same way and check that shape computations come out as constants, and
// check the index machinery behind the data-movement folds.
//
//===----------------------------------------------------------------------===//
#include "dialects/nn/NNConstantFolding.h"
#include "dialects/nn/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace systolic::nn;

namespace {
class NNConstantFolding : public ::testing::Test {
protected:
  NNConstantFolding()
      : module(ModuleOp::create(UnknownLoc::get(&context))),
        builder(module->getBodyRegion()) {
    context.loadDialect<NNDialect>();
    builder.setInsertionPointToEnd(module->getBody());
  }
  RankedTensorType tensor(ArrayRef<int64_t> shape, Type element) {
    return RankedTensorType::get(shape, element);
  }
  Value placeholder(Type type) {
    return UnrealizedConversionCastOp::create(builder, loc, type, ValueRange{})
        .getResult(0);
  }
  Value i64Constant(ArrayRef<int64_t> values, ArrayRef<int64_t> shape) {
    auto type = tensor(shape, builder.getI64Type());
    return arith::ConstantOp::create(builder, loc, type,
                                     DenseElementsAttr::get(type, values));
  }
  /// The i64 contents of `value` if it is an arith.constant.
  std::optional<SmallVector<int64_t>> constantValues(Value value) {
    auto constant = value.getDefiningOp<arith::ConstantOp>();
    if (!constant)
      return std::nullopt;
    auto range = cast<DenseElementsAttr>(constant.getValue()).getValues<int64_t>();
    return SmallVector<int64_t>(range.begin(), range.end());
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  OpBuilder builder;
  Location loc = UnknownLoc::get(&context);
};

TEST_F(NNConstantFolding, BroadcastIndicesRepeatUnitAndMissingDims) {
  // [3, 1] broadcast to [2, 3, 2]: the leading dim is new, the last repeats.
  EXPECT_EQ(broadcastIndices({3, 1}, {2, 3, 2}),
            (SmallVector<int64_t>{0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(broadcastIndices({}, {3}), (SmallVector<int64_t>{0, 0, 0}));
}

TEST_F(NNConstantFolding, StridedIndicesWalkTransposedAndSteppedViews) {
  // The transpose of a row-major 2x3 matrix reads column by column.
  EXPECT_EQ(stridedIndices({3, 2}, {1, 3}, 0),
            (SmallVector<int64_t>{0, 3, 1, 4, 2, 5}));
  // Backwards from element 5 in steps of 2.
  EXPECT_EQ(stridedIndices({3}, {-2}, 5), (SmallVector<int64_t>{5, 3, 1}));
  EXPECT_EQ(rowMajorStrides({2, 3, 4}), (SmallVector<int64_t>{12, 4, 1}));
}

TEST_F(NNConstantFolding, SliceDimensionsFollowOnnxClamping) {
  auto type = tensor({10}, builder.getF32Type());
  auto dims = [&](int64_t start, int64_t end, int64_t step) {
    return SliceOp::computeSliceDimensions(std::nullopt, type, {start}, {end},
                                           {0}, {step})
        ->front();
  };
  SliceDimension whole = dims(-100, INT64_MAX, 1);
  EXPECT_EQ(whole.start, 0);
  EXPECT_EQ(whole.size, 10);
  SliceDimension reversed = dims(-1, INT64_MIN, -1);
  EXPECT_EQ(reversed.start, 9);
  EXPECT_EQ(reversed.size, 10);
  SliceDimension strided = dims(8, 1, -3); // 8, 5, 2
  EXPECT_EQ(strided.size, 3);
  EXPECT_EQ(dims(0, 10, INT64_MIN).size, 0);
  EXPECT_EQ(dims(9, 0, INT64_MIN).size, 1);
  EXPECT_EQ(dims(5, 5, 1).size, 0);
  EXPECT_TRUE(failed(SliceOp::computeSliceDimensions(std::nullopt, type, {0},
                                                     {1}, {0}, {0})));
}

TEST_F(NNConstantFolding, ImporterShapeChainFoldsWhileBuilding) {
  // PyTorch's x.view(x.size(0), -1): Shape, Gather(0), Unsqueeze, Concat.
  Value x = placeholder(tensor({2, 3, 4}, builder.getF32Type()));
  Value shape = builder.createOrFold<ShapeOp>(
      loc, x, builder.getI64IntegerAttr(0), IntegerAttr());
  ASSERT_EQ(constantValues(shape), (SmallVector<int64_t>{2, 3, 4}));
  IntegerAttr axis0 = builder.getI64IntegerAttr(0);
  Value batch =
      builder.createOrFold<GatherOp>(loc, shape, i64Constant({0}, {}), axis0);
  Value batch1 = builder.createOrFold<ReshapeOp>(
      loc, tensor({1}, builder.getI64Type()), batch);
  Value target = builder.createOrFold<ConcatOp>(
      loc, ValueRange{batch1, i64Constant({-1}, {1})}, axis0);
  EXPECT_EQ(constantValues(target), (SmallVector<int64_t>{2, -1}));
  // Shape arithmetic: 3 * 4 / 2 - 1.
  Value tail = builder.createOrFold<SliceOp>(loc, shape, ArrayRef<int64_t>{1},
                                             ArrayRef<int64_t>{3},
                                             ArrayRef<int64_t>{0},
                                             ArrayRef<int64_t>{1});
  Value three =
      builder.createOrFold<GatherOp>(loc, tail, i64Constant({0}, {}), axis0);
  Value four =
      builder.createOrFold<GatherOp>(loc, tail, i64Constant({1}, {}), axis0);
  Value product = builder.createOrFold<MulOp>(loc, three, four);
  Value half = builder.createOrFold<DivOp>(loc, product, i64Constant({2}, {}));
  Value result = builder.createOrFold<SubOp>(loc, half, i64Constant({1}, {}));
  EXPECT_EQ(constantValues(result), (SmallVector<int64_t>{5}));
}

TEST_F(NNConstantFolding, NonConstantOperandsStayOps) {
  Value x = placeholder(tensor({4}, builder.getI64Type()));
  Value sum = builder.createOrFold<AddOp>(loc, x, i64Constant({1}, {}));
  EXPECT_TRUE(isa_and_present<AddOp>(sum.getDefiningOp()));
  // x + 0 is x itself.
  EXPECT_EQ(builder.createOrFold<AddOp>(loc, x, i64Constant({0, 0, 0, 0}, {4})),
            x);
}

TEST_F(NNConstantFolding, MapElementsBroadcastsAndRefuses) {
  auto type = tensor({2, 2}, builder.getI64Type());
  auto lhs = DenseElementsAttr::get(tensor({2, 1}, builder.getI64Type()),
                                    ArrayRef<int64_t>{10, 20});
  auto rhs = DenseElementsAttr::get(tensor({2}, builder.getI64Type()),
                                    ArrayRef<int64_t>{1, 2});
  DenseElementsAttr sum = mapElements<APInt, APInt>(
      {lhs, rhs}, type, kFoldElementLimit,
      [](ArrayRef<APInt> a) -> std::optional<APInt> { return a[0] + a[1]; });
  ASSERT_TRUE(sum);
  auto values = sum.getValues<int64_t>();
  EXPECT_EQ(SmallVector<int64_t>(values.begin(), values.end()),
            (SmallVector<int64_t>{11, 12, 21, 22}));
  // A refused element, or a result over the limit, means no constant.
  EXPECT_FALSE((mapElements<APInt, APInt>(
      {lhs, rhs}, type, kFoldElementLimit,
      [](ArrayRef<APInt>) -> std::optional<APInt> { return std::nullopt; })));
  EXPECT_FALSE((mapElements<APInt, APInt>(
      {lhs, rhs}, type, 3,
      [](ArrayRef<APInt> a) -> std::optional<APInt> { return a[0]; })));
}

TEST_F(NNConstantFolding, GathererCopiesBitPackedBooleans) {
  auto type = tensor({3}, builder.getI1Type());
  auto source = DenseElementsAttr::get(tensor({2}, builder.getI1Type()),
                                       ArrayRef<bool>{true, false});
  DenseElementsAttr result = gatherElements(source, type, {1, 0, 0});
  auto values = result.getValues<bool>();
  EXPECT_EQ(SmallVector<bool>(values.begin(), values.end()),
            (SmallVector<bool>{false, true, true}));
}
} // namespace
