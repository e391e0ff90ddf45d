#include "trit/core/dtype.h"

#include "trit/core/error.h"

namespace trit {

DType parse_dtype(std::string_view name) {
#define X(e, t, n, b, f) if (name == n) return DType::e;
  TRIT_DTYPES(X)
#undef X
  std::string valid;
#define X(e, t, n, b, f) valid += std::string(valid.empty() ? "" : ", ") + n;
  TRIT_DTYPES(X)
#undef X
  fail("unknown dtype '", name, "' (valid: ", valid, ")");
}

}  // namespace trit
