// Errors a researcher can act on: every failed check throws ldd::Error whose what() is the message alone;
// the failed expression and where it was checked travel beside it (where()), for a developer: the
// commands print it when LDD_DEBUG is set.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ldd {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string where = {}) : std::runtime_error(message), where_(std::move(where)) {}
  const std::string& where() const { return where_; }  // "check 'x > 0' failed at file.cpp:12", or empty

 private:
  std::string where_;
};

[[noreturn]] inline void throw_error(const char* expression, const char* file, int line, const std::string& message) {
  std::ostringstream where;
  where << "check '" << expression << "' failed at " << file << ":" << line;
  throw Error(message, where.str());
}

}  // namespace ldd

#define LDD_CHECK(condition, message)                                        \
  do {                                                                       \
    if (!(condition)) {                                                      \
      std::ostringstream ldd_check_stream_;                                  \
      ldd_check_stream_ << message;                                          \
      ::ldd::throw_error(#condition, __FILE__, __LINE__, ldd_check_stream_.str()); \
    }                                                                        \
  } while (0)

#define LDD_FAIL(message) LDD_CHECK(false, message)
