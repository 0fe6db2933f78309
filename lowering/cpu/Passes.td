//===- Passes.td - CPU code generation passes -------------*- tablegen -*-===//
#ifndef SYSTOLIC_LOWERING_CPU_PASSES_TD
#define SYSTOLIC_LOWERING_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPUTileAndVectorize
    : Pass<"systolic-cpu-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops on tensors for the host's vector registers "
                "and vectorize the tiles";
  let description = [{
    Runs on linalg ops with static shapes, before bufferization. Tensor
    arguments of public functions (the runtime's buffers) are marked
    `bufferization.writable = false` so that results never overwrite them.

    * `tensor.pad` becomes `linalg.fill` + `linalg.copy` into the interior, so
      that both are vectorized like any elementwise op.
    * Contractions (`linalg.matmul`, `batch_matmul`, and any op with the
      contraction interface) are tiled to an `m x n` register tile of the
      result (n a multiple of the vector width), reduction step `k`, loops
      ordered n, m, k, and vectorized to `vector.contract`.
    * Convolutions (any op with the convolution interface, e.g. the NCHW
      `conv_2d_nchw_fchw` produced from ONNX) are tiled so that each tile is
      one output-channel block times one row block of the innermost output
      dimension, with every reduction loop (input channels, filter window)
      stepping by one. Each tile is then a matmul with k = 1 on rank-reduced
      slices and takes the contraction path.
    * Every other linalg op is tiled to rows of at most four vectors along
      its innermost loop and vectorized.

    Tile sizes come from the register file: the register tile maximises
    FMAs per load subject to the accumulators fitting the vector registers.
    Dimensions the tile does not divide are split first, so every tile keeps
    a static shape. With `threads` > 1, the outermost parallel dimension that
    divides evenly is distributed over an `scf.forall` first, for ops with at
    least `min-parallel-iterations` points in their iteration space (smaller
    ones are slower split than on one thread).
    Ops that cannot be vectorized stay as tiled linalg ops (lowered to loops
    later), so the pass never fails on valid input.
  }];
  let options = [
    Option<"targetCpu", "target-cpu", "std::string", /*default=*/"",
           "CPU whose vector unit the tiles are sized for (default: host)">,
    Option<"targetFeatures", "target-features", "std::string",
           /*default=*/"", "Features added to the CPU's, e.g. -avx512f">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Override the width of one vector register in bits">,
    Option<"numVectorRegisters", "vector-registers", "unsigned",
           /*default=*/"0", "Override the number of vector registers">,
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads to distribute the outermost parallel loop over">,
    Option<"minParallelIterations", "min-parallel-iterations", "int64_t",
           /*default=*/"1048576",
           "Smallest iteration space distributed over threads">,
    Option<"l1CacheBytes", "l1-cache-bytes", "int64_t", /*default=*/"0",
           "Override the L1 data cache size the cache blocks are sized for">,
    Option<"l2CacheBytes", "l2-cache-bytes", "int64_t", /*default=*/"0",
           "Override the L2 cache size the cache blocks are sized for">,
    Option<"l3CacheBytes", "l3-cache-bytes", "int64_t", /*default=*/"0",
           "Override the share of the last-level cache the cache blocks "
           "are sized for">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def CPULowerVectors
    : Pass<"systolic-cpu-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Keep accumulators in registers and lower vector ops to the "
                "forms the LLVM lowering maps to FMAs";
  let description = [{
    Runs after bufferization. Folds `memref.subview` into vector transfers,
    CSEs their indices, hoists loop-invariant code, and hoists the
    read/write pair of each accumulator out of its reduction loops (so the C
    tile of a matmul stays in registers across k). Then lowers
    `vector.contract` to outer products (one broadcast + FMA per row),
    transfers to rank 1, and multi-dimensional reductions, transposes and
    broadcasts to rank-1 operations. A `memref.copy` between strided
    buffers becomes a `linalg.copy` (lowered to loops) instead of a call
    into the MLIR runner library, which the shared object does not link.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def CPUEmitEntryPoints
    : Pass<"systolic-cpu-emit-entry-points", "::mlir::ModuleOp"> {
  let summary = "Wrap each public function in the CPU executable ABI";
  let description = [{
    After bufferization (results turned into out-parameters), every public
    `func.func` taking only statically shaped memrefs is renamed
    `__systolic_impl_<name>` and made private, and a new public function
    `<name>(%bindings: !llvm.ptr)` is created: it loads the i-th bound
    buffer pointer from `bindings[i]`, builds a row-major descriptor of the
    static shape around it and calls the implementation. After lowering to
    LLVM this is `extern "C" void <name>(void **bindings)`.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::func::FuncDialect"
  ];
}

def CPUExpandBF16 : Pass<"systolic-cpu-expand-bf16"> {
  let summary = "Turn f32 <-> bf16 conversions into integer operations";
  let description = [{
    `arith.extf` from and `arith.truncf` to bf16 (scalar or vector) become
    shifts, masks and a round-to-nearest-even add (MLIR's bf16 expansion
    patterns, nothing else of `arith-expand`). LLVM would otherwise call
    compiler-rt's `__truncsfbf2`, which the CPU executable does not link.
    Run after bf16 arithmetic has been moved to f32
    (`arith-emulate-unsupported-floats`, `math-extend-to-supported-types`).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // SYSTOLIC_LOWERING_CPU_PASSES_TD
