//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
//
// The header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here by a small recursive-descent reader of exactly that grammar.
//
//===----------------------------------------------------------------------===//
#include "runtime/Npy.h"
#include "runtime/artifact/ArtifactBuilder.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace systolic::runtime {

namespace {
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct DescrInfo {
  // As numpy writes it for a little-endian machine; for the ml_dtypes types
  // (which numpy itself saves as untyped '<V1'/'<V2') their dtype name, which
  // np.load understands once ml_dtypes is imported.
  const char *descr;
  ElementType type;
};
constexpr DescrInfo kDescrs[] = {
    {"<f2", ElementType::F16}, {"<f4", ElementType::F32},
    {"<f8", ElementType::F64}, {"|i1", ElementType::I8},
    {"<i2", ElementType::I16}, {"<i4", ElementType::I32},
    {"<i8", ElementType::I64}, {"|u1", ElementType::U8},
    {"|b1", ElementType::Bool}, {"<u2", ElementType::U16},
    {"<u4", ElementType::U32},  {"<u8", ElementType::U64},
    {"bfloat16", ElementType::BF16},
    {"float8_e4m3fn", ElementType::F8E4M3FN},
    {"float8_e4m3fnuz", ElementType::F8E4M3FNUZ},
    {"float8_e5m2", ElementType::F8E5M2},
    {"float8_e5m2fnuz", ElementType::F8E5M2FNUZ},
    {"float4_e2m1fn", ElementType::F4E2M1FN},
    {"float8_e8m0fnu", ElementType::F8E8M0FNU},
    {"int4", ElementType::I4}, {"uint4", ElementType::U4},
    {"int2", ElementType::I2}, {"uint2", ElementType::U2},
    // Strings have a width per array ('<U7'); encodeNpy and parseNpy handle
    // them before this table.
    {"<U", ElementType::String},
};
static_assert(std::size(kDescrs) ==
                  static_cast<size_t>(artifact::kLastElementType) + 1,
              "encodeNpy indexes kDescrs by element type code");

/// The size of an untyped void dtype ('|V1', '<V2', ...), 0 for anything else.
size_t voidSize(const std::string &descr) {
  if (descr.size() != 3 || (descr[0] != '|' && descr[0] != '<' && descr[0] != '=') ||
      descr[1] != 'V' || descr[2] < '1' || descr[2] > '8')
    return 0;
  return static_cast<size_t>(descr[2] - '0');
}

Status bad(const std::string &message) {
  return Status(StatusCode::InvalidArgument, message);
}

/// numpy's fixed-width string dtypes: '<U<n>' (n UTF-32 code units per
/// element) and '|S<n>' (n bytes), padded with NULs. Returns the bytes per
/// character (4 or 1) and sets `width`, or 0 for other dtypes.
size_t stringDtype(const std::string &descr, uint64_t &width) {
  if (descr.size() < 3 || (descr[0] != '<' && descr[0] != '|' && descr[0] != '=') ||
      (descr[1] != 'U' && descr[1] != 'S') ||
      descr.find_first_not_of("0123456789", 2) != std::string::npos ||
      descr.size() > 12)
    return 0;
  width = std::stoull(descr.substr(2));
  return descr[1] == 'U' ? 4 : 1;
}

void appendUtf8(std::string &out, uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

/// The code points of UTF-8 `text`; a malformed byte becomes U+FFFD.
std::vector<uint32_t> decodeUtf8(std::string_view text) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<uint8_t>(text[i]);
    unsigned length = byte < 0x80 ? 1 : byte >> 5 == 6 ? 2 : byte >> 4 == 14 ? 3
                    : byte >> 3 == 30 ? 4 : 0;
    uint32_t c = length == 1 ? byte : byte & (0x7f >> length);
    bool valid = length != 0 && i + length <= text.size();
    for (unsigned k = 1; valid && k < length; ++k) {
      auto next = static_cast<uint8_t>(text[i + k]);
      valid = next >> 6 == 2;
      c = c << 6 | (next & 0x3f);
    }
    out.push_back(valid ? c : 0xfffd);
    i += valid ? length : 1;
  }
  return out;
}

/// A string tensor from the payload of a '<U<n>' or '|S<n>' array.
Expected<Tensor> parseStrings(const uint8_t *payload, const Shape &shape,
                              uint64_t count, uint64_t width, size_t unit) {
  std::vector<std::string> strings;
  for (uint64_t i = 0; i < count; ++i) {
    std::string text;
    const uint8_t *element = payload + i * width * unit;
    for (uint64_t k = 0; k < width; ++k) {
      uint32_t c = element[k * unit];
      if (unit == 4)
        c |= uint32_t(element[k * 4 + 1]) << 8 |
             uint32_t(element[k * 4 + 2]) << 16 |
             uint32_t(element[k * 4 + 3]) << 24;
      if (c == 0)
        break; // numpy pads with NULs
      if (unit == 1) {
        text += static_cast<char>(c);
        continue;
      }
      if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return bad("string element " + std::to_string(i) + " holds " +
                   std::to_string(c) + ", which is not a Unicode code point");
      appendUtf8(text, c);
    }
    strings.push_back(std::move(text));
  }
  return Tensor::fromStrings(shape, strings);
}

/// Reader of the header dict's grammar: strings, True/False, int tuples.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  Status parse(std::string &descr, bool &fortran, Shape &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!consume('{'))
      return error("expected '{'");
    while (!consume('}')) {
      std::string key;
      if (!parseString(key) || !consume(':'))
        return error("expected 'key':");
      if (key == "descr") {
        if (!parseString(descr))
          return error("'descr' is not a string (structured dtypes are not supported)");
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (consumeWord("True"))
          fortran = true;
        else if (consumeWord("False"))
          fortran = false;
        else
          return error("'fortran_order' is not True or False");
        haveOrder = true;
      } else if (key == "shape") {
        if (Status s = parseShape(shape); !s)
          return s;
        haveShape = true;
      } else {
        return error("unexpected key '" + key + "'");
      }
      if (!consume(',')) {
        if (!consume('}'))
          return error("expected ',' or '}'");
        break;
      }
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return error("missing 'descr', 'fortran_order' or 'shape'");
    return Status::ok();
  }

private:
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool consume(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool consumeWord(std::string_view word) {
    skipSpace();
    if (text_.substr(pos_, word.size()) != word)
      return false;
    pos_ += word.size();
    return true;
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      return false;
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos)
      return false;
    out = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return true;
  }
  Status parseShape(Shape &shape) {
    shape.clear();
    if (!consume('('))
      return error("'shape' is not a tuple");
    while (!consume(')')) {
      skipSpace();
      int64_t dim = 0;
      size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        if (dim > (std::numeric_limits<int64_t>::max() - 9) / 10)
          return error("a dimension in 'shape' is too large");
        dim = dim * 10 + (text_[pos_++] - '0');
      }
      // Python 2 era files spell dimensions as longs: (2L, 3L).
      if (pos_ < text_.size() && text_[pos_] == 'L')
        ++pos_;
      if (pos_ == start)
        return error("'shape' holds something other than non-negative integers");
      shape.push_back(dim);
      if (!consume(',')) {
        if (!consume(')'))
          return error("expected ',' or ')' in 'shape'");
        break;
      }
    }
    return Status::ok();
  }
  Status error(const std::string &what) const {
    return bad("malformed .npy header (" + what + " at offset " +
               std::to_string(pos_) + "): " + std::string(text_));
  }

  std::string_view text_;
  size_t pos_ = 0;
};
} // namespace

Expected<Tensor> parseNpy(const uint8_t *data, size_t size,
                          std::optional<ElementType> untypedAs) {
  if (size < kMagicSize + 4 || std::memcmp(data, kMagic, kMagicSize) != 0)
    return bad("not a .npy file (missing the \\x93NUMPY magic)");
  uint8_t major = data[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = data[8] | (data[9] << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return bad("truncated .npy header");
    headerLen = static_cast<size_t>(data[8]) | (static_cast<size_t>(data[9]) << 8) |
                (static_cast<size_t>(data[10]) << 16) |
                (static_cast<size_t>(data[11]) << 24);
    headerStart = 12;
  } else {
    return bad("unsupported .npy format version " + std::to_string(major) + "." +
               std::to_string(data[7]));
  }
  if (headerLen > size - headerStart)
    return bad("truncated .npy header: it claims " + std::to_string(headerLen) +
               " bytes, the file has " + std::to_string(size - headerStart) +
               " after the preamble");
  std::string_view header(reinterpret_cast<const char *>(data + headerStart),
                          headerLen);
  std::string descr;
  bool fortran = false;
  Shape shape;
  if (Status s = HeaderParser(header).parse(descr, fortran, shape); !s)
    return s;

  std::optional<ElementType> type;
  uint64_t stringWidth = 0;
  size_t stringUnit = stringDtype(descr, stringWidth);
  if (stringUnit)
    type = ElementType::String;
  for (const DescrInfo &info : kDescrs) {
    if (stringUnit || info.type == ElementType::String)
      break; // the last entry
    // Single-byte types are endian-free; numpy may spell them with '<' or '='.
    bool oneByte = info.descr[0] == '|';
    if (descr == info.descr ||
        (oneByte && descr.size() == 3 && (descr[0] == '<' || descr[0] == '=') &&
         descr.compare(1, 2, info.descr + 1) == 0))
      type = info.type;
  }
  // numpy saves ml_dtypes arrays (bfloat16, float8, int4, ...) as untyped
  // bytes ('<V1'; float8_e5m2 as '<f1'): the caller's expected type, when
  // its size matches, says what they hold.
  if (!type && untypedAs &&
      (voidSize(descr) == artifact::elementSize(*untypedAs) ||
       (descr == "<f1" && *untypedAs == ElementType::F8E5M2)))
    type = untypedAs;
  if (!type) {
    if (size_t bytes = voidSize(descr))
      return bad("untyped dtype '" + descr + "' (" + std::to_string(bytes) +
                 (bytes == 1 ? " byte" : " bytes") +
                 " per element, as numpy saves ml_dtypes arrays) where " +
                 (untypedAs ? "the model expects " +
                                  std::string(artifact::elementTypeName(*untypedAs))
                            : std::string("no element type is known")) +
                 "; save an array of the expected type, or name it: "
                 "'bfloat16', 'float8_e4m3fn', 'int4', ...");
    if (!descr.empty() && descr[0] == '>')
      return bad("big-endian data (dtype '" + descr +
                 "') is not supported; convert it with "
                 "arr.astype(arr.dtype.newbyteorder('<'))");
    return bad("unsupported dtype '" + descr +
               "'; supported: f16, f32, f64, i8, i16, i32, i64, u8, u16, u32, "
               "u64, bool (little-endian), strings ('<U', '|S'), and the "
               "ml_dtypes types bfloat16, "
               "float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, "
               "float4_e2m1fn, float8_e8m0fnu, int4, uint4, int2, uint2");
  }
  if (fortran && shape.size() > 1)
    return bad("Fortran-ordered data is not supported; save a C-ordered "
               "array (np.ascontiguousarray)");
  // Sizes are checked before allocating: the header may claim anything.
  std::optional<uint64_t> count = artifact::elementCount(shape);
  if (!count)
    return bad("the .npy shape " + artifact::formatShape(shape) + " is too large");
  uint64_t elementBytes =
      stringUnit ? stringWidth * stringUnit : artifact::elementSize(*type);
  if (stringUnit && stringWidth > (uint64_t(1) << 32))
    return bad("string dtype '" + descr + "' is too wide");
  uint64_t expected = *count * elementBytes;
  size_t payload = size - headerStart - headerLen;
  if (payload != expected)
    return bad(std::string(payload < expected ? "truncated" : "oversized") +
               " .npy data: " + describe(*type, shape) + " needs " +
               std::to_string(expected) + " bytes, the file holds " +
               std::to_string(payload));
  if (stringUnit)
    return parseStrings(data + headerStart + headerLen, shape, *count,
                        stringWidth, stringUnit);
  Expected<Tensor> tensor = Tensor::allocate(*type, shape);
  if (!tensor)
    return tensor.status();
  if (payload)
    std::memcpy(tensor->data(), data + headerStart + headerLen, payload);
  return tensor;
}

Expected<Tensor> readNpyFile(const std::string &path,
                             std::optional<ElementType> untypedAs) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status(errno == ENOENT ? StatusCode::NotFound : StatusCode::InvalidArgument,
                  "cannot read '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad())
    return bad("cannot read '" + path + "': read error");
  Expected<Tensor> tensor = parseNpy(bytes.data(), bytes.size(), untypedAs);
  if (!tensor)
    return tensor.status().withContext("'" + path + "'");
  return tensor;
}

std::vector<uint8_t> encodeNpy(const TensorView &tensor) {
  // Strings: '<U<n>' with n the longest element's code points.
  std::vector<std::vector<uint32_t>> codePoints;
  size_t width = 1;
  if (tensor.type == ElementType::String)
    for (uint64_t i = 0; i < tensor.numElements(); ++i) {
      codePoints.push_back(decodeUtf8(stringAt(tensor, i)));
      width = std::max(width, codePoints.back().size());
    }
  std::string descr = tensor.type == ElementType::String
                          ? "<U" + std::to_string(width)
                          : kDescrs[static_cast<size_t>(tensor.type)].descr;
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  if (tensor.shape.size() == 1)
    shape += ",";
  shape += ")";
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and a newline so the data starts 64-byte aligned.
  bool v2 = header.size() + 1 + 10 > 65535;
  size_t preamble = v2 ? 12 : 10;
  size_t total = (preamble + header.size() + 1 + 63) / 64 * 64;
  header.append(total - preamble - header.size() - 1, ' ');
  header += '\n';

  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(v2 ? 2 : 1);
  out.push_back(0);
  size_t len = header.size();
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i)
    out.push_back(static_cast<uint8_t>(len >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  if (tensor.type == ElementType::String) {
    for (const std::vector<uint32_t> &element : codePoints)
      for (size_t k = 0; k < width; ++k) {
        uint32_t c = k < element.size() ? element[k] : 0;
        for (unsigned b = 0; b < 4; ++b)
          out.push_back(static_cast<uint8_t>(c >> (8 * b)));
      }
    return out;
  }
  const auto *bytes = static_cast<const uint8_t *>(tensor.data);
  out.insert(out.end(), bytes, bytes + tensor.byteSize());
  return out;
}

Status writeNpyFile(const std::string &path, const TensorView &tensor) {
  return artifact::writeFile(path, encodeNpy(tensor));
}

} // namespace systolic::runtime
