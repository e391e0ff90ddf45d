#include "trit/core/blas_kernels.h"

#include <cblas.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace trit {

const char* blas_kernel_name() { return openblas_get_corename(); }

void select_blas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;  // the user's choice (or our re-exec)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  const char* core = openblas_get_corename();
  const bool avx2_kernels = core && (std::strcmp(core, "Haswell") == 0 || std::strcmp(core, "Zen") == 0);
  if (!avx512 || !avx2_kernels) return;
  setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE");  // exec failed: carry on with the kernels we have
}

}  // namespace trit
