//===- DriverSupport.cpp - Shared code of systolic-run/-bench -------------===//
#include "runtime/driver/DriverSupport.h"
#include "runtime/Npy.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

namespace systolic::runtime::driver {

static std::string signatureNames(const std::vector<TensorSpec> &signature) {
  std::string out;
  for (const TensorSpec &t : signature)
    out += (out.empty() ? "" : ", ") + t.name;
  return out.empty() ? "(none)" : out;
}

Expected<std::vector<std::string>>
assignFiles(const std::vector<std::string> &values,
            const std::vector<TensorSpec> &signature, const std::string &flag) {
  auto invalid = [](const std::string &message) {
    return Status(StatusCode::InvalidArgument, message);
  };
  const std::string what = flag == "--input" ? "input" : "output";
  std::vector<std::string> paths(signature.size());
  std::vector<std::string> positional;
  for (const std::string &value : values) {
    size_t at = value.find('@');
    if (at == std::string::npos || (at > 0 && value[at - 1] != '=') ||
        at + 1 == value.size())
      return invalid(flag + " value '" + value +
                     "' must be '@file.npy' or 'name=@file.npy'");
    if (at == 0) {
      positional.push_back(value.substr(1));
      continue;
    }
    std::string name = value.substr(0, at - 1);
    size_t index = signature.size();
    for (size_t i = 0; i < signature.size(); ++i)
      if (signature[i].name == name)
        index = i;
    if (index == signature.size())
      return invalid(flag + "=" + value + " names no " + what +
                     " of the model; its " + what + "s are: " +
                     signatureNames(signature));
    if (!paths[index].empty())
      return invalid(what + " " + std::to_string(index) + " '" + name +
                     "' is given twice");
    paths[index] = value.substr(at + 1);
  }
  size_t next = 0;
  for (const std::string &path : positional) {
    while (next < paths.size() && !paths[next].empty())
      ++next;
    if (next == paths.size())
      return invalid("the model has " + std::to_string(signature.size()) + " " +
                     what + (signature.size() == 1 ? "" : "s") + " (" +
                     signatureNames(signature) + "), but " +
                     std::to_string(values.size()) + " " + flag +
                     " values were given");
    paths[next++] = path;
  }
  return paths;
}

Status bindInputFiles(Session &session, const std::vector<std::string> &paths) {
  const std::vector<TensorSpec> &inputs = session.module().inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = inputs[i];
    if (paths[i].empty())
      return Status(StatusCode::InvalidArgument,
                    "missing input " + std::to_string(i) + " '" + spec.name +
                        "' (" + describe(spec.type, spec.shape) +
                        "): pass --input=@file.npy in signature order or --input=" +
                        spec.name + "=@file.npy");
    Expected<Tensor> tensor = readNpyFile(paths[i]);
    if (!tensor)
      return tensor.status().withContext("input " + std::to_string(i) + " '" +
                                         spec.name + "'");
    if (Status s = session.setInput(i, tensor->view()); !s)
      return s.withContext("'" + paths[i] + "'");
  }
  return Status::ok();
}

Status bindRandomInputs(Session &session, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 7);
  const std::vector<TensorSpec> &inputs = session.module().inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    Expected<Tensor> tensor = Tensor::allocate(inputs[i].type, inputs[i].shape);
    if (!tensor)
      return tensor.status();
    uint64_t n = tensor->view().numElements();
    void *data = tensor->data();
    for (uint64_t k = 0; k < n; ++k) {
      switch (inputs[i].type) {
      case ElementType::F16: // sign, exponent of 0.5, random mantissa: [-1, 1)
        static_cast<uint16_t *>(data)[k] = static_cast<uint16_t>(
            (rng() & 0x8000) | 0x3800 | (rng() & 0x3ff));
        break;
      case ElementType::F32: static_cast<float *>(data)[k] = real(rng); break;
      case ElementType::F64: static_cast<double *>(data)[k] = real(rng); break;
      case ElementType::I8: static_cast<int8_t *>(data)[k] = small(rng); break;
      case ElementType::I16: static_cast<int16_t *>(data)[k] = small(rng); break;
      case ElementType::I32: static_cast<int32_t *>(data)[k] = small(rng); break;
      case ElementType::I64: static_cast<int64_t *>(data)[k] = small(rng); break;
      case ElementType::U8: static_cast<uint8_t *>(data)[k] = small(rng); break;
      case ElementType::Bool: static_cast<uint8_t *>(data)[k] = rng() & 1; break;
      case ElementType::U16: static_cast<uint16_t *>(data)[k] = rng() & 7; break;
      case ElementType::U32: static_cast<uint32_t *>(data)[k] = rng() & 7; break;
      case ElementType::U64: static_cast<uint64_t *>(data)[k] = rng() & 7; break;
      }
    }
    if (Status s = session.setInput(i, tensor->view()); !s)
      return s;
  }
  return Status::ok();
}

bool hasDispatchesOn(const Module &module, const std::string &kind) {
  for (const artifact::DispatchSpec &d : module.artifact().dispatches())
    if (d.device == kind)
      return true;
  return false;
}

std::vector<std::string> resolveDeviceNames(const Module &module,
                                            const std::vector<std::string> &given) {
  std::vector<std::string> names = given;
  if (names.empty()) {
    if (hasDispatchesOn(module, "accel") && DeviceRegistry::hasAccelDevices())
      names.push_back("accel-golden");
    names.push_back("cpu");
    return names;
  }
  bool hasCpu = false;
  for (const std::string &name : names)
    hasCpu |= name == "cpu";
  if (!hasCpu)
    names.push_back("cpu");
  return names;
}

std::string describeCounters(const DeviceCounters &c) {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "%s %s: %s%llu cycles (ideal %llu, x%.2f), %llu MACs, %.1f%% "
                "utilization, DRAM %llu B read %llu B written",
                c.layer.c_str(), c.dataflow.c_str(), c.cycleAccurate ? "" : "~",
                static_cast<unsigned long long>(c.cycles),
                static_cast<unsigned long long>(c.idealCycles),
                c.idealCycles ? double(c.cycles) / double(c.idealCycles) : 0.0,
                static_cast<unsigned long long>(c.macs), 100 * c.utilization(),
                static_cast<unsigned long long>(c.dramReadBytes),
                static_cast<unsigned long long>(c.dramWriteBytes));
  return buf;
}

Expected<std::vector<std::shared_ptr<Device>>>
createDevices(const DeviceRegistry &registry, const std::vector<std::string> &names) {
  std::vector<std::shared_ptr<Device>> devices;
  for (const std::string &name : names) {
    Expected<std::shared_ptr<Device>> device = registry.create(name);
    if (!device)
      return device.status();
    devices.push_back(device.take());
  }
  return devices;
}

static float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float value;
  if (exp == 0)
    value = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    value = mant ? NAN : INFINITY;
  else
    value = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  return sign ? -value : value;
}

double elementAsDouble(const TensorView &t, uint64_t i) {
  switch (t.type) {
  case ElementType::F16: return halfToFloat(t.as<uint16_t>()[i]);
  case ElementType::F32: return t.as<float>()[i];
  case ElementType::F64: return t.as<double>()[i];
  case ElementType::I8: return t.as<int8_t>()[i];
  case ElementType::I16: return t.as<int16_t>()[i];
  case ElementType::I32: return t.as<int32_t>()[i];
  case ElementType::I64: return static_cast<double>(t.as<int64_t>()[i]);
  case ElementType::U8: return t.as<uint8_t>()[i];
  case ElementType::Bool: return t.as<uint8_t>()[i] != 0;
  case ElementType::U16: return t.as<uint16_t>()[i];
  case ElementType::U32: return t.as<uint32_t>()[i];
  case ElementType::U64: return static_cast<double>(t.as<uint64_t>()[i]);
  }
  return 0;
}

static std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

std::string summarize(const TensorView &tensor, size_t maxValues) {
  uint64_t n = tensor.numElements();
  std::string out = describe(tensor.type, tensor.shape) + "\n  values: [";
  for (uint64_t i = 0; i < n && i < maxValues; ++i)
    out += (i ? ", " : "") + number(elementAsDouble(tensor, i));
  if (n > maxValues)
    out += ", ... (" + std::to_string(n - maxValues) + " more)";
  out += "]\n";
  if (n == 0)
    return out;
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  uint64_t nans = 0;
  for (uint64_t i = 0; i < n; ++i) {
    double v = elementAsDouble(tensor, i);
    if (std::isnan(v)) {
      ++nans;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  if (nans < n)
    out += "  min " + number(lo) + ", max " + number(hi) + ", mean " +
           number(sum / static_cast<double>(n - nans));
  if (nans)
    out += std::string(nans < n ? ", " : "  ") + std::to_string(nans) + " NaN";
  return out + "\n";
}

} // namespace systolic::runtime::driver
