#pragma once
// Errors are exceptions that carry context: which file, tensor, field, and what was expected.
//   TRIT_CHECK(cond, "reading ", path, ": tensor ", name, " has ", n, " dims, expected 2");
// Any argument streamable to std::ostream may be passed; the message is built only on failure.
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace trit {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename... Args>
std::string str_cat(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return out.str();
}

template <typename... Args>
[[noreturn]] void fail(Args&&... args) {
  throw Error(str_cat(std::forward<Args>(args)...));
}

}  // namespace trit

#define TRIT_CHECK(cond, ...)                 \
  do {                                        \
    if (!(cond)) ::trit::fail(__VA_ARGS__);   \
  } while (0)
