//===- ExecutionPlanTest.cpp - Reading the plan from outlined IR ----------===//
#include "dialects/nn/NNDialect.h"
#include "lowering/dispatch/ExecutionPlan.h"
#include "lowering/dispatch/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace systolic;

namespace {
class ExecutionPlanTest : public ::testing::Test {
protected:
  ExecutionPlanTest() {
    context.loadDialect<nn::NNDialect, func::FuncDialect, arith::ArithDialect>();
  }

  /// Parses `source`, outlines its dispatches and reads the plan.
  FailureOr<ExecutionPlan> planFor(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return failure();
    PassManager pm(&context);
    pm.addPass(createOutlineDispatches());
    if (failed(pm.run(*module)))
      return failure();
    return buildExecutionPlan(module->lookupSymbol<func::FuncOp>("main"));
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(ExecutionPlanTest, BuffersAndBindingsFollowTheGraph) {
  FailureOr<ExecutionPlan> plan = planFor(R"mlir(
    func.func @main(%x: tensor<4x8xf32> {nn.name = "x"}) -> (tensor<4x16xf32> {nn.name = "y"}) {
      %w = arith.constant dense<[[0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0]]> : tensor<1x16xf32>
      %big = arith.constant dense<1.0> : tensor<8x16xf32>
      %0 = nn.matmul %x, %big : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32> loc("fc")
      %1 = nn.add %0, %w : tensor<4x16xf32>, tensor<1x16xf32> -> tensor<4x16xf32>
      %2 = nn.relu %1 : tensor<4x16xf32>
      return %2 : tensor<4x16xf32>
    })mlir");
  ASSERT_TRUE(succeeded(plan));
  ASSERT_EQ(plan->dispatches.size(), 3u);
  EXPECT_EQ(plan->dispatches[0].name, "fc");
  EXPECT_EQ(plan->dispatches[0].flops, 2 * 4 * 16 * 8);
  ASSERT_EQ(plan->inputs.size(), 1u);
  EXPECT_EQ(plan->buffers[plan->inputs[0]].name, "x");
  EXPECT_EQ(plan->buffers[plan->inputs[0]].byteSize, 4 * 8 * 4);
  ASSERT_EQ(plan->outputs.size(), 1u);
  const PlanBuffer &output = plan->buffers[plan->outputs[0]];
  EXPECT_EQ(output.name, "y");
  EXPECT_EQ(output.kind, PlanBuffer::Kind::Output);
  // The relu reads the add's result and writes the output.
  const PlanDispatch &relu = plan->dispatches[2];
  ASSERT_EQ(relu.bindings.size(), 2u);
  EXPECT_EQ(relu.bindings[0], plan->dispatches[1].bindings.back());
  EXPECT_EQ(relu.bindings[1], plan->outputs[0]);
  EXPECT_EQ(plan->buffers[relu.bindings[0]].kind, PlanBuffer::Kind::Intermediate);
}

TEST_F(ExecutionPlanTest, ReturnedInputsAndRepeatedOutputsGetCopies) {
  FailureOr<ExecutionPlan> plan = planFor(R"mlir(
    func.func @main(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
      %0 = nn.relu %x : tensor<3xf32>
      return %x, %0, %0 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
    })mlir");
  ASSERT_TRUE(succeeded(plan));
  ASSERT_EQ(plan->outputs.size(), 3u);
  EXPECT_EQ(plan->dispatches.size(), 3u);
  EXPECT_NE(plan->outputs[1], plan->outputs[2]);
  for (int output : plan->outputs)
    EXPECT_EQ(plan->buffers[output].kind, PlanBuffer::Kind::Output);
}

TEST_F(ExecutionPlanTest, RejectsEntryWithoutOutlining) {
  module = parseSourceString<ModuleOp>(R"mlir(
    func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
      %0 = nn.relu %x : tensor<3xf32>
      return %0 : tensor<3xf32>
    })mlir", &context);
  ASSERT_TRUE(module);
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    diagnostics += d.str();
    return success();
  });
  EXPECT_TRUE(failed(buildExecutionPlan(module->lookupSymbol<func::FuncOp>("main"))));
  EXPECT_NE(diagnostics.find("run systolic-outline-dispatches first"), std::string::npos);
}
} // namespace
