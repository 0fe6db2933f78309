// --target=accel on a model written in the systolic dialect (no quantization
// step needed): the accel executable's report, the programs, and precise
// errors for configurations the layers cannot use.
// RUN: systolic-compile %S/conv-matmul.model --target=accel --accel-config=8x8 --emit=accel | FileCheck %s
// RUN: systolic-compile %S/conv-matmul.model --target=accel --accel-config=4x4 --emit=accel-asm | FileCheck %s --check-prefix=ASM
// RUN: systolic-compile %S/conv-matmul.model --target=accel --emit=plan | FileCheck %s --check-prefix=PLAN
// RUN: not systolic-compile %S/conv-matmul.model --target=accel --accel-config=8x8,dataflows=os --emit=accel 2>&1 | FileCheck %s --check-prefix=OSONLY
// RUN: not systolic-compile %S/conv-matmul.model --target=accel --accel-config=8x8,foo=1 --emit=accel 2>&1 | FileCheck %s --check-prefix=BADKEY
// RUN: not systolic-compile %S/conv-matmul.model --accel-config=8x8 --emit=plan 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not systolic-compile %S/conv-matmul.model --emit=accel 2>&1 | FileCheck %s --check-prefix=EMITCPU

// CHECK: accel executable (systolic-accel-v1)
// CHECK-NEXT: hardware: 8x8 array, scratchpad 8192 rows in 4 banks, accumulator 2048 rows in 2 banks, queues 16, DRAM 67108864 B at 16 B/cycle, latency 64, dataflows ws+os
// CHECK-NEXT: dram: 1088 bytes used
// CHECK-NEXT: entry point d1_conv2d_conv1: conv2d M=16 K=36 N=8
// CHECK-NEXT: macs 4608 (programs 4608), ideal 190 cycles (SCALE-Sim ws), estimated {{[0-9]+}} cycles
// CHECK-NEXT: dataflow ws: convolutions stream the NHWC input through implicit-im2col DMAs
// The weight (288 elements) is a plan constant: a binding, like the input.
// CHECK-NEXT: binding 0 (operand 0): 0x180, 256 bytes
// CHECK-NEXT: binding 1 (operand 1): 0x280, 288 bytes
// CHECK-NEXT: binding 2 (result): 0x3c0, 128 bytes
// CHECK-NEXT: constant params: 0x0, 96 bytes
// CHECK-NEXT: program 0: {{[0-9]+}} instructions
// CHECK-NEXT: entry point d3_matmul_fc: matmul M=16 K=8 N=10
// CHECK-NEXT: macs 1280 (programs 1280), ideal 76 cycles (SCALE-Sim ws)
// CHECK-NEXT: dataflow ws: cost model: ws ~{{[0-9]+}} cycles; os: not applicable, the lhs is produced at run time as M x K row-major and output-stationary needs it transposed (K x M) in DRAM
// Every entry point's bindings start at the same scratch address.
// CHECK-NEXT: binding 0 (operand 0): 0x180, 128 bytes
// CHECK-NEXT: binding 1 (result): 0x200, 160 bytes
// CHECK-NEXT: constant rhs: 0x80, 80 bytes
// CHECK-NEXT: constant params: 0x100, 120 bytes

// ASM: hardware: 4x4 array
// ASM: entry point d1_conv2d_conv1
// ASM: program 0:
// ASM-NEXT: load
// ASM: matmul df=ws
// ASM: output act=relu
// ASM: store
// ASM: entry point d3_matmul_fc

// PLAN: dispatch {{.*}}conv1{{.*}} on accel
// PLAN: dispatch {{.*}}fc{{.*}} on accel

// OSONLY: error: loc("conv1"): cannot run systolic.conv2d on a configuration without the weight-stationary dataflow: the kernel library builds convolutions for weight-stationary only (--accel-config=...,dataflows=ws+os)

// BADKEY: error: invalid --accel-config '8x8,foo=1': unknown key 'foo'
// NOTARGET: error: --accel-config needs --target=accel
// EMITCPU: error: --emit=accel and --emit=accel-asm need --target=accel
