//===- AccelCodegen.cpp - Accel dispatches -> accelerator programs --------===//
//
// Per accel dispatch: find the layer op, resolve each operand to a binding
// (function argument) or a constant image (inlined arith.constant), choose
// the dataflow, then lay out DRAM for the whole executable and build the
// programs with the kernel library at their final addresses.
//
// Includes the simulator's headers (sim/kernels, sim/isa), never the
// runtime's: see AccelCodegen.h.
//
//===----------------------------------------------------------------------===//
#include "lowering/accel/AccelCodegen.h"

#include "dialects/systolic/SystolicOps.h"
#include "lowering/dispatch/Passes.h"

#include "isa/Assembler.h"
#include "kernels/Kernels.h"
#include "lowering/accel/CostModel.h"
#include "lowering/accel/KernelShapes.h"
#include "runtime/accel/SimHwConfig.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <optional>

using namespace mlir;
namespace sim = ::systolic; // the simulator's names: HwConfig, Program, ...

namespace systolic::accel {

using artifact::accel::AccelBinding;
using artifact::accel::AccelConstant;
using artifact::accel::AccelDataflow;
using artifact::accel::AccelEntryPoint;

//===----------------------------------------------------------------------===//
// Dispatch analysis
//===----------------------------------------------------------------------===//

namespace {

constexpr uint64_t kAlignment = 64;
uint64_t alignUp(uint64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Where a role's data lives: a binding (function argument) or a constant
/// image of the entry point.
struct Source {
  std::optional<unsigned> argument;
  std::optional<unsigned> constant;
};

enum Role {
  kA, kB, kParams, kLut, kDiagonals, kMinRow,
  kRecurrent, kTanh, kRecurrentConstant, // lstm/gru: wh, the tanh table, lstm/gruConstant()
  kHBias,                                 // gru with linear_before_reset
  kNumRoles
};

/// Everything known about one accel dispatch before DRAM addresses.
struct LayerPlan {
  func::FuncOp function;
  Operation *op = nullptr;
  std::string layer;
  Source sources[kNumRoles];
  std::vector<AccelConstant> constants; // addresses assigned by the layout
  std::vector<uint64_t> bindingSizes;   // arguments, then the result
  // GEMM view; for convolutions per image.
  int64_t m = 0, k = 0, n = 0, images = 1;
  int64_t diagonalBlocks = 1; // conv2d: each group's weights are this many diagonal blocks
  sim::GemmLayer gemm;          // shape, output path; addresses per build
  sim::ScaledAddLayer scaledAdd; // for scaled_add
  sim::MaxPoolLayer maxPool;     // for max_pool (per image)
  sim::LstmLayer lstm;           // for lstm (per direction)
  sim::GruLayer gru;             // for gru (per direction)
  int64_t directions = 1;
  // dense_chain: the matmuls in order (the first's lhs is the chain's input,
  // kA), their weights, parameters and tables, and the kernel's shape.
  struct DenseLink {
    MatMulOp matmul;
    Source rhs, params, lut;
  };
  std::vector<DenseLink> links;
  sim::DenseChain denseChain;
  AccelEntryPoint entry;        // filled progressively
};

FailureOr<std::vector<uint8_t>> constantBytes(arith::ConstantOp constant) {
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  if (!type || !type.getElementType().isInteger() ||
      (type.getElementTypeBitWidth() != 8 && type.getElementTypeBitWidth() != 32))
    return constant.emitError("accel codegen: constant operand must be an i8 or "
                              "i32 tensor, got ")
           << constant.getType();
  size_t elementSize = type.getElementTypeBitWidth() / 8;
  size_t total = static_cast<size_t>(type.getNumElements()) * elementSize;
  Attribute value = constant.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    ArrayRef<char> raw = dense.getRawData();
    std::vector<uint8_t> bytes;
    bytes.reserve(total);
    if (dense.isSplat())
      while (bytes.size() < total)
        bytes.insert(bytes.end(), raw.begin(), raw.begin() + elementSize);
    else
      bytes.assign(raw.begin(), raw.end());
    return bytes;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != total)
      return constant.emitError("accel codegen: the constant's resource data is "
                                "missing or has the wrong size");
    ArrayRef<char> data = blob->getData();
    return std::vector<uint8_t>(data.begin(), data.end());
  }
  return constant.emitError("accel codegen: unsupported constant kind");
}

/// Resolves `value` (an operand of a layer op) to `source`, adding a
/// constant image for inlined constants.
LogicalResult resolve(LayerPlan &plan, Value value, Source &source, StringRef what) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    source.argument = argument.getArgNumber();
    return success();
  }
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return plan.op->emitError("accel codegen: operand '")
           << what << "' must be a function argument or an inlined constant";
  FailureOr<std::vector<uint8_t>> bytes = constantBytes(constant);
  if (failed(bytes))
    return failure();
  source.constant = plan.constants.size();
  plan.constants.push_back({0, std::move(*bytes), what.str()});
  return success();
}

/// The sliding window of a 2-D convolution or pooling layer (NHWC `input`,
/// ONNX-ordered pads [top, left, bottom, right]) in a kernel-library shape.
template <typename Shape>
void setWindow(Shape &shape, RankedTensorType input, ArrayRef<int64_t> kernel,
               ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
               ArrayRef<int64_t> dilations) {
  shape.height = input.getDimSize(1);
  shape.width = input.getDimSize(2);
  shape.kernelH = kernel[0];
  shape.kernelW = kernel[1];
  shape.strideH = strides[0];
  shape.strideW = strides[1];
  shape.padTop = pads[0];
  shape.padLeft = pads[1];
  shape.padBottom = pads[2];
  shape.padRight = pads[3];
  shape.dilationH = dilations[0];
  shape.dilationW = dilations[1];
}

FailureOr<LayerPlan> analyze(func::FuncOp function) {
  LayerPlan plan;
  plan.function = function;
  plan.entry.name = function.getSymName().str();
  Block &body = function.getBody().front();
  SmallVector<MatMulOp> chain; // a fused dense chain: matmuls only
  for (Operation &op : body) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    if (!isa<Conv2DOp, MatMulOp, ScaledAddOp, MaxPoolOp, LstmOp, GruOp>(op))
      return op.emitError("accel codegen: an accel dispatch holds constants and "
                          "one systolic.conv2d, systolic.matmul, "
                          "systolic.scaled_add, systolic.max_pool, "
                          "systolic.lstm or systolic.gru (or a chain of "
                          "systolic.matmul); found ")
             << op.getName();
    if (plan.op) {
      auto mm = dyn_cast<MatMulOp>(op);
      if (!mm || !isa<MatMulOp>(plan.op))
        return op.emitError("accel codegen: an accel dispatch holds exactly one "
                            "layer op or a chain of systolic.matmul; this is the "
                            "second layer op");
      if (mm.getLhs() != plan.op->getResult(0) || !plan.op->getResult(0).hasOneUse())
        return op.emitError("accel codegen: in a dense chain each systolic.matmul's "
                            "lhs must be the previous matmul's result, its only use");
      if (chain.empty())
        chain.push_back(cast<MatMulOp>(plan.op));
      chain.push_back(mm);
    }
    plan.op = &op;
  }
  if (!plan.op)
    return function.emitError("accel codegen: accel dispatch @")
           << function.getSymName() << " holds no layer op";
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  if (ret.getNumOperands() != 1 || ret.getOperand(0) != plan.op->getResult(0))
    return function.emitError("accel codegen: accel dispatch @")
           << function.getSymName() << " must return its layer's result";
  for (Type type : function.getArgumentTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return function.emitError("accel codegen: arguments must be static tensors");
    plan.bindingSizes.push_back(tensor.getNumElements() *
                                tensor.getElementTypeBitWidth() / 8);
  }
  auto resultType = cast<RankedTensorType>(plan.op->getResult(0).getType());
  plan.bindingSizes.push_back(resultType.getNumElements());

  sim::GemmLayer &g = plan.gemm;
  if (!chain.empty()) {
    plan.layer = "dense_chain";
    if (failed(resolve(plan, chain.front().getLhs(), plan.sources[kA], "lhs")))
      return failure();
    for (MatMulOp mm : chain) {
      LayerPlan::DenseLink link{mm, {}, {}, {}};
      std::string layer = "layer " + std::to_string(plan.links.size()) + " ";
      if (failed(resolve(plan, mm.getRhs(), link.rhs, layer + "rhs")) ||
          failed(resolve(plan, mm.getParams(), link.params, layer + "params")) ||
          (mm.getLut() && failed(resolve(plan, mm.getLut(), link.lut, layer + "lut"))))
        return failure();
      plan.links.push_back(link);
    }
    plan.denseChain = denseChainShape(chain);
    plan.m = plan.denseChain.m;
    plan.k = plan.denseChain.k;
    plan.n = plan.denseChain.layers.back().n;
  } else if (auto conv = dyn_cast<Conv2DOp>(plan.op)) {
    plan.layer = "conv2d";
    auto input = cast<RankedTensorType>(conv.getInput().getType());
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    if (failed(resolve(plan, conv.getInput(), plan.sources[kA], "input")) ||
        failed(resolve(plan, conv.getWeight(), plan.sources[kB], "weight")) ||
        failed(resolve(plan, conv.getParams(), plan.sources[kParams], "params")) ||
        (conv.getLut() && failed(resolve(plan, conv.getLut(), plan.sources[kLut], "lut"))))
      return failure();
    ArrayRef<int64_t> strides = conv.getStrides(), pads = conv.getPads(),
                      dilations = conv.getDilations();
    g.isConv = true;
    sim::ConvShape &cv = g.conv;
    cv.inChannels = input.getDimSize(3);
    cv.groups = static_cast<int64_t>(conv.getGroup());
    setWindow(cv, input, {weight.getDimSize(0), weight.getDimSize(1)}, strides,
              pads, dilations);
    cv.stride = strides[0];
    g.n = weight.getDimSize(3);
    setOutputPath(g, conv);
    plan.images = input.getDimSize(0);
    plan.m = resultType.getDimSize(1) * resultType.getDimSize(2);
    plan.k = cv.kernelH * cv.kernelW * weight.getDimSize(2);
    plan.diagonalBlocks = static_cast<int64_t>(conv.getDiagonalBlocks());
    plan.n = g.n;
    if (cv.outHeight() * cv.outWidth() != plan.m)
      return conv.emitError("accel codegen: the kernel library computes a ")
             << cv.outHeight() << "x" << cv.outWidth()
             << " output for this convolution, the op's result is " << resultType;
  } else if (auto mm = dyn_cast<MatMulOp>(plan.op)) {
    plan.layer = "matmul";
    if (failed(resolve(plan, mm.getLhs(), plan.sources[kA], "lhs")) ||
        failed(resolve(plan, mm.getRhs(), plan.sources[kB], "rhs")) ||
        failed(resolve(plan, mm.getParams(), plan.sources[kParams], "params")) ||
        (mm.getLut() && failed(resolve(plan, mm.getLut(), plan.sources[kLut], "lut"))))
      return failure();
    auto lhs = cast<RankedTensorType>(mm.getLhs().getType());
    auto rhs = cast<RankedTensorType>(mm.getRhs().getType());
    plan.m = g.m = lhs.getDimSize(0);
    plan.k = g.k = lhs.getDimSize(1);
    plan.n = g.n = rhs.getDimSize(1);
    setOutputPath(g, mm);
  } else if (auto pool = dyn_cast<MaxPoolOp>(plan.op)) {
    plan.layer = "max_pool";
    if (failed(resolve(plan, pool.getInput(), plan.sources[kA], "input")))
      return failure();
    auto input = cast<RankedTensorType>(pool.getInput().getType());
    ArrayRef<int64_t> kernel = pool.getKernelShape(), strides = pool.getStrides(),
                      pads = pool.getPads(), dilations = pool.getDilations();
    sim::MaxPoolLayer &mp = plan.maxPool;
    mp.channels = input.getDimSize(3);
    setWindow(mp, input, kernel, strides, pads, dilations);
    mp.outH = resultType.getDimSize(1); // ceil_mode extents included
    mp.outW = resultType.getDimSize(2);
    plan.images = input.getDimSize(0);
    plan.m = mp.outH * mp.outW;
    plan.k = mp.kernelH * mp.kernelW;
    plan.n = mp.channels;
  } else if (auto lstm = dyn_cast<LstmOp>(plan.op)) {
    plan.layer = "lstm";
    if (failed(resolve(plan, lstm.getX(), plan.sources[kA], "x")) ||
        failed(resolve(plan, lstm.getWx(), plan.sources[kB], "wx")) ||
        failed(resolve(plan, lstm.getWh(), plan.sources[kRecurrent], "wh")) ||
        failed(resolve(plan, lstm.getParams(), plan.sources[kParams], "params")) ||
        failed(resolve(plan, lstm.getSigmoid(), plan.sources[kLut], "sigmoid table")) ||
        failed(resolve(plan, lstm.getTanh(), plan.sources[kTanh], "tanh table")))
      return failure();
    auto x = cast<RankedTensorType>(lstm.getX().getType());
    sim::LstmLayer &l = plan.lstm;
    l.steps = x.getDimSize(0);
    l.batch = x.getDimSize(1);
    l.input = x.getDimSize(2);
    l.hidden = resultType.getDimSize(3);
    l.cellShift = static_cast<int64_t>(lstm.getCellShift());
    l.reverse = lstm.getReverse();
    plan.directions = resultType.getDimSize(1);
    l.outStepStride = plan.directions * l.batch * l.hidden;
    // The GEMM view of all steps: rows (t, d, b) x [x_t, h_t-1] x 4H gates.
    plan.m = l.steps * plan.directions * l.batch;
    plan.k = l.input + l.hidden;
    plan.n = 4 * l.hidden;
  } else if (auto gru = dyn_cast<GruOp>(plan.op)) {
    plan.layer = "gru";
    if (failed(resolve(plan, gru.getX(), plan.sources[kA], "x")) ||
        failed(resolve(plan, gru.getWx(), plan.sources[kB], "wx")) ||
        failed(resolve(plan, gru.getWh(), plan.sources[kRecurrent], "wh")) ||
        failed(resolve(plan, gru.getParams(), plan.sources[kParams], "params")) ||
        failed(resolve(plan, gru.getSigmoid(), plan.sources[kLut], "sigmoid table")) ||
        failed(resolve(plan, gru.getTanh(), plan.sources[kTanh], "tanh table")) ||
        (gru.getHBias() && failed(resolve(plan, gru.getHBias(), plan.sources[kHBias], "h_bias"))))
      return failure();
    auto x = cast<RankedTensorType>(gru.getX().getType());
    sim::GruLayer &l = plan.gru;
    l.steps = x.getDimSize(0);
    l.batch = x.getDimSize(1);
    l.input = x.getDimSize(2);
    l.hidden = resultType.getDimSize(3);
    l.linearBeforeReset = gru.getLinearBeforeReset();
    l.reverse = gru.getReverse();
    plan.directions = resultType.getDimSize(1);
    l.outStepStride = plan.directions * l.batch * l.hidden;
    // The GEMM view of all steps: rows (t, d, b) x [x_t, h_t-1] x 3H gates.
    plan.m = l.steps * plan.directions * l.batch;
    plan.k = l.input + l.hidden;
    plan.n = 3 * l.hidden;
  } else {
    auto add = cast<ScaledAddOp>(plan.op);
    plan.layer = "scaled_add";
    if (failed(resolve(plan, add.getLhs(), plan.sources[kA], "lhs")) ||
        failed(resolve(plan, add.getRhs(), plan.sources[kB], "rhs")) ||
        failed(resolve(plan, add.getParams(), plan.sources[kParams], "params")) ||
        (add.getLut() && failed(resolve(plan, add.getLut(), plan.sources[kLut], "lut"))))
      return failure();
    auto type = cast<RankedTensorType>(add.getLhs().getType());
    sim::ScaledAddLayer &s = plan.scaledAdd;
    s.channels = type.getShape().back();
    s.pixels = type.getNumElements() / s.channels;
    s.wa = static_cast<int64_t>(add.getLhsWeight());
    s.wb = static_cast<int64_t>(add.getRhsWeight());
    setOutputPath(s, add);
    plan.m = s.pixels;
    plan.k = 2;
    plan.n = s.channels;
  }
  return plan;
}

//===----------------------------------------------------------------------===//
// Programs
//===----------------------------------------------------------------------===//

/// DRAM addresses of one entry point's roles.
struct Addresses {
  uint64_t role[kNumRoles] = {};
  std::vector<sim::DenseChainLayer> chain; // dense_chain: each layer, placed
  uint64_t out = 0;
};

/// The addresses of the plan's sources, given where its bindings (arguments,
/// then the result) and constant images lie.
Addresses addressesOf(const LayerPlan &plan, ArrayRef<uint64_t> bindingAt,
                      ArrayRef<uint64_t> constantAt) {
  auto addressOf = [&](const Source &source) -> uint64_t {
    if (source.argument)
      return bindingAt[*source.argument];
    if (source.constant)
      return constantAt[*source.constant];
    return 0;
  };
  Addresses at;
  for (int r = 0; r < kNumRoles; ++r)
    at.role[r] = addressOf(plan.sources[r]);
  at.chain = plan.denseChain.layers;
  for (size_t l = 0; l < plan.links.size(); ++l) {
    at.chain[l].bAddr = addressOf(plan.links[l].rhs);
    at.chain[l].paramAddr = addressOf(plan.links[l].params);
    at.chain[l].lutAddr = addressOf(plan.links[l].lut);
  }
  at.out = bindingAt.back();
  return at;
}

/// Direction `d` of a recurrent layer (`gates` gate columns per hidden
/// unit) with its addresses: direction 1 of a bidirectional layer runs
/// backward and writes the second of each step's two [B, H] blocks.
template <typename LayerT>
LayerT recurrentDirection(const LayerT &shape, int64_t gates, int64_t d,
                          const Addresses &at) {
  const uint64_t columns = uint64_t(gates * shape.hidden);
  LayerT l = shape;
  l.reverse = shape.reverse || d == 1;
  l.xAddr = at.role[kA];
  l.wxAddr = at.role[kB] + d * shape.input * columns;
  l.whAddr = at.role[kRecurrent] + d * shape.hidden * columns;
  l.paramAddr = at.role[kParams] + d * 3 * columns * 4;
  l.sigmoidAddr = at.role[kLut];
  l.tanhAddr = at.role[kTanh];
  l.constAddr = at.role[kRecurrentConstant];
  l.outAddr = at.out + d * shape.batch * shape.hidden;
  return l;
}

/// Builds the entry point's programs (one per image for convolutions).
sim::Status buildPrograms(const sim::HwConfig &cfg, const LayerPlan &plan,
                          sim::Dataflow dataflow, const Addresses &at,
                          std::vector<sim::Program> *programs) {
  programs->clear();
  if (plan.layer == "dense_chain") {
    sim::DenseChain chain = plan.denseChain;
    chain.layers = at.chain;
    chain.aAddr = at.role[kA];
    chain.outAddr = at.out;
    programs->emplace_back();
    return sim::buildDenseChain(cfg, chain, &programs->back());
  }
  // Recurrent layers: one program per direction.
  if (plan.layer == "lstm") {
    for (int64_t d = 0; d < plan.directions; ++d) {
      programs->emplace_back();
      if (sim::Status s = sim::buildLstm(cfg, recurrentDirection(plan.lstm, 4, d, at),
                                         &programs->back());
          !s.ok())
        return s;
    }
    return sim::Status::success();
  }
  if (plan.layer == "gru") {
    for (int64_t d = 0; d < plan.directions; ++d) {
      sim::GruLayer l = recurrentDirection(plan.gru, 3, d, at);
      if (l.linearBeforeReset)
        l.hBiasAddr = at.role[kHBias] + d * l.hidden * 4;
      programs->emplace_back();
      if (sim::Status s = sim::buildGru(cfg, l, &programs->back()); !s.ok())
        return s;
    }
    return sim::Status::success();
  }
  if (plan.layer == "max_pool") {
    sim::MaxPoolLayer mp = plan.maxPool;
    mp.minAddr = at.role[kMinRow];
    const uint64_t inBytes = uint64_t(mp.height * mp.width * mp.channels);
    for (int64_t image = 0; image < plan.images; ++image) {
      mp.inAddr = at.role[kA] + image * inBytes;
      mp.outAddr = at.out + image * plan.m * plan.n;
      programs->emplace_back();
      if (sim::Status s = sim::buildMaxPool(cfg, mp, &programs->back()); !s.ok())
        return s;
    }
    return sim::Status::success();
  }
  if (plan.layer == "scaled_add") {
    sim::ScaledAddLayer s = plan.scaledAdd;
    s.aAddr = at.role[kA];
    s.bAddr = at.role[kB];
    s.paramAddr = at.role[kParams];
    s.lutAddr = at.role[kLut];
    s.weightAddr = at.role[kDiagonals];
    s.outAddr = at.out;
    programs->emplace_back();
    return sim::buildScaledAdd(cfg, s, &programs->back());
  }
  sim::GemmLayer g = plan.gemm;
  g.dataflow = dataflow;
  g.bAddr = at.role[kB];
  g.paramAddr = at.role[kParams];
  g.lutAddr = at.role[kLut];
  const uint64_t inBytes = plan.gemm.isConv ? uint64_t(g.conv.height * g.conv.width *
                                                       g.conv.inChannels)
                                            : 0;
  for (int64_t image = 0; image < plan.images; ++image) {
    g.aAddr = at.role[kA] + image * inBytes;
    g.outAddr = at.out + image * plan.m * plan.n;
    programs->emplace_back();
    if (sim::Status s = sim::buildGemm(cfg, g, &programs->back()); !s.ok())
      return s;
  }
  return sim::Status::success();
}

/// Addresses for a layout of this entry point alone (for the cost model,
/// which does not depend on addresses); `end` receives the layout's end.
Addresses provisionalAddresses(const LayerPlan &plan, uint64_t *end) {
  uint64_t cursor = 0;
  std::vector<uint64_t> constantAt;
  for (const AccelConstant &c : plan.constants) {
    constantAt.push_back(cursor);
    cursor = alignUp(cursor + c.data.size());
  }
  std::vector<uint64_t> bindingAt;
  for (uint64_t size : plan.bindingSizes) {
    bindingAt.push_back(cursor);
    cursor = alignUp(cursor + size);
  }
  *end = cursor;
  return addressesOf(plan, bindingAt, constantAt);
}

std::string cycles(uint64_t v) { return std::to_string(v) + " cycles"; }

/// Chooses the dataflow and fixes the constant images that depend on it.
LogicalResult chooseDataflow(const sim::HwConfig &cfg, LayerPlan &plan) {
  AccelEntryPoint &e = plan.entry;
  const bool ws = cfg.supportsWeightStationary, os = cfg.supportsOutputStationary;
  auto estimate = [&](sim::Dataflow dataflow, uint64_t *out) -> LogicalResult {
    std::vector<sim::Program> programs;
    uint64_t end = 0;
    Addresses at = provisionalAddresses(plan, &end);
    sim::Status s = buildPrograms(cfg, plan, dataflow, at, &programs);
    if (!s.ok())
      return plan.op->emitError("cannot tile ")
             << plan.op->getName() << " onto the " << cfg.rows << "x" << cfg.cols
             << " configuration ("
             << (dataflow == sim::Dataflow::WeightStationary ? "weight" : "output")
             << "-stationary): " << s.error;
    *out = 0;
    for (const sim::Program &p : programs)
      *out += estimateCycles(cfg, p, end);
    return success();
  };

  if (plan.layer == "lstm" || plan.layer == "gru") {
    if (!ws)
      return plan.op->emitError("cannot run ")
             << plan.op->getName() << " on a configuration without the "
             << "weight-stationary dataflow (--accel-config=...,dataflows=ws+os)";
    if (failed(estimate(sim::Dataflow::WeightStationary, &e.wsEstimatedCycles)))
      return failure();
    e.dataflow = AccelDataflow::WeightStationary;
    const sim::RecurrentFeed feed = plan.layer == "lstm" ? sim::lstmFeed(cfg, plan.lstm)
                                                         : sim::gruFeed(cfg, plan.gru);
    e.dataflowReason =
        std::string("the gate GEMMs' left operands are x_t and h_(t-1), a few rows "
                    "produced one step at a time; the weights ") +
        (feed == sim::RecurrentFeed::Hoisted
             ? "stay resident in the scratchpad, and the input projections of all "
               "steps are one GEMM per gate tile before the recurrence"
         : feed == sim::RecurrentFeed::Resident
             ? "stay resident in the scratchpad"
             : "do not fit the scratchpad and stream from DRAM every step") +
        "; they enter the array as weight-stationary tiles";
    return success();
  }
  if (plan.layer == "dense_chain") {
    if (!ws)
      return plan.op->emitError("cannot run a dense chain on a configuration "
                                "without the weight-stationary dataflow "
                                "(--accel-config=...,dataflows=ws+os)");
    if (failed(estimate(sim::Dataflow::WeightStationary, &e.wsEstimatedCycles)))
      return failure();
    e.dataflow = AccelDataflow::WeightStationary;
    e.dataflowReason =
        "a dense chain's intermediate activations are written by OUTPUT into "
        "the scratchpad as rows (one per input row), which only the "
        "weight-stationary left operand reads; output-stationary would need "
        "them transposed";
    return success();
  }
  if (plan.layer == "max_pool") {
    // No MATMUL: the dataflow does not apply; the entry point records ws.
    if (failed(estimate(sim::Dataflow::WeightStationary, &e.wsEstimatedCycles)))
      return failure();
    e.dataflow = AccelDataflow::WeightStationary;
    e.dataflowReason = "max pooling runs on the vector unit (one strided LOAD "
                       "and VECTOR max per kernel tap), no MATMUL: the "
                       "dataflow does not apply";
    return success();
  }

  // The output path keeps bias, multiplier and shift of every channel tile in
  // the accumulator for the whole layer (three rows per tile of C channels).
  const int64_t tile = plan.layer == "scaled_add" ? std::min(cfg.rows, cfg.cols)
                                                  : int64_t(cfg.cols);
  const int64_t paramRows = 3 * ceilDiv(plan.n, tile);
  if (paramRows >= int64_t(cfg.accRows))
    return plan.op->emitError("cannot tile ")
           << plan.op->getName() << " onto the " << cfg.rows << "x" << cfg.cols
           << " configuration: the output path's parameters of " << plan.n
           << " channels take " << paramRows << " accumulator rows (3 per tile of "
           << tile << " channels), the accumulator has " << cfg.accRows
           << " (--accel-config=...,acc-rows=N, or a wider array)";

  if (plan.layer != "matmul") {
    if (!ws)
      return plan.op->emitError("cannot run ")
             << plan.op->getName() << " on a configuration without the "
             << "weight-stationary dataflow: the kernel library builds "
             << (plan.layer == "conv2d" ? "convolutions" : "residual adds")
             << " for weight-stationary only (--accel-config=...,dataflows=ws+os)";
    if (failed(estimate(sim::Dataflow::WeightStationary, &e.wsEstimatedCycles)))
      return failure();
    e.dataflow = AccelDataflow::WeightStationary;
    e.dataflowReason =
        plan.layer == "conv2d"
            ? "convolutions stream the NHWC input through implicit-im2col "
              "DMAs (one strided, padded LOAD per kernel tap), which only the "
              "weight-stationary mapping consumes; output-stationary would need "
              "the im2col matrix transposed in DRAM, which the DMA cannot gather"
            : "a residual add is two accumulating weight-stationary MATMULs "
              "against diagonal weight tiles";
    return success();
  }

  // matmul: OS needs A transposed (K x M) in DRAM. A compile-time constant
  // lhs can be stored that way; an lhs produced at run time is M x K
  // row-major, and the DMA cannot gather a column into a scratchpad row,
  // except for a single row (M = 1, a batch-1 dense layer), whose 1 x K
  // bytes are already its K x 1 transpose.
  bool lhsConstant = plan.sources[kA].constant.has_value();
  bool lhsIsItsTranspose = plan.m == 1;
  bool osApplicable = os && (lhsConstant || lhsIsItsTranspose);
  if (ws && failed(estimate(sim::Dataflow::WeightStationary, &e.wsEstimatedCycles)))
    return failure();
  if (osApplicable) {
    // The estimate does not depend on the image's contents, only its size.
    if (failed(estimate(sim::Dataflow::OutputStationary, &e.osEstimatedCycles)))
      return failure();
  }
  if (!ws && !osApplicable)
    return plan.op->emitError("cannot run ")
           << plan.op->getName()
           << " on an output-stationary-only configuration: output-stationary "
              "needs the lhs transposed (K x M) in DRAM, and this lhs is "
              "produced at run time (M x K); allow ws (--accel-config=...,"
              "dataflows=ws+os)";
  std::string osWhy =
      !os ? "os: not supported by the configuration"
      : !osApplicable
          ? "os: not applicable, the lhs is produced at run time as M x K "
            "row-major and output-stationary needs it transposed (K x M) in DRAM"
          : "os ~" + cycles(e.osEstimatedCycles);
  std::string wsWhy = ws ? "ws ~" + cycles(e.wsEstimatedCycles)
                         : "ws: not supported by the configuration";
  bool chooseOs = osApplicable && (!ws || e.osEstimatedCycles < e.wsEstimatedCycles);
  e.dataflow = chooseOs ? AccelDataflow::OutputStationary
                        : AccelDataflow::WeightStationary;
  e.dataflowReason = "cost model: " + wsWhy + "; " + osWhy;
  if (chooseOs && lhsConstant && !lhsIsItsTranspose) {
    // The constant lhs image becomes A^T.
    AccelConstant &a = plan.constants[*plan.sources[kA].constant];
    std::vector<uint8_t> transposed(a.data.size());
    for (int64_t i = 0; i < plan.m; ++i)
      for (int64_t j = 0; j < plan.k; ++j)
        transposed[j * plan.m + i] = a.data[i * plan.k + j];
    a.data = std::move(transposed);
    a.what = "lhs (transposed for output-stationary)";
  }
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// The executable
//===----------------------------------------------------------------------===//

FailureOr<AccelExecutableDesc> buildAccelExecutable(ModuleOp module,
                                                    const HwDescription &hw) {
  sim::HwConfig cfg = toSimHwConfig(hw);
  if (sim::Status s = cfg.validate(); !s.ok())
    return module.emitError("accel codegen: ") << s.error;

  std::vector<LayerPlan> plans;
  for (auto function : module.getOps<func::FuncOp>()) {
    auto device = function->getAttrOfType<StringAttr>(kDispatchDeviceAttr);
    if (!device || device.getValue() != "accel" || function.isExternal())
      continue;
    FailureOr<LayerPlan> plan = analyze(function);
    if (failed(plan))
      return failure();
    if (plan->layer == "scaled_add") {
      std::vector<int8_t> diagonals = sim::scaledAddWeights(cfg, plan->scaledAdd);
      plan->sources[kDiagonals].constant = plan->constants.size();
      plan->constants.push_back(
          {0, std::vector<uint8_t>(diagonals.begin(), diagonals.end()),
           "scaled-add diagonals"});
    }
    if (plan->layer == "lstm") {
      std::vector<int8_t> image = sim::lstmConstant(cfg, plan->lstm);
      plan->sources[kRecurrentConstant].constant = plan->constants.size();
      plan->constants.push_back(
          {0, std::vector<uint8_t>(image.begin(), image.end()),
           "lstm identity tile and cell/h output parameters"});
    }
    if (plan->layer == "gru") {
      std::vector<int8_t> image = sim::gruConstant(cfg);
      plan->sources[kRecurrentConstant].constant = plan->constants.size();
      plan->constants.push_back({0, std::vector<uint8_t>(image.begin(), image.end()),
                                 "gru I, -I, 127 I tiles and h output parameters"});
    }
    if (plan->layer == "max_pool") {
      std::vector<int8_t> lowest = sim::maxPoolConstant(cfg);
      plan->sources[kMinRow].constant = plan->constants.size();
      plan->constants.push_back(
          {0, std::vector<uint8_t>(lowest.begin(), lowest.end()),
           "max-pool -128 row"});
    }
    if (failed(chooseDataflow(cfg, *plan)))
      return failure();
    plans.push_back(std::move(*plan));
  }

  // DRAM: every constant image once (written at load), then one scratch
  // region that each entry point's bindings reuse (written and read around
  // every run).
  AccelExecutableDesc desc;
  desc.hw = hw;
  uint64_t cursor = 0;
  for (LayerPlan &plan : plans)
    for (AccelConstant &c : plan.constants) {
      c.address = cursor;
      cursor = alignUp(cursor + c.data.size());
    }
  const uint64_t scratch = cursor;
  uint64_t used = scratch;
  std::vector<std::vector<uint64_t>> bindingAt(plans.size());
  for (size_t i = 0; i < plans.size(); ++i) {
    uint64_t at = scratch;
    for (uint64_t size : plans[i].bindingSizes) {
      bindingAt[i].push_back(at);
      at = alignUp(at + size);
    }
    used = std::max(used, at);
  }
  if (used > hw.dramBytes) {
    uint64_t largest = used - scratch;
    return module.emitError("accel codegen: the accel executable needs ")
           << used << " bytes of DRAM (" << scratch
           << " of constant images, " << largest
           << " for the largest dispatch's operands and result), the "
              "configuration has "
           << hw.dramBytes << " (raise it with --accel-config=...,dram-bytes=N)";
  }
  desc.dramBytesUsed = used;

  for (size_t i = 0; i < plans.size(); ++i) {
    LayerPlan &plan = plans[i];
    AccelEntryPoint &e = plan.entry;
    std::vector<uint64_t> constantAt;
    for (const AccelConstant &c : plan.constants)
      constantAt.push_back(c.address);
    Addresses at = addressesOf(plan, bindingAt[i], constantAt);
    std::vector<sim::Program> programs;
    sim::Dataflow dataflow = e.dataflow == AccelDataflow::WeightStationary
                                 ? sim::Dataflow::WeightStationary
                                 : sim::Dataflow::OutputStationary;
    if (sim::Status s = buildPrograms(cfg, plan, dataflow, at, &programs); !s.ok())
      return plan.op->emitError("cannot tile ")
             << plan.op->getName() << " onto the " << cfg.rows << "x" << cfg.cols
             << " configuration: " << s.error;
    for (const sim::Program &p : programs) {
      std::vector<uint64_t> words;
      for (const sim::Word &w : p) {
        words.push_back(w.w[0]);
        words.push_back(w.w[1]);
      }
      ProgramCost cost = costOf(cfg, p);
      e.programMacs += cost.macs;
      e.dramBytes += cost.dramBytes;
      e.instructions += cost.instructions;
      e.programs.push_back(std::move(words));
    }
    e.layer = plan.layer;
    e.constants = plan.constants;
    for (size_t b = 0; b < plan.bindingSizes.size(); ++b)
      e.bindings.push_back({bindingAt[i][b], plan.bindingSizes[b]});
    e.numOperands = static_cast<uint32_t>(plan.bindingSizes.size() - 1);
    e.m = plan.m;
    e.k = plan.k;
    e.n = plan.n;
    e.images = static_cast<uint32_t>(plan.images);
    if (auto fusion = plan.function->getAttrOfType<StringAttr>(kFusionAttr))
      e.fusion = fusion.getValue().str();
    if (plan.layer == "dense_chain") {
      // Every layer's GEMM; ideal: SCALE-Sim per layer, the layers in sequence.
      auto names = plan.function->getAttrOfType<ArrayAttr>(kFusedLayersAttr);
      e.macs = e.idealCycles = 0;
      int64_t k = plan.k;
      for (size_t l = 0; l < plan.links.size(); ++l) {
        const int64_t n = plan.denseChain.layers[l].n;
        e.macs += uint64_t(plan.m * k * n);
        e.idealCycles += sim::scaleSimWsCycles(cfg, plan.m, k, n);
        std::string name = names && l < names.size()
                               ? cast<StringAttr>(names[l]).getValue().str()
                               : "layer " + std::to_string(l);
        e.fusedLayers.push_back(name + " " + std::to_string(plan.m) + "x" +
                                std::to_string(k) + "x" + std::to_string(n) + " " +
                                stringifyActivation(plan.links[l].matmul.getActivation()).str());
        k = n;
      }
    } else if (plan.layer == "max_pool") {
      // No MACs. Ideal: the vector unit folding every tap's row of W lanes
      // once per cycle, for the taps that read the input (the DMA of those
      // rows overlaps with it).
      const sim::MaxPoolLayer &mp = plan.maxPool;
      auto valid = [](int64_t out, int64_t stride, int64_t offset, int64_t size) {
        int64_t count = 0;
        for (int64_t o = 0; o < out; ++o)
          count += o * stride + offset >= 0 && o * stride + offset < size;
        return count;
      };
      uint64_t rows = 0;
      for (int64_t kh = 0; kh < mp.kernelH; ++kh)
        for (int64_t kw = 0; kw < mp.kernelW; ++kw)
          rows += valid(mp.outH, mp.strideH, kh * mp.dilationH - mp.padTop, mp.height) *
                  valid(mp.outW, mp.strideW, kw * mp.dilationW - mp.padLeft, mp.width);
      e.macs = 0;
      e.idealCycles = rows * ceilDiv(plan.n, cfg.rowBytes()) * plan.images;
    } else if (plan.layer == "lstm" || plan.layer == "gru") {
      // Useful work: the gate GEMMs of every step ([B, I + H] x [I + H, 4H]
      // or 3H); the programs' MACs also count the constant-tile moves of the
      // state update. Ideal: SCALE-Sim per step, the steps in sequence.
      const int64_t batch = plan.layer == "lstm" ? plan.lstm.batch : plan.gru.batch;
      const int64_t steps = plan.layer == "lstm" ? plan.lstm.steps : plan.gru.steps;
      e.macs = uint64_t(plan.m * plan.k * plan.n);
      e.idealCycles = sim::scaleSimWsCycles(cfg, batch, plan.k, plan.n) *
                      uint64_t(steps * plan.directions);
    } else if (plan.layer == "scaled_add") {
      // Useful work: two products per element. SCALE-Sim view: per channel
      // tile of T = min(R, C) lanes, two folds streaming every pixel.
      const int64_t T = std::min(cfg.rows, cfg.cols);
      e.macs = uint64_t(2 * plan.m * plan.n);
      e.idealCycles = uint64_t(2 * ceilDiv(plan.n, T)) *
                      uint64_t(2 * cfg.rows + cfg.cols + plan.m - 2);
    } else {
      // Merged groups (diagonal_blocks) compute zeros off their blocks:
      // count only the blocks' MACs.
      e.macs = uint64_t(plan.m * plan.k * plan.n * plan.images / plan.diagonalBlocks);
      e.idealCycles = sim::scaleSimWsCycles(cfg, plan.m, plan.k, plan.n) *
                      uint64_t(plan.images);
    }
    desc.entryPoints.push_back(std::move(e));
  }
  return desc;
}

void printAccelExecutable(const AccelExecutableDesc &exe, raw_ostream &os,
                          bool disassemble) {
  auto hex = [](uint64_t v) { return llvm::format_hex(v, 0); };
  os << "accel executable (" << artifact::accel::kAccelFormat << ")\n"
     << "  hardware: " << exe.hw.describe() << "\n"
     << "  dram: " << exe.dramBytesUsed << " bytes used\n";
  for (const AccelEntryPoint &e : exe.entryPoints) {
    os << "entry point " << e.name << ": " << e.layer << " M=" << e.m
       << " K=" << e.k << " N=" << e.n;
    if (e.images != 1)
      os << " images=" << e.images;
    os << "\n  macs " << e.macs << " (programs " << e.programMacs << ")"
       << ", ideal " << e.idealCycles << " cycles ("
       << (e.layer == "max_pool" ? "vector unit, a row per valid tap" : "SCALE-Sim ws")
       << "), estimated "
       << e.estimatedCycles() << " cycles, dram " << e.dramBytes << " bytes\n"
       << "  dataflow " << artifact::accel::dataflowName(e.dataflow) << ": "
       << e.dataflowReason << "\n";
    if (!e.fusedLayers.empty())
      os << "  fused layers: " << llvm::join(e.fusedLayers, " -> ") << "\n";
    if (!e.fusion.empty())
      os << "  fusion: " << e.fusion << "\n";
    for (size_t b = 0; b < e.bindings.size(); ++b)
      os << "  binding " << b << " ("
         << (b < e.numOperands ? "operand " + std::to_string(b) : "result")
         << "): " << hex(e.bindings[b].address) << ", " << e.bindings[b].size
         << " bytes\n";
    for (const AccelConstant &c : e.constants)
      os << "  constant " << c.what << ": " << hex(c.address) << ", "
         << c.data.size() << " bytes\n";
    for (size_t p = 0; p < e.programs.size(); ++p) {
      os << "  program " << p << ": " << e.programs[p].size() / 2
         << " instructions\n";
      if (!disassemble)
        continue;
      for (size_t i = 0; i + 1 < e.programs[p].size(); i += 2) {
        sim::Word w;
        w.w[0] = e.programs[p][i];
        w.w[1] = e.programs[p][i + 1];
        os << "    " << sim::disassemble(w) << "\n";
      }
    }
  }
}

} // namespace systolic::accel
