//===- Artifact.cpp - Verifying reader of .sysm files ---------------------===//
//
// Checks run from the outside in, so that each failure gets the most precise
// message: identifier, header (version, size, checksum), FlatBuffers structure,
// then the semantic rules of docs/artifact-format.md.
//
//===----------------------------------------------------------------------===//
#include "runtime/artifact/Artifact.h"
#include "runtime/artifact/Artifact_generated.h"
#include "runtime/artifact/Integrity.h"

static_assert(sizeof(systolic::artifact::fb::Integrity) == 16,
              "Integrity layout is fixed by the format");

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace systolic::artifact {

//===----------------------------------------------------------------------===//
// Element types and shapes
//===----------------------------------------------------------------------===//

namespace {
struct ElementTypeInfo {
  ElementType type;
  const char *name;
  size_t size;
};
constexpr ElementTypeInfo kElementTypes[] = {
    {ElementType::F16, "f16", 2}, {ElementType::F32, "f32", 4},
    {ElementType::F64, "f64", 8}, {ElementType::I8, "i8", 1},
    {ElementType::I16, "i16", 2}, {ElementType::I32, "i32", 4},
    {ElementType::I64, "i64", 8}, {ElementType::U8, "u8", 1},
    {ElementType::Bool, "bool", 1}, {ElementType::U16, "u16", 2},
    {ElementType::U32, "u32", 4},   {ElementType::U64, "u64", 8},
    {ElementType::BF16, "bf16", 2},
    {ElementType::F8E4M3FN, "f8e4m3fn", 1},
    {ElementType::F8E4M3FNUZ, "f8e4m3fnuz", 1},
    {ElementType::F8E5M2, "f8e5m2", 1},
    {ElementType::F8E5M2FNUZ, "f8e5m2fnuz", 1},
    {ElementType::F4E2M1FN, "f4e2m1fn", 1},
    {ElementType::F8E8M0FNU, "f8e8m0fnu", 1},
    {ElementType::I4, "i4", 1}, {ElementType::U4, "u4", 1},
    {ElementType::I2, "i2", 1}, {ElementType::U2, "u2", 1},
    {ElementType::String, "string", sizeof(const char *)},
};
static_assert(std::size(kElementTypes) ==
                      static_cast<size_t>(kLastElementType) + 1 &&
                  static_cast<int>(kLastElementType) ==
                      static_cast<int>(fb::ElementType::MAX),
              "one entry per element type, in code order");
} // namespace

size_t elementSize(ElementType type) {
  return kElementTypes[static_cast<size_t>(type)].size;
}
const char *elementTypeName(ElementType type) {
  return kElementTypes[static_cast<size_t>(type)].name;
}
std::optional<ElementType> parseElementType(std::string_view name) {
  for (const ElementTypeInfo &info : kElementTypes)
    if (name == info.name)
      return info.type;
  return std::nullopt;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape) {
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / 16 / dim)
      return std::nullopt;
    count *= static_cast<uint64_t>(dim);
  }
  return count;
}

uint64_t TensorSpec::byteSize() const {
  return elementCount(shape).value_or(0) * elementSize(type);
}

const char *bufferKindName(BufferKind kind) {
  switch (kind) {
  case BufferKind::Input: return "input";
  case BufferKind::Output: return "output";
  case BufferKind::Constant: return "constant";
  case BufferKind::Intermediate: return "intermediate";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// Storage: an mmap of a file or an aligned heap copy
//===----------------------------------------------------------------------===//

class Artifact::Storage {
public:
  enum class Owner { Mmap, Malloc, Caller };
  Storage(const uint8_t *data, size_t size, Owner owner)
      : data_(data), size_(size), owner_(owner) {}
  ~Storage() {
    if (owner_ == Owner::Mmap)
      ::munmap(const_cast<uint8_t *>(data_), size_);
    else if (owner_ == Owner::Malloc)
      std::free(const_cast<uint8_t *>(data_));
  }
  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

private:
  const uint8_t *data_;
  size_t size_;
  Owner owner_;
};

Artifact::~Artifact() = default;

static Status dataLoss(const std::string &message) {
  return Status(StatusCode::DataLoss, message);
}
static Status invalid(const std::string &message) {
  return Status(StatusCode::DataLoss, "invalid artifact: " + message);
}

// Dispatch.reference_executable's default: no reference.
constexpr uint32_t kNoReference = 0xffffffffu;

// FlatBuffers offsets are 32-bit signed.
constexpr size_t kMaxFileSize = FLATBUFFERS_MAX_BUFFER_SIZE - 1;

static Status checkFileSize(size_t size) {
  if (size > kMaxFileSize)
    return Status(StatusCode::InvalidArgument,
                  "artifact of " + std::to_string(size) +
                      " bytes is larger than the format's 2 GiB limit");
  return Status::ok();
}

Expected<std::shared_ptr<const Artifact>>
Artifact::load(const std::string &path) {
  auto fail = [&](StatusCode code, const std::string &why) {
    return Status(code, "cannot load '" + path + "': " + why);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(errno == ENOENT ? StatusCode::NotFound : StatusCode::InvalidArgument,
                std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(StatusCode::InvalidArgument, "not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (Status s = checkFileSize(size); !s) {
    ::close(fd);
    return s.withContext("cannot load '" + path + "'");
  }
  if (size == 0) {
    ::close(fd);
    return fail(StatusCode::DataLoss, "file is empty");
  }
  void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int mapErrno = errno;
  ::close(fd);
  if (map == MAP_FAILED)
    return fail(StatusCode::Internal,
                std::string("mmap failed: ") + std::strerror(mapErrno));
  auto storage = std::make_unique<Storage>(static_cast<const uint8_t *>(map),
                                           size, Storage::Owner::Mmap);
  Expected<std::shared_ptr<const Artifact>> artifact = parse(std::move(storage));
  if (!artifact)
    return artifact.status().withContext("cannot load '" + path + "'");
  return artifact;
}

Expected<std::shared_ptr<const Artifact>>
Artifact::fromBytes(const void *bytes, size_t size) {
  if (Status s = checkFileSize(size); !s)
    return s;
  size_t allocated = (size + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  void *copy = std::aligned_alloc(kBufferAlignment, allocated ? allocated : kBufferAlignment);
  if (!copy)
    return Status(StatusCode::Internal, "out of memory copying the artifact");
  if (size)
    std::memcpy(copy, bytes, size);
  return parse(std::make_unique<Storage>(static_cast<const uint8_t *>(copy),
                                         size, Storage::Owner::Malloc));
}

Status Artifact::verifyBytes(const void *bytes, size_t size) {
  if (Status s = checkFileSize(size); !s)
    return s;
  return parse(std::make_unique<Storage>(static_cast<const uint8_t *>(bytes),
                                         size, Storage::Owner::Caller))
      .status();
}

//===----------------------------------------------------------------------===//
// Structural checks
//===----------------------------------------------------------------------===//

static std::string printableIdentifier(const uint8_t *id) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>(id[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", id[i]);
      out += hex;
    }
  }
  return out;
}

static std::string hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", value);
  return buf;
}

static flatbuffers::Verifier::Options verifierOptions() {
  flatbuffers::Verifier::Options options;
  // Models have thousands of dispatches; each is a few tables and strings.
  options.max_tables = 1u << 26;
  return options;
}

Expected<std::shared_ptr<const Artifact>>
Artifact::parse(std::unique_ptr<Storage> storage) {
  const uint8_t *data = storage->data();
  size_t size = storage->size();
  constexpr size_t kPrefix = sizeof(flatbuffers::uoffset_t) +
                             flatbuffers::kFileIdentifierLength;
  if (size < kPrefix)
    return dataLoss("truncated artifact: " + std::to_string(size) +
                    " bytes, too short to hold the file header");
  if (!flatbuffers::BufferHasIdentifier(data, fb::ModelIdentifier()))
    return dataLoss("not a Systolic artifact: file identifier is '" +
                    printableIdentifier(data + 4) + "', expected 'SYSM'");

  // Fields 0 and 1 alone: the version decides whether the rest is readable.
  flatbuffers::Verifier headerVerifier(data, size, verifierOptions());
  if (!headerVerifier.VerifyBuffer<fb::ModelHeader>(fb::ModelIdentifier()))
    return dataLoss("truncated or corrupted artifact: the header (format "
                    "version, size, checksum) does not verify");
  const fb::ModelHeader *header = flatbuffers::GetRoot<fb::ModelHeader>(data);
  uint16_t major = header->version()->major();
  uint16_t minor = header->version()->minor();
  std::string version = std::to_string(major) + "." + std::to_string(minor);
  std::string supported =
      std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor);
  if (major > kFormatMajor)
    return Status(StatusCode::Unimplemented,
                  "artifact format version " + version +
                      " is newer than this runtime supports (" + supported +
                      "); use a runtime at least as new as the compiler");
  if (major < kFormatMajor)
    return Status(StatusCode::Unimplemented,
                  "artifact format version " + version +
                      " is older than this runtime supports (" + supported +
                      "); recompile the model");

  const fb::Integrity *integrity = header->integrity();
  if (integrity->file_size() != size)
    return dataLoss(size < integrity->file_size()
                        ? "truncated artifact: the header records " +
                              std::to_string(integrity->file_size()) +
                              " bytes, the file has " + std::to_string(size)
                        : "corrupted artifact: the header records " +
                              std::to_string(integrity->file_size()) +
                              " bytes, the file has " + std::to_string(size) +
                              " (trailing data?)");
  size_t crcOffset = reinterpret_cast<const uint8_t *>(integrity) - data +
                     detail::kCrcOffsetInIntegrity;
  uint32_t crc = detail::fileChecksum(data, size, crcOffset);
  if (crc != integrity->crc32())
    return dataLoss("corrupted artifact: checksum mismatch (header " +
                    hex32(integrity->crc32()) + ", contents " + hex32(crc) +
                    ")");

  flatbuffers::Verifier verifier(data, size, verifierOptions());
  if (!fb::VerifyModelBuffer(verifier))
    return dataLoss("corrupted artifact: the checksum matches but the "
                    "FlatBuffers structure does not verify (was it written "
                    "by the Systolic ArtifactBuilder?)");

  // Decode into plain descriptions; the semantic checks run on those.
  const fb::Model *model = fb::GetModel(data);
  std::shared_ptr<Artifact> artifact(new Artifact());
  artifact->major_ = major;
  artifact->minor_ = minor;
  if (model->producer())
    artifact->producer_ = model->producer()->str();

  std::vector<std::string> typeErrors;
  auto decodeTensors = [&](const auto *specs, std::vector<TensorSpec> &out,
                           const char *what) {
    for (const fb::TensorSpec *spec : *specs) {
      TensorSpec t;
      t.name = spec->name()->str();
      auto rawType = static_cast<uint8_t>(spec->element_type());
      if (rawType > static_cast<uint8_t>(fb::ElementType::MAX))
        typeErrors.push_back(std::string(what) + " " +
                             std::to_string(out.size()) + " '" + t.name +
                             "' has unknown element type code " +
                             std::to_string(rawType) +
                             " (this runtime knows codes 0-" +
                             std::to_string(static_cast<int>(kLastElementType)) +
                             ", format " + std::to_string(kFormatMajor) + "." +
                             std::to_string(kFormatMinor) +
                             "; a newer runtime may support it)");
      else
        t.type = static_cast<ElementType>(rawType);
      t.shape.assign(spec->shape()->begin(), spec->shape()->end());
      t.buffer = spec->buffer();
      out.push_back(std::move(t));
    }
  };
  decodeTensors(model->inputs(), artifact->inputs_, "input");
  decodeTensors(model->outputs(), artifact->outputs_, "output");
  if (!typeErrors.empty())
    return invalid(typeErrors.front());

  for (const fb::Buffer *buffer : *model->buffers()) {
    auto rawKind = static_cast<uint8_t>(buffer->kind());
    if (rawKind > static_cast<uint8_t>(fb::BufferKind::MAX))
      return invalid("buffer " + std::to_string(artifact->buffers_.size()) +
                     " has unknown kind code " + std::to_string(rawKind));
    artifact->buffers_.push_back({buffer->size(), buffer->alignment(),
                                  static_cast<BufferKind>(rawKind),
                                  buffer->constant()});
  }
  for (const fb::Constant *constant : *model->constants())
    artifact->constants_.push_back(
        {constant->data()->data(), constant->data()->size()});
  for (const fb::Executable *exe : *model->executables()) {
    ExecutableSpec spec;
    spec.target = exe->target()->str();
    spec.format = exe->format()->str();
    for (const flatbuffers::String *entry : *exe->entry_points())
      spec.entryPoints.push_back(entry->str());
    spec.data = {exe->data()->data(), exe->data()->size()};
    artifact->executables_.push_back(std::move(spec));
  }
  for (const fb::Dispatch *dispatch : *model->dispatches()) {
    DispatchSpec spec;
    spec.name = dispatch->name()->str();
    spec.executable = dispatch->executable();
    spec.entryPoint = dispatch->entry_point();
    spec.device = dispatch->device()->str();
    spec.bindings.assign(dispatch->bindings()->begin(),
                         dispatch->bindings()->end());
    spec.numOperands = dispatch->num_operands();
    spec.flops = dispatch->flops();
    spec.bytes = dispatch->bytes();
    if (dispatch->reference_executable() != kNoReference) {
      spec.referenceExecutable = dispatch->reference_executable();
      spec.referenceEntryPoint = dispatch->reference_entry_point();
    }
    artifact->dispatches_.push_back(std::move(spec));
  }
  artifact->storage_ = data;
  artifact->size_ = size;
  artifact->owner_ = std::move(storage);
  if (Status status = artifact->verifySemantics(); !status)
    return status;
  return std::shared_ptr<const Artifact>(std::move(artifact));
}

//===----------------------------------------------------------------------===//
// Semantic checks
//===----------------------------------------------------------------------===//

static std::string quoted(const std::string &name) { return "'" + name + "'"; }

Status Artifact::verifySemantics() const {
  const size_t numBuffers = buffers_.size();
  auto bufferRange = [&](uint64_t index) {
    return "refers to buffer " + std::to_string(index) + ", but the artifact has " +
           std::to_string(numBuffers) + " buffers";
  };

  for (size_t i = 0; i < numBuffers; ++i) {
    const BufferSpec &b = buffers_[i];
    std::string where = "buffer " + std::to_string(i) + " (" +
                        bufferKindName(b.kind) + ")";
    // The runtime places every buffer at a multiple of kBufferAlignment.
    if (b.alignment == 0 || (b.alignment & (b.alignment - 1)) != 0 ||
        b.alignment > kBufferAlignment)
      return invalid(where + " has alignment " + std::to_string(b.alignment) +
                     "; expected a power of two up to " +
                     std::to_string(kBufferAlignment));
    if (b.size > kMaxBufferSize)
      return invalid(where + " is " + std::to_string(b.size) +
                     " bytes, more than the runtime's limit of " +
                     std::to_string(kMaxBufferSize));
    if (b.kind != BufferKind::Constant)
      continue;
    if (b.constant >= constants_.size())
      return invalid(where + " refers to constant " + std::to_string(b.constant) +
                     ", but the artifact has " +
                     std::to_string(constants_.size()) + " constants");
    if (constants_[b.constant].size != b.size)
      return invalid(where + " is " + std::to_string(b.size) +
                     " bytes, but constant " + std::to_string(b.constant) +
                     " holds " + std::to_string(constants_[b.constant].size));
  }
  for (size_t i = 0; i < constants_.size(); ++i) {
    size_t offset = constants_[i].data - storage_;
    if (constants_[i].size && offset % kBufferAlignment != 0)
      return invalid("constant " + std::to_string(i) + " starts at file offset " +
                     std::to_string(offset) + ", which is not " +
                     std::to_string(kBufferAlignment) + "-byte aligned");
  }

  // Signature: each input/output buffer belongs to exactly one signature entry.
  std::vector<int> owners(numBuffers, -1);
  auto checkSignature = [&](const std::vector<TensorSpec> &specs,
                            BufferKind kind) -> Status {
    const char *what = bufferKindName(kind);
    std::set<std::string> names;
    for (size_t i = 0; i < specs.size(); ++i) {
      const TensorSpec &t = specs[i];
      std::string where = std::string(what) + " " + std::to_string(i) + " " +
                          quoted(t.name);
      if (t.name.empty())
        return invalid(std::string(what) + " " + std::to_string(i) +
                       " has an empty name");
      if (!names.insert(t.name).second)
        return invalid(where + " repeats the name of an earlier " + what);
      std::optional<uint64_t> count = elementCount(t.shape);
      if (!count)
        return invalid(where + " has an invalid shape " + formatShape(t.shape));
      if (t.buffer >= numBuffers)
        return invalid(where + " " + bufferRange(t.buffer));
      const BufferSpec &b = buffers_[t.buffer];
      if (b.kind != kind)
        return invalid(where + " uses buffer " + std::to_string(t.buffer) +
                       " of kind " + bufferKindName(b.kind) + ", expected " +
                       what);
      if (owners[t.buffer] != -1)
        return invalid(where + " shares buffer " + std::to_string(t.buffer) +
                       " with " + what + " " + std::to_string(owners[t.buffer]));
      owners[t.buffer] = static_cast<int>(i);
      // An output's pointers would outlive the strings they point to.
      if (t.type == ElementType::String && kind != BufferKind::Input)
        return invalid(where + " has element type string, which only inputs "
                               "may have");
      if (b.size != t.byteSize())
        return invalid(where + " (" + elementTypeName(t.type) + " " +
                       formatShape(t.shape) + ") needs " +
                       std::to_string(t.byteSize()) + " bytes, but buffer " +
                       std::to_string(t.buffer) + " has " +
                       std::to_string(b.size));
    }
    return Status::ok();
  };
  if (Status s = checkSignature(inputs_, BufferKind::Input); !s)
    return s;
  if (Status s = checkSignature(outputs_, BufferKind::Output); !s)
    return s;
  for (size_t i = 0; i < numBuffers; ++i) {
    BufferKind kind = buffers_[i].kind;
    if ((kind == BufferKind::Input || kind == BufferKind::Output) &&
        owners[i] == -1)
      return invalid("buffer " + std::to_string(i) + " has kind " +
                     bufferKindName(kind) + " but no signature " +
                     bufferKindName(kind) + " uses it");
  }

  for (size_t i = 0; i < executables_.size(); ++i) {
    const ExecutableSpec &e = executables_[i];
    std::string where = "executable " + std::to_string(i);
    if (e.target.empty() || e.format.empty())
      return invalid(where + " has an empty target or format");
    if (e.entryPoints.empty())
      return invalid(where + " (" + e.target + ") has no entry points");
    std::set<std::string> names;
    for (const std::string &entry : e.entryPoints)
      if (entry.empty() || !names.insert(entry).second)
        return invalid(where + " (" + e.target + ") has an empty or repeated "
                       "entry point name " + quoted(entry));
  }

  // The plan: indices in range, results writable, nothing read before written.
  std::vector<bool> written(numBuffers, false);
  for (size_t i = 0; i < numBuffers; ++i)
    written[i] = buffers_[i].kind == BufferKind::Input ||
                 buffers_[i].kind == BufferKind::Constant;
  for (size_t d = 0; d < dispatches_.size(); ++d) {
    const DispatchSpec &p = dispatches_[d];
    std::string where = "dispatch " + std::to_string(d) + " " + quoted(p.name);
    if (p.device.empty())
      return invalid(where + " names no device");
    if (p.executable >= executables_.size())
      return invalid(where + " refers to executable " +
                     std::to_string(p.executable) + ", but the artifact has " +
                     std::to_string(executables_.size()));
    const ExecutableSpec &e = executables_[p.executable];
    if (p.entryPoint >= e.entryPoints.size())
      return invalid(where + " refers to entry point " +
                     std::to_string(p.entryPoint) + " of executable " +
                     std::to_string(p.executable) + ", which has " +
                     std::to_string(e.entryPoints.size()));
    if (p.referenceExecutable) {
      uint32_t ref = *p.referenceExecutable;
      if (ref >= executables_.size())
        return invalid(where + " refers to reference executable " +
                       std::to_string(ref) + ", but the artifact has " +
                       std::to_string(executables_.size()));
      if (ref == p.executable)
        return invalid(where + " names its own executable " +
                       std::to_string(ref) + " as its reference");
      if (p.referenceEntryPoint >= executables_[ref].entryPoints.size())
        return invalid(where + " refers to reference entry point " +
                       std::to_string(p.referenceEntryPoint) +
                       " of executable " + std::to_string(ref) + ", which has " +
                       std::to_string(executables_[ref].entryPoints.size()));
    }
    if (p.numOperands > p.bindings.size())
      return invalid(where + " declares " + std::to_string(p.numOperands) +
                     " operands but has only " +
                     std::to_string(p.bindings.size()) + " bindings");
    for (size_t j = 0; j < p.bindings.size(); ++j)
      if (p.bindings[j] >= numBuffers)
        return invalid(where + ": binding " + std::to_string(j) + " " +
                       bufferRange(p.bindings[j]));
    for (size_t j = 0; j < p.numOperands; ++j)
      if (!written[p.bindings[j]])
        return invalid(where + " reads buffer " + std::to_string(p.bindings[j]) +
                       " (" + bufferKindName(buffers_[p.bindings[j]].kind) +
                       ") before any dispatch writes it");
    std::set<uint32_t> results;
    for (size_t j = p.numOperands; j < p.bindings.size(); ++j) {
      uint32_t b = p.bindings[j];
      BufferKind kind = buffers_[b].kind;
      if (kind == BufferKind::Input || kind == BufferKind::Constant)
        return invalid(where + " writes buffer " + std::to_string(b) +
                       ", which is read-only (" + bufferKindName(kind) + ")");
      if (!results.insert(b).second)
        return invalid(where + " binds buffer " + std::to_string(b) +
                       " as a result twice");
      written[b] = true;
    }
  }
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (!written[outputs_[i].buffer])
      return invalid("output " + std::to_string(i) + " " +
                     quoted(outputs_[i].name) + " is never written by the plan");
  return Status::ok();
}

} // namespace systolic::artifact
