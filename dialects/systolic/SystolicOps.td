//===- SystolicOps.td - Quantized layer ops ----------------*- tablegen -*-===//
//
// Layer ops: what one accelerator dispatch computes, on int8 tensors, with the
// output path's integer semantics spelled out (docs/isa.md, OUTPUT). They are
// produced by `systolic-quantize` from nn ops and calibration ranges, lowered
// to ISA programs for the accelerator and to linalg for the bit-exact CPU
// reference.
//
// The output path shared by conv2d, matmul and scaled_add: for accumulator
// value x in output channel j, with bias = params[0][j], mult = params[1][j],
// s = params[2][j] & 63:
//   x' = x + bias (wrapping int32);  p = int64(x') * int64(mult)
//   q  = s == 0 ? p : ((p >> (s - 1)) + 1) >> 1      (arithmetic shifts)
//   v  = saturate_int8(q + output_zero_point)
//   relu: max(v, zp)   relu6: min(max(v, zp), clamp_max)   lut: lut[uint8(v)]
//
//===----------------------------------------------------------------------===//

#ifndef SYSTOLIC_SYSTOLIC_OPS_TD
#define SYSTOLIC_SYSTOLIC_OPS_TD

include "dialects/systolic/SystolicBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Systolic_QuantizeOp : Systolic_Op<"quantize", [Pure,
    SameOperandsAndResultShape]> {
  let summary = "f32 -> int8 with an affine (scale, zero point) mapping";
  let description = [{
    `q = saturate_int8(round_half_to_even(x / scale) + zero_point)`.
  }];
  let arguments = (ins Systolic_F32Tensor:$input, F64Attr:$scale,
                       I64Attr:$zero_point);
  let results = (outs Systolic_I8Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Systolic_DequantizeOp : Systolic_Op<"dequantize", [Pure,
    SameOperandsAndResultShape]> {
  let summary = "int8 -> f32: (q - zero_point) * scale";
  let arguments = (ins Systolic_I8Tensor:$input, F64Attr:$scale,
                       I64Attr:$zero_point);
  let results = (outs Systolic_F32Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

// Operands and attributes of the output path, shared by the compute layers.
class Systolic_OutputPathOp<string mnemonic, dag computeArgs>
    : Systolic_Op<mnemonic, [Pure]> {
  let arguments = !con(computeArgs, (ins
      Systolic_I32Tensor:$params, Optional<Systolic_I8Tensor>:$lut,
      I64Attr:$output_zero_point, Systolic_ActivationAttr:$activation,
      DefaultValuedAttr<I64Attr, "127">:$clamp_max));
  let results = (outs Systolic_I8Tensor:$result);
  let hasVerifier = 1;
}

def Systolic_Conv2DOp : Systolic_OutputPathOp<"conv2d", (ins
    Systolic_I8Tensor:$input, Systolic_I8Tensor:$weight,
    DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
    DenseI64ArrayAttr:$dilations, I64Attr:$input_zero_point,
    DefaultValuedAttr<I64Attr, "1">:$group,
    DefaultValuedAttr<I64Attr, "1">:$diagonal_blocks)> {
  let summary = "int8 2-D convolution, NHWC, through the output path";
  let description = [{
    `input` is [N, H, W, C] int8, `weight` is [KH, KW, C/group, F] int8,
    `params` is [3, F] int32 (bias, multiplier, shift), `lut` (when
    `activation` is `lut`) is [256] int8. `strides` and `dilations` are
    [h, w], `pads` is [top, left, bottom, right]. With `group` G, output
    channel f belongs to group g = f / (F/G) and reads input channels
    g*C/G + c. `diagonal_blocks` B > 1 says that each group's weights are
    B diagonal blocks (B original groups merged into one, zero elsewhere):
    the result does not depend on it, reports count the MACs of the blocks
    only. The accumulator is
    `sum in[n, oh*sh + kh*dh - top, ow*sw + kw*dw - left, g*C/G + c] * w[kh, kw, c, f]`
    with padding elements equal to 0 (the DMA pads with zeros, so a padded
    convolution needs `input_zero_point` 0; the zero point's correction of
    the unpadded sum is already folded into the bias). The result is
    [N, OH, OW, F] int8 through the output path.
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $params (`lut` $lut^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Systolic_MatMulOp : Systolic_OutputPathOp<"matmul", (ins
    Systolic_I8Tensor:$lhs, Systolic_I8Tensor:$rhs)> {
  let summary = "int8 [M, K] x [K, N] through the output path";
  let description = [{
    `params` is [3, N] int32. The accumulator is `sum_k lhs[m, k] * rhs[k, n]`
    (int32, wrapping).
  }];
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $params (`lut` $lut^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Systolic_ScaledAddOp : Systolic_OutputPathOp<"scaled_add", (ins
    Systolic_I8Tensor:$lhs, Systolic_I8Tensor:$rhs, I64Attr:$lhs_weight,
    I64Attr:$rhs_weight)> {
  let summary = "elementwise lhs_weight * lhs + rhs_weight * rhs through the "
                "output path";
  let description = [{
    Residual add of two int8 tensors of the same shape whose last dimension is
    the channel `C`; `params` is [3, C]. The accumulator is
    `lhs_weight * lhs + rhs_weight * rhs` (int8 weights), so operands with
    different scales are rescaled exactly once, in the output path.
  }];
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $params (`lut` $lut^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Systolic_MaxPoolOp : Systolic_Op<"max_pool", [Pure]> {
  let summary = "int8 2-D max pooling, NHWC";
  let description = [{
    `input` is [N, H, W, C] int8. `kernel_shape`, `strides` and `dilations`
    are [h, w], `pads` is [top, left, bottom, right] (each pad smaller than
    its kernel extent). The result is [N, OH, OW, C] with
    `out[n, oh, ow, c] = max in[n, oh*sh + kh*dh - top, ow*sw + kw*dw - left, c]`
    over the taps that lie inside the input: padding never takes part (it
    acts as -128, the identity of int8 max). OH = floor((H + top + bottom -
    dh*(KH-1) - 1) / sh) + 1, or with `ceil_mode` the ceiling, less one when
    the last window would start in the bottom padding (likewise OW). There is
    no output path: max commutes with the monotone affine quantization, so
    the result has the input's scale and zero point.
  }];
  let arguments = (ins Systolic_I8Tensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs Systolic_I8Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Systolic_LstmOp : Systolic_Op<"lstm", [Pure]> {
  let summary = "int8 LSTM over a whole sequence (gate GEMMs on the array)";
  let description = [{
    `x` is [T, B, I] int8, `wx` [D, I, 4H] and `wh` [D, H, 4H] int8 (column
    `g*H + j` is unit j of gate g, ONNX order i, o, f, c), `params` [D, 3, 4H]
    int32 (bias, multiplier, shift of each gate column), `sigmoid` and `tanh`
    [256] int8 tables. D is 1, or 2 for a bidirectional layer whose direction
    0 runs forward and direction 1 backward; with D = 1, `reverse` runs the
    single direction backward. The result is [T, D, B, H].

    Per direction, batch row and step t (in the direction's order), with h
    and c starting at 0 (the output path's requantization `requant`, zero
    point 0):
      pre[j]  = sum_i x[t, b, i] * wx[d, i, j] + sum_k h[k] * wh[d, k, j]  (int32)
      gate[j] = table[uint8(requant(pre[j], params[d, :, j]))]
                (`tanh` for the cell gate c, `sigmoid` for i, o, f)
      c[j]    = ((f[j] * c[j]) >> 7) + i[j] * g[j]      (int32, wrapping;
                the product is formed in int64 and its low 32 bits kept)
      th[j]   = tanh[uint8(requant(c[j], bias 0, multiplier 1, cell_shift))]
      h[j]    = requant(o[j] * th[j], bias 0, multiplier 1, shift 7)
      result[t, d, b, :] = h
    The tables produce q/128, so h has the scale 1/128 and zero point 0; the
    input zero point's correction is folded into the gate biases.
  }];
  let arguments = (ins Systolic_I8Tensor:$x, Systolic_I8Tensor:$wx,
                       Systolic_I8Tensor:$wh, Systolic_I32Tensor:$params,
                       Systolic_I8Tensor:$sigmoid, Systolic_I8Tensor:$tanh,
                       I64Attr:$cell_shift, UnitAttr:$reverse);
  let results = (outs Systolic_I8Tensor:$result);
  let assemblyFormat = [{
    $x `,` $wx `,` $wh `,` $params `,` $sigmoid `,` $tanh attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Systolic_GruOp : Systolic_Op<"gru", [Pure]> {
  let summary = "int8 GRU over a whole sequence (gate GEMMs on the array)";
  let description = [{
    `x` is [T, B, I] int8, `wx` [D, I, 3H] and `wh` [D, H, 3H] int8 (column
    `g*H + j` is unit j of gate g, ONNX order z, r, n), `params` [D, 3, 3H]
    int32 (bias, multiplier, shift of each gate column), `sigmoid` and `tanh`
    [256] int8 tables; with `linear_before_reset`, `h_bias` [D, H] int32 is
    the n gate's recurrent bias in accumulator units (without it, that bias
    is folded into `params`). D and `reverse` as for systolic.lstm. The
    result is [T, D, B, H].

    Per direction, batch row and step t (in the direction's order), with h
    starting at 0 (`requant` is the output path, zero point 0; products of
    int32 values are formed in int64 and their low 32 bits kept; int32 sums
    wrap):
      z[j]   = sigmoid[uint8(requant(x·wx[d, :, j] + h·wh[d, :, j], params[d, :, j]))]
      r[j]   = likewise with column H + j
      linear_before_reset:
        pre[j] = x·wx[d, :, 2H+j] + ((r[j] * (h·wh[d, :, 2H+j] + h_bias[d, j])) >> 7)
      otherwise:
        rh[k]  = requant(r[k] * h[k], bias 0, multiplier 1, shift 7)
        pre[j] = x·wx[d, :, 2H+j] + rh·wh[d, :, 2H+j]
      n[j]   = tanh[uint8(requant(pre[j], params[d, :, 2H+j]))]
      h[j]   = requant(128 * n[j] + z[j] * (h[j] - n[j]), bias 0, multiplier 1, shift 7)
      result[t, d, b, :] = h
    The tables produce q/128, so h has the scale 1/128 and zero point 0.
  }];
  let arguments = (ins Systolic_I8Tensor:$x, Systolic_I8Tensor:$wx,
                       Systolic_I8Tensor:$wh, Systolic_I32Tensor:$params,
                       Systolic_I8Tensor:$sigmoid, Systolic_I8Tensor:$tanh,
                       Optional<Systolic_I32Tensor>:$h_bias,
                       UnitAttr:$linear_before_reset, UnitAttr:$reverse);
  let results = (outs Systolic_I8Tensor:$result);
  let assemblyFormat = [{
    $x `,` $wx `,` $wh `,` $params `,` $sigmoid `,` $tanh
    (`h_bias` $h_bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // SYSTOLIC_SYSTOLIC_OPS_TD
