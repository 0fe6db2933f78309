"""End-to-end checks of the compiler driver from Python."""
import pytest

import systolic

MAE_SUBGRAPH = """
func.func @l1(%p: tensor<16x3xf32>, %t: tensor<16x3xf32>) -> tensor<f32> {
  %0 = nn.sub %p, %t : tensor<16x3xf32>, tensor<16x3xf32> -> tensor<16x3xf32>
  %1 = nn.abs %0 : tensor<16x3xf32>
  %2 = nn.reduce_mean %1 {axes = array<i64>, keepdims = false} : tensor<16x3xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
"""


def test_compile_recognizes_l1_loss(tmp_path):
    model = tmp_path / "l1.mlir"
    model.write_text(MAE_SUBGRAPH)
    out = systolic.compile_model(model, "--emit=nn")
    assert "nn.mae_loss" in out
    assert "nn.reduce_mean" not in out


def test_malformed_input_reports_location_and_exit_code(tmp_path):
    model = tmp_path / "bad.mlir"
    model.write_text(MAE_SUBGRAPH.replace("nn.abs", "nn.abz"))
    with pytest.raises(systolic.ToolError) as info:
        systolic.compile_model(model, "--emit=nn")
    assert info.value.returncode == 1
    assert "bad.mlir:4:8: error: custom op 'nn.abz' is unknown" in info.value.stderr


def test_missing_input_file(tmp_path):
    with pytest.raises(systolic.ToolError) as info:
        systolic.compile_model(tmp_path / "absent.mlir", "--emit=nn")
    assert info.value.returncode == 1
    assert "cannot read" in info.value.stderr
