//===- Module.cpp - A loaded artifact -------------------------------------===//
#include "runtime/Runtime.h"

namespace systolic::runtime {

Module::Module(std::shared_ptr<const artifact::Artifact> artifact)
    : artifact_(std::move(artifact)) {}

static Expected<std::shared_ptr<const Module>>
wrap(Expected<std::shared_ptr<const artifact::Artifact>> artifact) {
  if (!artifact)
    return artifact.status();
  return std::shared_ptr<const Module>(std::make_shared<Module>(artifact.take()));
}

Expected<std::shared_ptr<const Module>> Module::load(const std::string &path) {
  return wrap(artifact::Artifact::load(path));
}

Expected<std::shared_ptr<const Module>> Module::fromBytes(const void *data,
                                                          size_t size) {
  return wrap(artifact::Artifact::fromBytes(data, size));
}

static std::optional<size_t> find(const std::vector<TensorSpec> &specs,
                                  const std::string &name) {
  for (size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<size_t> Module::findInput(const std::string &name) const {
  return find(inputs(), name);
}
std::optional<size_t> Module::findOutput(const std::string &name) const {
  return find(outputs(), name);
}

uint64_t Module::totalFlops() const {
  uint64_t total = 0;
  for (const artifact::DispatchSpec &d : artifact_->dispatches())
    total += d.flops;
  return total;
}

} // namespace systolic::runtime
