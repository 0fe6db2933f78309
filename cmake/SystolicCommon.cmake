# Shared settings for every target that uses MLIR/LLVM.

# The generated headers live in the build tree, mirroring the source layout, so
# `#include "dialects/nn/NNOps.h.inc"` works from both trees.
set(SYSTOLIC_INCLUDE_DIRS ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
# mlir-tblgen takes its include path from the directory property.
include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
include_directories(${SYSTOLIC_INCLUDE_DIRS})

add_library(systolic_mlir_deps INTERFACE)
separate_arguments(_llvm_defs NATIVE_COMMAND "${LLVM_DEFINITIONS}")
target_compile_options(systolic_mlir_deps INTERFACE ${_llvm_defs})
target_link_libraries(systolic_mlir_deps INTERFACE MLIR LLVM)

# systolic_add_library(name SOURCES... [DEPENDS tblgen-targets...] [LINK libs...])
function(systolic_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC systolic_mlir_deps ${ARG_LINK})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
endfunction()

# systolic_add_tool(name SOURCES... LINK libs...)
function(systolic_add_tool name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE systolic_mlir_deps ${ARG_LINK})
  target_compile_definitions(${name} PRIVATE SYSTOLIC_VERSION="${PROJECT_VERSION}")
endfunction()

# systolic_add_unittest(name SOURCES... LINK libs...): one gtest binary per
# component, discovered by ctest with the "unit." prefix.
function(systolic_add_unittest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} GTest::gtest_main)
  gtest_discover_tests(${name} TEST_PREFIX "unit." DISCOVERY_TIMEOUT 60)
endfunction()
