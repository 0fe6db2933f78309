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
    Expected<Tensor> tensor = readNpyFile(paths[i], spec.type);
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
    if (inputs[i].type == ElementType::String) {
      // Few distinct words, so equality comparisons see both outcomes.
      std::vector<std::string> words;
      for (uint64_t k = 0; k < artifact::elementCount(inputs[i].shape).value_or(0); ++k)
        words.push_back("word" + std::to_string(small(rng)));
      Expected<Tensor> tensor = Tensor::fromStrings(inputs[i].shape, words);
      if (!tensor)
        return tensor.status();
      if (Status s = session.setInput(i, tensor->view()); !s)
        return s;
      continue;
    }
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
      case ElementType::BF16: // as f16: [-1, 1)
        static_cast<uint16_t *>(data)[k] = static_cast<uint16_t>(
            (rng() & 0x8000) | 0x3f00 | (rng() & 0x7f));
        break;
      // Byte codes that are small finite values in every format (no NaN
      // code is below 0x40); sub-byte types keep to their low bits.
      case ElementType::F8E4M3FN:
      case ElementType::F8E4M3FNUZ:
      case ElementType::F8E5M2:
      case ElementType::F8E5M2FNUZ:
      case ElementType::F8E8M0FNU:
        static_cast<uint8_t *>(data)[k] = rng() & 0x3f;
        break;
      case ElementType::F4E2M1FN:
      case ElementType::I4:
      case ElementType::U4: static_cast<uint8_t *>(data)[k] = rng() & 7; break;
      case ElementType::I2:
      case ElementType::U2: static_cast<uint8_t *>(data)[k] = rng() & 1; break;
      case ElementType::String: break; // bound above
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

namespace {
/// A small binary float format: sign (when `hasSign`), `exponentBits`,
/// `mantissaBits`, `bias`, and which codes are special.
struct MiniFloat {
  int exponentBits, mantissaBits, bias;
  enum Specials { IEEE, AllOnesNaN, NegativeZeroNaN, None } specials;
  bool hasSign = true;
};

/// Decodes `bits` (the low bits of the code) of format `f` exactly.
double decodeMiniFloat(uint32_t bits, MiniFloat f) {
  uint32_t mantMask = (1u << f.mantissaBits) - 1,
           expMask = (1u << f.exponentBits) - 1;
  uint32_t exp = (bits >> f.mantissaBits) & expMask, mant = bits & mantMask;
  bool negative = f.hasSign && ((bits >> (f.mantissaBits + f.exponentBits)) & 1);
  switch (f.specials) {
  case MiniFloat::IEEE: // f16, bf16, E5M2: all-ones exponent
    if (exp == expMask)
      return mant ? NAN : negative ? -INFINITY : INFINITY;
    break;
  case MiniFloat::AllOnesNaN: // E4M3FN, E8M0: only the all-ones code
    if (exp == expMask && mant == mantMask)
      return NAN;
    break;
  case MiniFloat::NegativeZeroNaN: // the FNUZ formats: "-0" is NaN
    if (negative && exp == 0 && mant == 0)
      return NAN;
    break;
  case MiniFloat::None:
    break;
  }
  double value =
      exp == 0 && f.mantissaBits > 0 // E8M0 has no subnormals
          ? std::ldexp(static_cast<double>(mant), 1 - f.bias - f.mantissaBits)
          : std::ldexp(static_cast<double>(mant | (mantMask + 1)),
                       static_cast<int>(exp) - f.bias - f.mantissaBits);
  return negative ? -value : value;
}

/// Sign-extends the low `bits` bits of `code`.
int64_t signExtend(uint8_t code, int bits) {
  return static_cast<int64_t>(static_cast<int8_t>(code << (8 - bits))) >>
         (8 - bits);
}
} // namespace

double elementAsDouble(const TensorView &t, uint64_t i) {
  switch (t.type) {
  case ElementType::F16:
    return decodeMiniFloat(t.as<uint16_t>()[i], {5, 10, 15, MiniFloat::IEEE});
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
  case ElementType::BF16:
    return decodeMiniFloat(t.as<uint16_t>()[i], {8, 7, 127, MiniFloat::IEEE});
  case ElementType::F8E4M3FN:
    return decodeMiniFloat(t.as<uint8_t>()[i], {4, 3, 7, MiniFloat::AllOnesNaN});
  case ElementType::F8E4M3FNUZ:
    return decodeMiniFloat(t.as<uint8_t>()[i], {4, 3, 8, MiniFloat::NegativeZeroNaN});
  case ElementType::F8E5M2:
    return decodeMiniFloat(t.as<uint8_t>()[i], {5, 2, 15, MiniFloat::IEEE});
  case ElementType::F8E5M2FNUZ:
    return decodeMiniFloat(t.as<uint8_t>()[i], {5, 2, 16, MiniFloat::NegativeZeroNaN});
  case ElementType::F4E2M1FN:
    return decodeMiniFloat(t.as<uint8_t>()[i], {2, 1, 1, MiniFloat::None});
  case ElementType::F8E8M0FNU:
    return decodeMiniFloat(t.as<uint8_t>()[i],
                           {8, 0, 127, MiniFloat::AllOnesNaN, /*hasSign=*/false});
  case ElementType::I4: return signExtend(t.as<uint8_t>()[i], 4);
  case ElementType::U4: return t.as<uint8_t>()[i] & 0xf;
  case ElementType::I2: return signExtend(t.as<uint8_t>()[i], 2);
  case ElementType::U2: return t.as<uint8_t>()[i] & 0x3;
  case ElementType::String: return NAN; // not a number; summarize quotes them
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
  if (tensor.type == ElementType::String) {
    for (uint64_t i = 0; i < n && i < maxValues; ++i)
      out += (i ? ", '" : "'") + std::string(stringAt(tensor, i)) + "'";
    if (n > maxValues)
      out += ", ... (" + std::to_string(n - maxValues) + " more)";
    return out + "]\n";
  }
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
