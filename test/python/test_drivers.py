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


COMPARE = """
func.func @main(%a: tensor<3x37xf32> {nn.name = "a"}, %b: tensor<3x37xf32> {nn.name = "b"}) -> (tensor<3x37xi1> {nn.name = "c"}) {
  %0 = nn.compare %a, %b {predicate = #nn.predicate<lt>} : tensor<3x37xf32>, tensor<3x37xf32> -> tensor<3x37xi1>
  return %0 : tensor<3x37xi1>
}
"""


def test_boolean_outputs_hold_one_byte_per_element(tmp_path):
    # Vectors of i1 are bit-packed by LLVM; the runtime's bool is a byte.
    import numpy as np

    model = tmp_path / "compare.mlir"
    model.write_text(COMPARE)
    sysm = tmp_path / "compare.sysm"
    systolic.compile_model(model, "-o", sysm)
    rng = np.random.default_rng(7)
    a, b = (rng.standard_normal((3, 37)).astype(np.float32) for _ in range(2))
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    systolic.run_tool("systolic-run", f"--module={sysm}", f"--input=@{tmp_path / 'a.npy'}",
                      f"--input=@{tmp_path / 'b.npy'}", f"--output=@{tmp_path / 'c.npy'}")
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), a < b)
