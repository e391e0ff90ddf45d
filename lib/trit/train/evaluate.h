#pragma once
// Evaluation of a language model on a dataset split: mean next-token loss over
// non-overlapping windows, bits per byte (per raw input byte, so BPE and byte models compare),
// and perplexity with its standard error as llama-perplexity prints it ("PPL = x +/- y").
#include <functional>

#include "trit/data/sampler.h"
#include "trit/models/model.h"

namespace trit::train {

struct EvalResult {
  double loss = 0;         // mean negative log-likelihood per token, nats
  double loss_stderr = 0;  // standard error of that mean
  double bpb = 0;          // bits per raw byte of the split's text
  double ppl = 0;          // exp(loss)
  double ppl_stderr = 0;   // delta method: ppl * loss_stderr
  int64_t n_tokens = 0;    // tokens predicted
  double seconds = 0;
};

// Per-token NLL of a batch of windows [B, T+1] (inputs = first T, targets = last T).
std::vector<double> token_nll(models::LanguageModel& model, const std::vector<int32_t>& windows, int64_t rows,
                              int64_t seq_len);

// Summary statistics of per-token NLLs; bytes_per_token converts nats/token to bits/byte.
EvalResult summarize_nll(const std::vector<double>& nll, double bytes_per_token);

// max_windows < 0: the whole split. on_batch(done, total) reports progress.
EvalResult evaluate_split(models::LanguageModel& model, const data::TokenSplit& tokens, double bytes_per_token,
                          int64_t seq_len, int64_t batch_size, int64_t max_windows,
                          const std::function<void(int64_t, int64_t)>& on_batch = {});

}  // namespace trit::train
