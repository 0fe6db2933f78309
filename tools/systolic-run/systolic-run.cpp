//===- systolic-run.cpp - Runs a compiled model on NumPy inputs -----------===//
//
//   systolic-run --module=model.sysm --input=@x.npy [--input=y=@y.npy ...]
//                [--output=@out.npy ...] [--device=cpu|accel|accel-golden]
//
// Inputs and outputs follow the model's signature order unless named. Outputs
// not written to a file are printed as a summary. Any bad input (wrong shape
// or dtype, missing input, unreadable file, corrupted artifact) gives one
// message and exit code 1.
//
//===----------------------------------------------------------------------===//
#include "runtime/Npy.h"
#include "runtime/driver/DriverSupport.h"
#include "tools/common/ToolSupport.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

// Not `using namespace llvm`: llvm::Expected would clash with the runtime's.
namespace cl = llvm::cl;
using llvm::errs;
using llvm::format;
using llvm::outs;
using namespace systolic;
using namespace systolic::runtime;

static cl::OptionCategory category("systolic-run options");
static cl::opt<std::string> modulePath("module", cl::desc("Compiled artifact (.sysm)"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::list<std::string>
    inputArgs("input", cl::desc("Input tensor: @file.npy (signature order) or name=@file.npy"),
              cl::value_desc("[name=]@file.npy"), cl::cat(category));
static cl::list<std::string>
    outputArgs("output", cl::desc("Write an output: @file.npy (signature order) or name=@file.npy"),
               cl::value_desc("[name=]@file.npy"), cl::cat(category));
static cl::list<std::string>
    deviceNames("device",
                cl::desc("Devices to run on, in order of preference; cpu is "
                         "always added for CPU dispatches (default: "
                         "accel-golden,cpu for artifacts with accel dispatches, "
                         "else cpu; --device=cpu runs accel dispatches' CPU "
                         "reference)"),
                cl::value_desc("name,..."), cl::CommaSeparated, cl::cat(category));
static cl::opt<bool> printTimings(
    "print-timings",
    cl::desc("Print each dispatch's time (and an accel dispatch's counters) "
             "after the run"),
    cl::cat(category));

static Status runModel() {
  Expected<std::shared_ptr<const Module>> module = Module::load(modulePath);
  if (!module)
    return module.status();
  const Module &m = **module;
  Expected<std::vector<std::string>> inputs =
      driver::assignFiles(inputArgs, m.inputs(), "--input");
  if (!inputs)
    return inputs.status();
  Expected<std::vector<std::string>> outputs =
      driver::assignFiles(outputArgs, m.outputs(), "--output");
  if (!outputs)
    return outputs.status();

  std::vector<std::string> names = driver::resolveDeviceNames(
      m, std::vector<std::string>(deviceNames.begin(), deviceNames.end()));
  Expected<std::vector<std::shared_ptr<Device>>> devices =
      driver::createDevices(DeviceRegistry::withBuiltinDevices(), names);
  if (!devices)
    return devices.status();
  Expected<std::unique_ptr<Session>> session = Session::create(*module, devices.take());
  if (!session)
    return session.status();
  if (Status s = driver::bindInputFiles(**session, *inputs); !s)
    return s;
  if (Status s = (*session)->run(); !s)
    return s;

  for (size_t i = 0; i < m.outputs().size(); ++i) {
    TensorView value = (*session)->output(i);
    const std::string &path = (*outputs)[i];
    if (!path.empty()) {
      if (Status s = writeNpyFile(path, value); !s)
        return s;
      continue;
    }
    outs() << "output " << i << " '" << m.outputs()[i].name
           << "': " << driver::summarize(value);
  }
  if (printTimings) {
    const auto &plan = m.artifact().dispatches();
    for (size_t d = 0; d < plan.size(); ++d) {
      outs() << "dispatch " << d << " '" << plan[d].name << "' on "
             << (*session)->dispatchDevice(d).name()
             << ((*session)->dispatchUsesReference(d) ? " (CPU reference)" : "")
             << ": " << format("%.3f", (*session)->dispatchNanoseconds()[d] / 1e3)
             << " us";
      const DeviceCounters &c = (*session)->dispatchCounters()[d];
      if (c.valid)
        outs() << "; " << driver::describeCounters(c);
      outs() << "\n";
    }
  }
  return Status::ok();
}

int main(int argc, char **argv) {
  systolic::parseToolCommandLine(argc, argv, "systolic-run",
                                 "Systolic runtime driver: runs a compiled model\n", category);
  Status status = runModel();
  if (!status) {
    errs() << "systolic-run: error: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
