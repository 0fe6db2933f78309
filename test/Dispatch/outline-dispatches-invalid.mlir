// RUN: systolic-opt %s -verify-diagnostics -systolic-outline-dispatches=entry=forward

// expected-error @below {{no entry function '@forward' to outline dispatches from}}
module {
  func.func @main() {
    return
  }
}
