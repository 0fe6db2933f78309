// RUN: systolic-opt %s -split-input-file -systolic-quantize=report-placement 2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: systolic-opt %s -split-input-file -systolic-quantize="report-placement accel-config=2x2,sp-rows=256" 2>&1 >/dev/null | FileCheck %s --check-prefix=SMALL

// A bidirectional LSTM runs on the array: x is quantized with its calibration
// range, Y comes back at the fixed state scale 1/128 (zero point 0), and Y_h
// is sliced from Y's int8 twin (direction 0's last step, direction 1's first).
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = systolic.quantize %arg0 {scale = 0.00784313{{[0-9]*}} : f64, zero_point = -1 : i64}
// CHECK: %[[L:.*]] = systolic.lstm %[[X]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {cell_shift = 9 : i64} : (tensor<3x1x2xi8>, tensor<2x2x16xi8>, tensor<2x4x16xi8>, tensor<2x3x16xi32>, tensor<256xi8>, tensor<256xi8>) -> tensor<3x2x1x4xi8>
// CHECK: systolic.dequantize %[[L]] {scale = 7.812500e-03 : f64, zero_point = 0 : i64} : tensor<3x2x1x4xi8> -> tensor<3x2x1x4xf32>
// CHECK-DAG: nn.slice %[[L]] {axes = array<i64: 0, 1>, ends = array<i64: 3, 1>, starts = array<i64: 2, 0>, steps = array<i64: 1, 1>}
// CHECK-DAG: nn.slice %[[L]] {axes = array<i64: 0, 1>, ends = array<i64: 1, 2>, starts = array<i64: 0, 1>, steps = array<i64: 1, 1>}
// CHECK: %[[YH:.*]] = nn.concat
// CHECK: systolic.dequantize %[[YH]] {scale = 7.812500e-03 : f64, zero_point = 0 : i64} : tensor<2x1x4xi8> -> tensor<2x1x4xf32>
// CHECK-NOT: nn.lstm
// REPORT: placement of @main: 1 ops on accel, 0 on cpu
// REPORT-NEXT: accel  nn.lstm "lstm": systolic.lstm
// SMALL: placement of @main: 0 ops on accel, 1 on cpu
// SMALL-NEXT: cpu  nn.lstm "lstm": it does not fit the configuration (lstm: input 2 and hidden 4 need {{[0-9]+}} scratchpad rows even with the weights streamed (two slots of one gate tile's 6 weight rows) and one batch row of state; the scratchpad has 256)
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>})
    -> (tensor<3x2x1x4xf32>, tensor<2x1x4xf32>) {
  %w = arith.constant dense<0.25> : tensor<2x16x2xf32>
  %r = arith.constant dense<-0.5> : tensor<2x16x4xf32>
  %b = arith.constant dense<0.125> : tensor<2x32xf32>
  %y, %yh, %yc = nn.lstm %x, %w, %r bias(%b) {hidden_size = 4 : i64,
      direction = #nn.direction<bidirectional>}
      : (tensor<3x1x2xf32>, tensor<2x16x2xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>)
      -> (tensor<3x2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>) loc("lstm")
  return %y, %yh : tensor<3x2x1x4xf32>, tensor<2x1x4xf32>
}

// -----

// What the array does not compute keeps the LSTM on the CPU, with the reason.
// REPORT: placement of @main: 0 ops on accel, 1 on cpu
// REPORT-NEXT: cpu  nn.lstm "clipped": clipped gate pre-activations (clip) are not mapped to the array
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<3x1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x16x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x16x4xf32>
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64, clip = 1.0 : f32}
      : (tensor<3x1x2xf32>, tensor<1x16x2xf32>, tensor<1x16x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>) loc("clipped")
  return %y : tensor<3x1x1x4xf32>
}

// -----

// REPORT: placement of @main: 0 ops on accel, 1 on cpu
// REPORT-NEXT: cpu  nn.lstm "cell": its cell-state output Y_c is used; the array keeps the cell state in int32 on chip and returns only h
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x16x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x16x4xf32>
  %y, %yh, %yc = nn.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<3x1x2xf32>, tensor<1x16x2xf32>, tensor<1x16x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>) loc("cell")
  return %yc : tensor<1x1x4xf32>
}

// -----

// A reverse LSTM whose zero initial state is spelled out still runs on the
// array; Y_h is Y's first step.
// CHECK-LABEL: func.func @main
// CHECK: %[[L:.*]] = systolic.lstm {{.*}} {cell_shift = 9 : i64, reverse}
// CHECK: nn.slice %[[L]] {axes = array<i64: 0, 1>, ends = array<i64: 1, 1>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>}
// REPORT: placement of @main: 1 ops on accel, 0 on cpu
// REPORT: placement of @main: 0 ops on accel, 1 on cpu
// REPORT-NEXT: cpu  nn.lstm "initial": a non-zero initial state (initial_h, initial_c) is not mapped: the array's recurrence starts from zero
func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x16x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x16x4xf32>
  %h = arith.constant dense<0.0> : tensor<1x1x4xf32>
  %y, %yh, %yc = nn.lstm %x, %w, %r initial_h(%h) initial_c(%h) {hidden_size = 4 : i64,
      direction = #nn.direction<reverse>}
      : (tensor<3x1x2xf32>, tensor<1x16x2xf32>, tensor<1x16x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return %yh : tensor<1x1x4xf32>
}

// -----

func.func @main(%x: tensor<3x1x2xf32> {systolic.calibration = array<f64: -1.0, 1.0>}) -> tensor<1x1x4xf32> {
  %w = arith.constant dense<0.25> : tensor<1x16x2xf32>
  %r = arith.constant dense<-0.5> : tensor<1x16x4xf32>
  %h = arith.constant dense<0.5> : tensor<1x1x4xf32>
  %y, %yh, %yc = nn.lstm %x, %w, %r initial_h(%h) {hidden_size = 4 : i64}
      : (tensor<3x1x2xf32>, tensor<1x16x2xf32>, tensor<1x16x4xf32>, tensor<1x1x4xf32>)
      -> (tensor<3x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>) loc("initial")
  return %yh : tensor<1x1x4xf32>
}
