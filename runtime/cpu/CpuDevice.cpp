//===- CpuDevice.cpp - The host CPU device --------------------------------===//
#include "runtime/cpu/CpuDevice.h"

#include <cerrno>
#include <cstring>

#include <dlfcn.h>
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

namespace systolic::runtime {

namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
constexpr const char *kHostMachineName = "x86-64";
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
constexpr const char *kHostMachineName = "aarch64";
#else
#error "the CPU device supports x86-64 and AArch64 hosts"
#endif

using EntryPoint = void (*)(void **);

class CpuExecutable final : public LoadedExecutable {
public:
  CpuExecutable(int fd, void *handle, std::vector<EntryPoint> entries)
      : fd_(fd), handle_(handle), entries_(std::move(entries)) {}
  // The memfd stays open while the object is loaded: dlopen recognises an
  // already-loaded object by its path, so "/proc/self/fd/N" must not be
  // reused for another object meanwhile.
  ~CpuExecutable() override {
    ::dlclose(handle_);
    ::close(fd_);
  }
  Status invoke(uint32_t entryPoint, void **bindings) override {
    entries_[entryPoint](bindings);
    return Status::ok();
  }

private:
  int fd_;
  void *handle_;
  std::vector<EntryPoint> entries_;
};

Status checkElfHeader(const artifact::ByteSpan &data) {
  auto fail = [](const std::string &why) {
    return Status(StatusCode::InvalidArgument, "not a loadable shared object: " + why);
  };
  if (data.size < sizeof(Elf64_Ehdr) || std::memcmp(data.data, ELFMAG, SELFMAG) != 0)
    return fail("no ELF header");
  Elf64_Ehdr header;
  std::memcpy(&header, data.data, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
    return fail("not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    return fail("ELF type " + std::to_string(header.e_type) +
                " is not a shared object (link with -shared)");
  if (header.e_machine != kHostMachine)
    return fail("built for ELF machine " + std::to_string(header.e_machine) +
                ", this host is " + kHostMachineName);
  return Status::ok();
}

class CpuDevice final : public Device {
public:
  const std::string &name() const override { return name_; }
  const std::string &kind() const override { return name_; }

  Expected<std::unique_ptr<LoadedExecutable>>
  load(const artifact::ExecutableSpec &exe) override {
    if (exe.target != "cpu" || exe.format != "elf-shared-object")
      return Status(StatusCode::Unimplemented,
                    "the cpu device runs target 'cpu' in format "
                    "'elf-shared-object', not target '" + exe.target +
                        "' in format '" + exe.format + "'");
    if (Status s = checkElfHeader(exe.data); !s)
      return s;
    int fd = ::memfd_create("systolic-cpu-executable", MFD_CLOEXEC);
    if (fd < 0)
      return Status(StatusCode::Internal,
                    std::string("memfd_create failed: ") + std::strerror(errno));
    for (size_t done = 0; done < exe.data.size;) {
      ssize_t n = ::write(fd, exe.data.data + done, exe.data.size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        Status s(StatusCode::Internal,
                 std::string("writing the memfd failed: ") + std::strerror(errno));
        ::close(fd);
        return s;
      }
      done += static_cast<size_t>(n);
    }
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *why = ::dlerror();
      ::close(fd);
      return Status(StatusCode::InvalidArgument,
                    std::string("dlopen failed: ") + (why ? why : "unknown error"));
    }
    std::vector<EntryPoint> entries;
    for (const std::string &entry : exe.entryPoints) {
      ::dlerror();
      void *symbol = ::dlsym(handle, entry.c_str());
      if (!symbol) {
        ::dlclose(handle);
        ::close(fd);
        return Status(StatusCode::NotFound,
                      "entry point '" + entry + "' is not defined by the shared object");
      }
      entries.push_back(reinterpret_cast<EntryPoint>(symbol));
    }
    return std::unique_ptr<LoadedExecutable>(
        std::make_unique<CpuExecutable>(fd, handle, std::move(entries)));
  }

private:
  std::string name_ = "cpu";
};

} // namespace

std::shared_ptr<Device> createCpuDevice() { return std::make_shared<CpuDevice>(); }

} // namespace systolic::runtime
