# lit configuration for the Systolic FileCheck suites.
import os

import lit.formats

config.name = "Systolic"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.systolic_obj_root, "test")
# Python suites and gtest sources live beside the lit tests but are not lit tests.
config.excludes = ["python", "unit", "hw", "sim", "lit.cfg.py", "CMakeLists.txt", "expect-exit.py"]

# Tools come from the build tree first, then LLVM 22's FileCheck/not/count.
config.environment["PATH"] = os.pathsep.join(
    [config.systolic_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
config.substitutions.append(("%python", config.python_executable or "python3"))
config.substitutions.append(("%src_root", config.systolic_src_root))
