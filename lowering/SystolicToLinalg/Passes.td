//===- Passes.td - systolic layer ops to linalg ------------*- tablegen -*-===//
#ifndef SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PASSES_TD
#define SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSystolicToLinalg : Pass<"convert-systolic-to-linalg"> {
  let summary = "Lower the systolic layer ops to linalg: the bit-exact CPU "
                "int8 reference";
  let description = [{
    Rewrites the quantized layer ops of the `systolic` dialect
    (`quantize`, `dequantize`, `conv2d`, `matmul`, `scaled_add`) into
    destination-style linalg on tensors with exactly the integer semantics
    documented in SystolicOps.td (and, for the output path, docs/isa.md
    OUTPUT):

    * `conv2d`: `tensor.pad` with int8 zeros, then `linalg.conv_2d_nhwc_hwcf`
      with int8 operands sign-extended into a zero-filled int32 accumulator
      (wrapping adds), then the output path.
    * `matmul`: `linalg.matmul` i8 x i8 -> i32, then the output path.
    * `scaled_add`: one `linalg.generic` computing
      `lhs_weight * lhs + rhs_weight * rhs` in int32 followed by the output
      path.
    * The output path is one `linalg.generic`: wrapping int32 bias add, int64
      product with the multiplier, the rounding shift
      `s == 0 ? p : ((p >> (s-1)) + 1) >> 1` (arithmetic shifts,
      `s = shift & 63`), the zero point, int8 saturation and
      relu / relu6 / lookup table (`tensor.extract` at `uint8(v)`).
    * `quantize`: `round_half_to_even(x / f32(scale))` in f32, NaN -> 0,
      plus the zero point, saturated to int8. `dequantize`:
      `f32(q - zero_point) * f32(scale)`.

    ISA ops (`systolic.program`) are left alone. The CPU code generation
    pipeline runs this pass first, so dispatches holding layer ops compile
    for the host.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // SYSTOLIC_LOWERING_SYSTOLICTOLINALG_PASSES_TD
