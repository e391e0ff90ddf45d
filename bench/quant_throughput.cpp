// Quantize / dequantize throughput of every quant type, in MB/s of float data (input for
// quantize, output for dequantize), at the thread counts given.
//
//   bench_quant [--rows N] [--cols N] [--threads 1,2] [--types tq2_0,q4_k] [--seconds S]
//
// Rows are N(0, 0.02) weights-like values; each measurement repeats the whole matrix until
// at least S seconds have passed and reports the best repetition. The default matrix is small
// (32 x 4096, 0.5 MB) so that repetitions are short: on a shared machine the best one then
// ran without being preempted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "trit/core/error.h"
#include "trit/formats/quant_type.h"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

template <typename Fn>
double best_seconds(Fn&& fn, double min_total) {
  double best = 1e30, total = 0;
  int reps = 0;
  while (total < min_total || reps < 3) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, dt);
    total += dt;
    ++reps;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n_rows = 32, n_cols = 4096;
  std::string threads = "1,2", types;
  double seconds = 0.5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--rows" && has_value) n_rows = std::atoll(argv[++i]);
    else if (arg == "--cols" && has_value) n_cols = std::atoll(argv[++i]);
    else if (arg == "--threads" && has_value) threads = argv[++i];
    else if (arg == "--types" && has_value) types = argv[++i];
    else if (arg == "--seconds" && has_value) seconds = std::atof(argv[++i]);
    else {
      std::fprintf(stderr,
                   "usage: bench_quant [--rows N] [--cols N] [--threads 1,2] [--types tq2_0,q4_k] [--seconds S]\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  try {
    std::vector<trit::QuantType> selected;
    if (types.empty()) selected.assign(std::begin(trit::kAllQuantTypes), std::end(trit::kAllQuantTypes));
    for (const std::string& name : split(types)) selected.push_back(trit::parse_quant_type(name));

    std::mt19937 gen(1);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<float> x(size_t(n_rows * n_cols)), back(x.size());
    for (float& v : x) v = normal(gen);
    const double mb = double(x.size()) * sizeof(float) / 1e6;
    std::printf("%lld x %lld floats (%.1f MB)\n", (long long)n_rows, (long long)n_cols, mb);
    std::printf("%-6s %7s %14s %14s\n", "type", "threads", "quantize MB/s", "dequant MB/s");
    for (trit::QuantType t : selected) {
      std::vector<uint8_t> q(size_t(n_rows) * trit::row_size(t, n_cols));
      for (const std::string& th : split(threads)) {
        const int n_threads = std::atoi(th.c_str());
        const double tq = best_seconds([&] { trit::quantize_rows(t, x.data(), n_rows, n_cols, q.data(), n_threads); }, seconds);
        const double td = best_seconds([&] { trit::dequantize_rows(t, q.data(), n_rows, n_cols, back.data(), n_threads); }, seconds);
        std::printf("%-6s %7d %14.1f %14.1f\n", std::string(trit::quant_name(t)).c_str(), n_threads, mb / tq, mb / td);
      }
    }
  } catch (const trit::Error& e) {
    std::fprintf(stderr, "bench_quant: %s\n", e.what());
    return 1;
  }
  return 0;
}
