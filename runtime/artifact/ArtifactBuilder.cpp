//===- ArtifactBuilder.cpp - Writer of .sysm files ------------------------===//
#include "runtime/artifact/ArtifactBuilder.h"
#include "runtime/artifact/Artifact_generated.h"
#include "runtime/artifact/Integrity.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace systolic::artifact {

namespace {
struct PendingDispatch {
  std::string name, device;
  uint32_t executable, entryPoint;
  std::vector<uint32_t> bindings;
  uint32_t numOperands;
  uint64_t flops, bytes;
  std::optional<DispatchReference> reference;
};
} // namespace

struct ArtifactBuilder::Impl {
  flatbuffers::FlatBufferBuilder fbb{1 << 16};
  std::string producer;
  std::vector<TensorSpec> inputs, outputs;
  std::vector<BufferSpec> buffers;
  // Blobs go into the builder as soon as they arrive, so the caller's bytes
  // are copied once; tables referring to them are built in finish().
  std::vector<flatbuffers::Offset<fb::Constant>> constants;
  std::vector<flatbuffers::Offset<fb::Executable>> executables;
  std::vector<PendingDispatch> dispatches;
  uint64_t blobBytes = 0;
  bool finished = false;

  /// False once the blobs would overflow the format's 32-bit offsets (the
  /// FlatBuffers builder itself only asserts); finish() then reports it.
  bool reserveBlob(size_t size) {
    blobBytes += size + kBufferAlignment;
    return blobBytes < FLATBUFFERS_MAX_BUFFER_SIZE / 2;
  }
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> blob(const void *data,
                                                         size_t size) {
    fbb.ForceVectorAlignment(size, 1, kBufferAlignment);
    return fbb.CreateVector(static_cast<const uint8_t *>(data), size);
  }
  uint32_t addBuffer(BufferSpec spec) {
    buffers.push_back(spec);
    return static_cast<uint32_t>(buffers.size() - 1);
  }
  uint32_t addSignature(std::vector<TensorSpec> &list, BufferKind kind,
                        std::string name, ElementType type,
                        std::vector<int64_t> shape) {
    TensorSpec spec{std::move(name), type, std::move(shape), 0};
    spec.buffer = addBuffer({spec.byteSize(), kBufferAlignment, kind, 0});
    list.push_back(std::move(spec));
    return list.back().buffer;
  }
};

ArtifactBuilder::ArtifactBuilder() : impl_(std::make_unique<Impl>()) {}
ArtifactBuilder::~ArtifactBuilder() = default;

void ArtifactBuilder::setProducer(std::string producer) {
  impl_->producer = std::move(producer);
}

uint32_t ArtifactBuilder::addInput(std::string name, ElementType type,
                                   std::vector<int64_t> shape) {
  return impl_->addSignature(impl_->inputs, BufferKind::Input, std::move(name),
                             type, std::move(shape));
}

uint32_t ArtifactBuilder::addOutput(std::string name, ElementType type,
                                    std::vector<int64_t> shape) {
  return impl_->addSignature(impl_->outputs, BufferKind::Output,
                             std::move(name), type, std::move(shape));
}

uint32_t ArtifactBuilder::addConstant(const void *data, size_t size) {
  auto index = static_cast<uint32_t>(impl_->constants.size());
  if (impl_->reserveBlob(size))
    impl_->constants.push_back(fb::CreateConstant(impl_->fbb, impl_->blob(data, size)));
  else
    impl_->constants.emplace_back();
  return impl_->addBuffer({size, kBufferAlignment, BufferKind::Constant, index});
}

uint32_t ArtifactBuilder::addIntermediate(uint64_t size) {
  return impl_->addBuffer({size, kBufferAlignment, BufferKind::Intermediate, 0});
}

uint32_t ArtifactBuilder::addExecutable(std::string target, std::string format,
                                        const void *data, size_t size,
                                        std::vector<std::string> entryPoints) {
  auto index = static_cast<uint32_t>(impl_->executables.size());
  if (!impl_->reserveBlob(size)) {
    impl_->executables.emplace_back();
    return index;
  }
  flatbuffers::FlatBufferBuilder &fbb = impl_->fbb;
  auto bytes = impl_->blob(data, size);
  auto entries = fbb.CreateVectorOfStrings(entryPoints);
  impl_->executables.push_back(fb::CreateExecutable(
      fbb, fbb.CreateString(target), fbb.CreateString(format), bytes, entries));
  return index;
}

void ArtifactBuilder::addDispatch(std::string name, uint32_t executable,
                                  uint32_t entryPoint, std::string device,
                                  std::vector<uint32_t> operands,
                                  std::vector<uint32_t> results, uint64_t flops,
                                  uint64_t bytes,
                                  std::optional<DispatchReference> reference) {
  auto numOperands = static_cast<uint32_t>(operands.size());
  operands.insert(operands.end(), results.begin(), results.end());
  impl_->dispatches.push_back({std::move(name), std::move(device), executable,
                               entryPoint, std::move(operands), numOperands,
                               flops, bytes, reference});
}

Expected<std::vector<uint8_t>> ArtifactBuilder::finish() {
  Impl &m = *impl_;
  if (m.finished)
    return Status(StatusCode::FailedPrecondition,
                  "ArtifactBuilder::finish called twice");
  m.finished = true;
  if (m.blobBytes >= FLATBUFFERS_MAX_BUFFER_SIZE / 2)
    return Status(StatusCode::InvalidArgument,
                  "constants and executables total " +
                      std::to_string(m.blobBytes) +
                      " bytes; an artifact holds at most 1 GiB of them");
  flatbuffers::FlatBufferBuilder &fbb = m.fbb;

  auto tensors = [&](const std::vector<TensorSpec> &specs) {
    std::vector<flatbuffers::Offset<fb::TensorSpec>> out;
    for (const TensorSpec &t : specs)
      out.push_back(fb::CreateTensorSpec(
          fbb, fbb.CreateString(t.name),
          static_cast<fb::ElementType>(t.type), fbb.CreateVector(t.shape),
          t.buffer));
    return fbb.CreateVector(out);
  };
  auto inputs = tensors(m.inputs);
  auto outputs = tensors(m.outputs);
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  for (const BufferSpec &b : m.buffers)
    buffers.push_back(fb::CreateBuffer(fbb, b.size, b.alignment,
                                       static_cast<fb::BufferKind>(b.kind),
                                       b.constant));
  auto bufferVector = fbb.CreateVector(buffers);
  std::vector<flatbuffers::Offset<fb::Dispatch>> dispatches;
  for (const PendingDispatch &d : m.dispatches)
    dispatches.push_back(fb::CreateDispatch(
        fbb, fbb.CreateString(d.name), d.executable, d.entryPoint,
        fbb.CreateString(d.device), fbb.CreateVector(d.bindings),
        d.numOperands, d.flops, d.bytes,
        d.reference ? d.reference->executable : 0xffffffffu,
        d.reference ? d.reference->entryPoint : 0));
  auto dispatchVector = fbb.CreateVector(dispatches);
  auto constants = fbb.CreateVector(m.constants);
  auto executables = fbb.CreateVector(m.executables);
  auto producer = fbb.CreateString(m.producer);

  fb::Version version(kFormatMajor, kFormatMinor);
  fb::Integrity placeholder(0, 0);
  fbb.Finish(fb::CreateModel(fbb, &version, &placeholder, producer, inputs,
                             outputs, bufferVector, constants, executables,
                             dispatchVector),
             fb::ModelIdentifier());

  std::vector<uint8_t> file(fbb.GetBufferPointer(),
                            fbb.GetBufferPointer() + fbb.GetSize());
  fb::Integrity *integrity = fb::GetMutableModel(file.data())->mutable_integrity();
  size_t crcOffset = reinterpret_cast<uint8_t *>(integrity) - file.data() +
                     detail::kCrcOffsetInIntegrity;
  integrity->mutate_file_size(file.size());
  integrity->mutate_crc32(detail::fileChecksum(file.data(), file.size(), crcOffset));

  // The runtime's own verifier, so a bad plan fails here and not at load.
  if (Status check = Artifact::verifyBytes(file.data(), file.size()); !check)
    return Status(StatusCode::InvalidArgument,
                  "ArtifactBuilder: " + check.message());
  return file;
}

Status writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out)
    out.write(reinterpret_cast<const char *>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  if (out)
    out.close();
  if (!out)
    return Status(StatusCode::InvalidArgument,
                  "cannot write '" + path + "': " + std::strerror(errno));
  return Status::ok();
}

} // namespace systolic::artifact
