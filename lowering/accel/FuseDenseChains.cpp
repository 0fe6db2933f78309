//===- FuseDenseChains.cpp - One accel dispatch per chain of dense layers --===//
//
// After outlining, every systolic.matmul is its own accel dispatch, so each
// layer's int8 output goes scratchpad -> DRAM -> scratchpad between layers.
// This pass merges chains of them (each result feeding only the next lhs)
// into one dispatch, which the code generator builds as one program with the
// intermediate activations kept on chip (sim/kernels buildDenseChain). A
// layer joins a chain only if the chain still fits the configuration and the
// fused program moves fewer DRAM bytes than the layers apart without taking
// more cycles (the code generator's cost model); the reason a layer stays
// alone is recorded for the reports.
//
//===----------------------------------------------------------------------===//
#include "lowering/accel/Passes.h"

#include "dialects/systolic/SystolicOps.h"
#include "lowering/accel/AccelConfig.h"
#include "lowering/accel/CostModel.h"
#include "lowering/accel/KernelShapes.h"
#include "lowering/dispatch/Passes.h"
#include "runtime/accel/SimHwConfig.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>

namespace systolic::accel {
#define GEN_PASS_DEF_FUSEDENSECHAINS
#include "lowering/accel/Passes.h.inc"
} // namespace systolic::accel

using namespace mlir;
namespace sim = ::systolic;

namespace systolic::accel {
namespace {

/// A call of an accel dispatch holding one systolic.matmul.
struct DenseDispatch {
  func::CallOp call;
  func::FuncOp callee;
  MatMulOp matmul;
  std::string name;
  /// The call operand the matmul's lhs is (none for an inlined constant).
  std::optional<unsigned> lhsOperand;
};

std::optional<DenseDispatch> asDenseDispatch(func::CallOp call, SymbolTable &symbols) {
  auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
  if (!callee || callee.isExternal())
    return std::nullopt;
  auto device = callee->getAttrOfType<StringAttr>(kDispatchDeviceAttr);
  if (!device || device.getValue() != "accel")
    return std::nullopt;
  MatMulOp matmul;
  for (Operation &op : callee.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    if (matmul || !isa<MatMulOp>(op))
      return std::nullopt;
    matmul = cast<MatMulOp>(op);
  }
  if (!matmul)
    return std::nullopt;
  DenseDispatch d{call, callee, matmul, "", std::nullopt};
  auto name = callee->getAttrOfType<StringAttr>(kDispatchNameAttr);
  d.name = name ? name.getValue().str() : callee.getSymName().str();
  if (auto argument = dyn_cast<BlockArgument>(matmul.getLhs()))
    d.lhsOperand = argument.getArgNumber();
  return d;
}

/// What a program moves between DRAM and the chip, and how long it takes.
struct ChainCost {
  uint64_t dramBytes = 0, cycles = 0;
};

/// The cost of a program of `chain`, or the kernel library's reason it cannot
/// be built. A chain of one layer is today's unfused matmul (buildGemm) in the
/// dataflow the code generator would choose for it: the faster of
/// weight-stationary and, for a one-row lhs (its own transpose),
/// output-stationary.
sim::Status costOf(const sim::HwConfig &cfg, const sim::DenseChain &chain,
                   ChainCost *cost) {
  // Every operand sits at address 0 (timing does not depend on addresses
  // or values): the DRAM needs to hold the largest.
  uint64_t dramEnd = uint64_t(chain.m) * chain.k;
  int64_t k = chain.k;
  for (const sim::DenseChainLayer &layer : chain.layers) {
    dramEnd = std::max({dramEnd, uint64_t(k) * layer.n, uint64_t(chain.m) * layer.n,
                        12 * uint64_t(layer.n), uint64_t(256)});
    k = layer.n;
  }
  auto measure = [&](const sim::Program &program) {
    return ChainCost{sim::dramBytesMoved(program), estimateCycles(cfg, program, dramEnd)};
  };
  if (chain.layers.size() > 1) {
    sim::Program program;
    sim::Status s = sim::buildDenseChain(cfg, chain, &program);
    if (s.ok())
      *cost = measure(program);
    return s;
  }
  sim::Status why = sim::Status::failure("no dataflow the configuration supports");
  std::optional<ChainCost> best;
  for (sim::Dataflow dataflow :
       {sim::Dataflow::WeightStationary, sim::Dataflow::OutputStationary}) {
    bool supported = dataflow == sim::Dataflow::WeightStationary
                         ? cfg.supportsWeightStationary
                         : cfg.supportsOutputStationary && chain.m == 1;
    if (!supported)
      continue;
    sim::GemmLayer gemm;
    gemm.m = chain.m, gemm.k = chain.k, gemm.n = chain.layers[0].n;
    gemm.act = chain.layers[0].act;
    gemm.dataflow = dataflow;
    sim::Program program;
    why = sim::buildGemm(cfg, gemm, &program);
    if (!why.ok())
      continue;
    ChainCost measured = measure(program);
    if (!best || measured.cycles < best->cycles)
      best = measured;
  }
  if (!best)
    return why;
  *cost = *best;
  return sim::Status::success();
}

std::string join(ArrayRef<DenseDispatch> chain, StringRef separator) {
  return llvm::join(llvm::map_range(chain, [](const DenseDispatch &d) { return d.name; }),
                    separator);
}

std::string sanitize(StringRef text) {
  std::string result;
  for (char c : text)
    result.push_back(llvm::isAlnum(c) ? c : '_');
  return result;
}

struct FuseDenseChainsPass
    : systolic::accel::impl::FuseDenseChainsBase<FuseDenseChainsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      module.emitError() << "no entry function '@" << entryName
                         << "' to fuse dense chains in";
      return signalPassFailure();
    }
    llvm::Expected<HwDescription> hw = parseAccelConfig(accelConfig);
    if (!hw) {
      module.emitError() << llvm::toString(hw.takeError());
      return signalPassFailure();
    }
    cfg = artifact::accel::toSimHwConfig(*hw);
    SymbolTable symbols(module);

    // Dense dispatches in program order, and for each the next one if it is
    // the only user of its result, as the lhs.
    llvm::MapVector<Operation *, DenseDispatch> dense;
    entry.walk([&](func::CallOp call) {
      if (std::optional<DenseDispatch> d = asDenseDispatch(call, symbols))
        dense.insert({call, *d});
    });
    llvm::DenseMap<Operation *, Operation *> next;
    llvm::DenseSet<Operation *> hasPrevious;
    for (auto &[op, d] : dense) {
      Value result = d.call.getResult(0);
      if (!result.hasOneUse())
        continue;
      OpOperand &use = *result.getUses().begin();
      auto consumer = dense.find(use.getOwner());
      if (consumer == dense.end() ||
          consumer->second.lhsOperand != use.getOperandNumber())
        continue;
      next[op] = use.getOwner();
      hasPrevious.insert(use.getOwner());
    }

    for (auto &[op, d] : dense) {
      if (hasPrevious.contains(op))
        continue;
      std::vector<DenseDispatch> chain{d};
      for (auto it = next.find(op); it != next.end(); it = next.find(it->second))
        chain.push_back(dense.find(it->second)->second);
      if (chain.size() > 1)
        fuseGreedily(chain, symbols);
    }

    if (reportPlacement && !report.empty()) {
      llvm::errs() << "fusion of @" << entryName << ":\n";
      for (const std::string &line : report)
        llvm::errs() << "  " << line << "\n";
    }
  }

  /// Splits `chain` into runs that are worth fusing: a layer joins the run
  /// before it while the run stays buildable and saves DRAM traffic.
  void fuseGreedily(ArrayRef<DenseDispatch> chain, SymbolTable &symbols) {
    size_t start = 0;
    while (start < chain.size()) {
      size_t end = start + 1; // the run [start, end)
      ChainCost run;
      sim::Status s = costOf(cfg, shapeOf(chain.slice(start, 1)), &run);
      for (; s.ok() && end < chain.size(); ++end) {
        std::string why = whyNotJoin(chain.slice(start, end - start), chain[end], &run);
        if (!why.empty()) {
          std::string note = "not fused with " + chain[end - 1].name + ": " + why;
          chain[end].callee->setAttr(kFusionAttr, StringAttr::get(&getContext(), note));
          report.push_back(chain[end].name + ": " + note);
          break;
        }
      }
      if (end - start > 1)
        merge(chain.slice(start, end - start), run.dramBytes, symbols);
      start = end;
    }
  }

  sim::DenseChain shapeOf(ArrayRef<DenseDispatch> run) {
    SmallVector<MatMulOp> matmuls;
    for (const DenseDispatch &d : run)
      matmuls.push_back(d.matmul);
    return denseChainShape(matmuls);
  }

  /// Why `layer` should not join `run` (whose program costs *runCost): it
  /// must save DRAM traffic and not take longer than the two apart. On
  /// success (empty) *runCost becomes the extended run's.
  std::string whyNotJoin(ArrayRef<DenseDispatch> run, const DenseDispatch &layer,
                         ChainCost *runCost) {
    SmallVector<DenseDispatch> extended(run.begin(), run.end());
    extended.push_back(layer);
    sim::DenseChain fused = shapeOf(extended);
    sim::DenseChainTiling tiling;
    if (sim::Status s = sim::planDenseChain(cfg, fused, &tiling); !s.ok())
      return s.error;
    ChainCost fusedCost, layerCost;
    if (sim::Status s = costOf(cfg, fused, &fusedCost); !s.ok())
      return s.error;
    if (sim::Status s = costOf(cfg, shapeOf(layer), &layerCost); !s.ok())
      return s.error;
    const uint64_t apartBytes = runCost->dramBytes + layerCost.dramBytes;
    const uint64_t apartCycles = runCost->cycles + layerCost.cycles;
    if (fusedCost.dramBytes >= apartBytes)
      return "fused, the chain would move " + std::to_string(fusedCost.dramBytes) +
             " DRAM bytes, apart " + std::to_string(apartBytes) + " (" +
             std::to_string(tiling.blocks) + " blocks of " +
             std::to_string(tiling.blockRows) +
             " rows reload every weight per block)";
    if (fusedCost.cycles > apartCycles)
      return "fused, the chain would take ~" + std::to_string(fusedCost.cycles) +
             " cycles, apart ~" + std::to_string(apartCycles) +
             " (the layers apart can use output-stationary for a one-row lhs, "
             "the chain only weight-stationary)";
    *runCost = fusedCost;
    return "";
  }

  /// Replaces the run's calls by one call of a new dispatch holding its
  /// matmuls in order, each lhs the previous result.
  void merge(ArrayRef<DenseDispatch> run, uint64_t fusedBytes, SymbolTable &symbols) {
    MLIRContext *context = &getContext();
    llvm::SetVector<Value> operands;
    for (size_t i = 0; i < run.size(); ++i)
      for (OpOperand &operand : run[i].call->getOpOperands())
        if (i == 0 || operand.getOperandNumber() != *run[i].lhsOperand)
          operands.insert(operand.get());

    func::CallOp last = run.back().call;
    OpBuilder builder(last->getParentOfType<func::FuncOp>());
    func::FuncOp firstCallee = run.front().callee;
    StringRef first = firstCallee.getSymName();
    std::string symbol = first.take_until([](char c) { return c == '_'; }).str() +
                         "_dense_chain_" + sanitize(join(run, "_"));
    auto type = builder.getFunctionType(
        llvm::to_vector(llvm::map_range(operands, [](Value v) { return v.getType(); })),
        last.getResultTypes());
    auto fused = func::FuncOp::create(builder, last.getLoc(), symbol, type);
    fused.setPrivate();
    fused->setAttr(kDispatchNameAttr, builder.getStringAttr(join(run, "+")));
    fused->setAttr(kDispatchDeviceAttr, builder.getStringAttr("accel"));
    fused->setAttr(kFusedLayersAttr,
                   builder.getStrArrayAttr(llvm::to_vector(llvm::map_range(
                       run, [](const DenseDispatch &d) { return StringRef(d.name); }))));
    uint64_t apartBytes = 0;
    for (const DenseDispatch &d : run) {
      ChainCost cost;
      (void)costOf(cfg, shapeOf(d), &cost);
      apartBytes += cost.dramBytes;
    }
    sim::DenseChainTiling tiling;
    (void)sim::planDenseChain(cfg, shapeOf(run), &tiling);
    std::string note =
        "fused " + join(run, " -> ") + " into one program: the intermediate activations stay in the "
        "scratchpad (" + std::to_string(tiling.intermediateRows) + " rows per block of " +
        std::to_string(tiling.blockRows) + " rows, " + std::to_string(tiling.blocks) +
        (tiling.blocks == 1 ? " block" : " blocks") + "); DRAM " + std::to_string(fusedBytes) +
        " bytes instead of " + std::to_string(apartBytes) + " unfused";
    fused->setAttr(kFusionAttr, StringAttr::get(context, note));
    symbols.insert(fused);

    Block *body = fused.addEntryBlock();
    builder.setInsertionPointToStart(body);
    llvm::DenseMap<Value, BlockArgument> argumentOf;
    for (auto [operand, argument] : llvm::zip(operands, body->getArguments()))
      argumentOf[operand] = argument;
    Value previous;
    for (DenseDispatch d : run) {
      IRMapping mapping;
      for (auto [operand, argument] :
           llvm::zip(d.call.getOperands(), d.callee.getArguments())) {
        bool chained = previous && argument.getArgNumber() == *d.lhsOperand;
        mapping.map(argument, chained ? previous : Value(argumentOf.lookup(operand)));
      }
      for (Operation &op : d.callee.getBody().front().without_terminator())
        builder.clone(op, mapping);
      previous = mapping.lookup(d.matmul.getResult());
    }
    func::ReturnOp::create(builder, last.getLoc(), previous);

    builder.setInsertionPoint(last);
    auto call = func::CallOp::create(builder, last.getLoc(), fused, operands.getArrayRef());
    last.getResult(0).replaceAllUsesWith(call.getResult(0));
    for (DenseDispatch d : llvm::reverse(run)) {
      d.call.erase();
      if (SymbolTable::symbolKnownUseEmpty(d.callee, getOperation()))
        symbols.erase(d.callee);
    }
    report.push_back(join(run, " + ") + ": " + note);
    for (size_t i = 1; i < run.size(); ++i)
      report.push_back(run[i].name + ": fused with " + run[i - 1].name);
  }

  sim::HwConfig cfg;
  std::vector<std::string> report;
};

} // namespace
} // namespace systolic::accel
