// Errors a researcher can act on: every failed check throws ldd::Error with the message first, then the
// failed expression and where it was checked.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace ldd {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void throw_error(const char* expression, const char* file, int line, const std::string& message) {
  std::ostringstream out;
  out << message << " [check '" << expression << "' failed at " << file << ":" << line << "]";
  throw Error(out.str());
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
