// RUN: systolic-opt %s -split-input-file -systolic-quantize=report-placement 2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: systolic-opt %s -split-input-file -systolic-quantize="report-placement accel-config=2x2,sp-rows=256" 2>&1 >/dev/null | FileCheck %s --check-prefix=SMALL

// A bidirectional GRU with linear_before_reset runs on the array: x is
// quantized with its calibration range, the n gate's recurrent bias becomes
// h_bias (accumulator units), Y comes back at the fixed state scale 1/128
// and Y_h is sliced from Y's int8 twin.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = systolic.quantize %arg0 {scale = 0.00784313{{[0-9]*}} : f64, zero_point = -1 : i64}
// CHECK: %[[HB:.*]] = arith.constant dense<{{.*}}> : tensor<2x4xi32>
// CHECK: %[[L:.*]] = systolic.gru %[[X]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} h_bias %[[HB]] {linear_before_reset} : (tensor<3x1x2xi8>, tensor<2x2x12xi8>, tensor<2x4x12xi8>, tensor<2x3x12xi32>, tensor<256xi8>, tensor<256xi8>, tensor<2x4xi32>) -> tensor<3x2x1x4xi8>
// CHECK: systolic.dequantize %[[L]] {scale = 7.812500e-03 : f64, zero_point = 0 : i64} : tensor<3x2x1x4xi8> -> tensor<3x2x1x4xf32>
// CHECK-DAG: nn.slice %[[L]] {axes = array<i64: 0, 1>, ends = array<i64: 3, 1>, starts = array<i64: 2, 0>, steps = array<i64: 1, 1>}
// CHECK-DAG: nn.slice %[[L]] {axes = array<i64: 0, 1>, ends = array<i64: 1, 2>, starts = array<i64: 0, 1>, steps = array<i64: 1, 1>}
// CHECK: %[[YH:.*]] = nn.concat
// CHECK: systolic.dequantize %[[YH]] {scale = 7.812500e-03 : f64, zero_point = 0 : i64} : tensor<2x1x4xi8> -> tensor<2x1x4xf32>
// CHECK-NOT: nn.gru
// REPORT: placement of @main: 1 ops on accel, 0 on cpu
// REPORT-NEXT: accel  nn.gru "gru": systolic.gru
// SMALL: placement of @main: 0 ops on accel, 1 on cpu
// SMALL-NEXT: cpu  nn.gru "gru": it does not fit the configuration (gru: input 2 and hidden 4 need {{[0-9]+}} scratchpad rows even with the weights streamed (two slots of one gate tile's 6 weight rows) and one batch row of state; the scratchpad has 256)
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<3x2x1x4xf32>, tensor<2x1x4xf32>) {
  %w = arith.constant dense<0.25> : tensor<2x12x2xf32>
  %r = arith.constant dense<-0.5> : tensor<2x12x4xf32>
  %b = arith.constant dense<0.125> : tensor<2x24xf32>
  %y, %yh = nn.gru %x, %w, %r bias(%b) {hidden_size = 4 : i64, linear_before_reset = true,
      direction = #nn.direction<bidirectional>}
      : (tensor<3x1x2xf32>, tensor<2x12x2xf32>, tensor<2x12x4xf32>, tensor<2x24xf32>)
      -> (tensor<3x2x1x4xf32>, tensor<2x1x4xf32>) loc("gru")
  return %y, %yh : tensor<3x2x1x4xf32>, tensor<2x1x4xf32>
}

// -----

// Without linear_before_reset every bias is the output path's: no h_bias.
// A reverse GRU whose zero initial state is spelled out still runs on the
// array; Y_h is Y's first step.
// CHECK-LABEL: func.func @main
// CHECK: %[[L:.*]] = systolic.gru %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} {reverse} :
// CHECK: nn.slice %[[L]] {axes = array<i64: 0, 1>, ends = array<i64: 1, 1>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>}
// REPORT: placement of @main: 1 ops on accel, 0 on cpu
// REPORT-NEXT: accel  nn.gru "reverse": systolic.gru
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x12x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x12x4xf32>
  %b = arith.constant dense<0.125> : tensor<1x24xf32>
  %h = arith.constant dense<0.0> : tensor<1x1x4xf32>
  %y, %yh = nn.gru %x, %w, %r bias(%b) initial_h(%h) {hidden_size = 4 : i64,
      direction = #nn.direction<reverse>}
      : (tensor<3x1x2xf32>, tensor<1x12x2xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>, tensor<1x1x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>) loc("reverse")
  return %yh : tensor<1x1x4xf32>
}

// -----

// What the array does not compute keeps the GRU on the CPU, with the reason.
// REPORT: placement of @main: 0 ops on accel, 1 on cpu
// REPORT-NEXT: cpu  nn.gru "clipped": clipped gate pre-activations (clip) are not mapped to the array
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<3x1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x12x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x12x4xf32>
  %y, %yh = nn.gru %x, %w, %r {hidden_size = 4 : i64, clip = 1.0 : f32}
      : (tensor<3x1x2xf32>, tensor<1x12x2xf32>, tensor<1x12x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>) loc("clipped")
  return %y : tensor<3x1x1x4xf32>
}

// -----

// REPORT: placement of @main: 0 ops on accel, 1 on cpu
// REPORT-NEXT: cpu  nn.gru "initial": a non-zero initial state (initial_h) is not mapped: the array's recurrence starts from zero
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>},
                %h: tensor<1x1x4xf32>) -> tensor<1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x12x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x12x4xf32>
  %y, %yh = nn.gru %x, %w, %r initial_h(%h) {hidden_size = 4 : i64}
      : (tensor<3x1x2xf32>, tensor<1x12x2xf32>, tensor<1x12x4xf32>, tensor<1x1x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>) loc("initial")
  return %yh : tensor<1x1x4xf32>
}
