//===- Status.h - Error values of the runtime -------------------*- C++ -*-===//
//
// The runtime reports failures as values, never by exceptions or aborts: a
// Status (a code and one precise message) or an Expected<T> (a value or a
// Status). Plain C++17 so that users of the runtime need nothing else.
//
//===----------------------------------------------------------------------===//
#ifndef SYSTOLIC_RUNTIME_STATUS_H
#define SYSTOLIC_RUNTIME_STATUS_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace systolic {
// The inline namespace keeps these names distinct at link time from the
// simulator's own `systolic::Status` (sim/isa/Isa.h): both libraries are linked
// into the compiler and the runtime, and two classes with one mangled name
// would silently share inline members. Source code still says
// systolic::Status; a file must not include both headers (the runtime's accel
// device and the accel code generator talk to the simulator through bridges
// that include only one side).
inline namespace rt {

/// Failure classes; the C API exposes the same numbering.
enum class StatusCode : int {
  Ok = 0,
  InvalidArgument = 1, ///< The caller passed something wrong (shape, dtype...).
  NotFound = 2,        ///< A named thing (file, input, device) does not exist.
  DataLoss = 3,        ///< A file is truncated or corrupted.
  Unimplemented = 4,   ///< Valid, but this build cannot do it (newer format...).
  FailedPrecondition = 5, ///< Called in the wrong state (run before inputs...).
  Internal = 6,        ///< The system failed (mmap, dlopen...).
};

class [[nodiscard]] Status {
public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {
    assert(code != StatusCode::Ok && "an error needs a failure code");
  }
  static Status ok() { return Status(); }

  bool isOk() const { return code_ == StatusCode::Ok; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string &message() const { return message_; }

  /// Prefixes the message with context ("loading 'x.sysm': ...").
  Status withContext(const std::string &context) const {
    return isOk() ? *this : Status(code_, context + ": " + message_);
  }

private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

/// A T or the Status that says why there is none.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  Expected(Status status) : status_(std::move(status)) {
    assert(!status_.isOk() && "an Expected without a value needs an error");
  }

  explicit operator bool() const { return value_.has_value(); }
  const Status &status() const { return status_; }
  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  T take() { return std::move(*value_); }

private:
  std::optional<T> value_;
  Status status_;
};

} // namespace rt
} // namespace systolic

#endif // SYSTOLIC_RUNTIME_STATUS_H
