#include "trit/core/parallel.h"

#include <cblas.h>

namespace trit {

void set_num_threads(int n) {
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

}  // namespace trit
