// llama.cpp's side of the end-to-end runtime bench (bench/RESULTS.md, "Runtime end to end"),
// through its C API: a prompt of 128 tokens in one llama_decode, then 64 single-token decodes,
// the same token ids as trit-eval --bench. Not part of the CMake build (needs a llama.cpp build):
//   gcc -O2 bench/llama_e2e.c -I<llama.cpp>/include -I<llama.cpp>/ggml/include -L<libdir> \
//       -lllama -lggml -lggml-base -Wl,-rpath,<libdir> -o llama_e2e
//   ./llama_e2e model.gguf THREADS [REPS]      prints "pp <tokens/s> tg <tokens/s>" per repetition
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "llama.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int threads = atoi(argv[2]), reps = argc > 3 ? atoi(argv[3]) : 3;
  llama_backend_init();
  struct llama_model_params mp = llama_model_default_params();
  struct llama_model* model = llama_model_load_from_file(argv[1], mp);
  if (!model) return 1;
  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = 512; cp.n_batch = 512; cp.n_ubatch = 512; cp.n_threads = threads; cp.n_threads_batch = threads;
  struct llama_context* ctx = llama_init_from_model(model, cp);
  int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
  llama_token ids[128];
  for (int i = 0; i < 128; ++i) ids[i] = (i * 7 + 3) % n_vocab;
  for (int r = 0; r < reps; ++r) {
    llama_memory_clear(llama_get_memory(ctx), 1);
    double t0 = now();
    if (llama_decode(ctx, llama_batch_get_one(ids, 128))) return 1;
    double t1 = now();
    for (int i = 0; i < 64; ++i) {
      llama_token t = i % n_vocab;
      if (llama_decode(ctx, llama_batch_get_one(&t, 1))) return 1;
    }
    double t2 = now();
    printf("pp %.1f tg %.1f\n", 128 / (t1 - t0), 64 / (t2 - t1));
  }
  return 0;
}
