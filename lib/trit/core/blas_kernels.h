#pragma once
// OpenBLAS chooses its kernels once, when the library loads, from its cpuid table or the
// OPENBLAS_CORETYPE variable. The table in Debian 12's OpenBLAS (0.3.21) gives AMD CPUs with
// AVX-512 (Zen 4, Zen 5) the AVX2 "Haswell" kernels, at about half the GEMM speed of its
// AVX-512 "SkylakeX" kernels on the same machine (bench/gemm, bench/RESULTS.md). A load-time
// choice can only be changed by starting again, so programs call this first thing in main():
// when the CPU has AVX-512, OpenBLAS runs AVX2 kernels and the user set no OPENBLAS_CORETYPE,
// it re-executes the program once with OPENBLAS_CORETYPE=SkylakeX. Otherwise it returns.
namespace trit {

void select_blas_kernels(char** argv);
const char* blas_kernel_name();  // OpenBLAS's name for the kernels in use, e.g. "SkylakeX"

}  // namespace trit
