//===- Passes.td - Partitioning the graph into dispatches ---*- tablegen -*-===//
#ifndef SYSTOLIC_LOWERING_DISPATCH_PASSES_TD
#define SYSTOLIC_LOWERING_DISPATCH_PASSES_TD

include "mlir/Pass/PassBase.td"

def OutlineDispatches : Pass<"systolic-outline-dispatches", "::mlir::ModuleOp"> {
  let summary = "Outline each graph op of the entry function into a dispatch function";
  let description = [{
    The runtime executes a model as a plan: an ordered list of dispatches,
    each a call of a compiled function on bound buffers. This pass makes that
    structure explicit in the IR: every `nn` op of the entry function moves
    into its own private function `@<index>_<name>` and is replaced by a
    `func.call`. Large constants stay in the entry function and are passed as
    arguments (the artifact stores them once, as constant buffers); small ones
    are cloned into the dispatch so they can fold into its code.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main\"",
           "Name of the function that holds the graph">,
    Option<"maxInlinedConstantElements", "max-inlined-constant-elements",
           "int64_t", /*default=*/"256",
           "Constants with at most this many elements are cloned into dispatches">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // SYSTOLIC_LOWERING_DISPATCH_PASSES_TD
