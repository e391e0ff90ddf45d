#include "trit/train/evaluate.h"

#include <chrono>
#include <cmath>

#include "trit/ops/ops.h"

namespace trit::train {

std::vector<double> token_nll(models::LanguageModel& model, const std::vector<int32_t>& windows, int64_t rows,
                              int64_t seq_len) {
  NoGradGuard no_grad;
  std::vector<int32_t> in, tg;
  data::split_windows({windows.data(), size_t(rows * (seq_len + 1))}, seq_len, in, tg);
  // The batch goes to the model's device; only the picked log-probabilities come back.
  const std::vector<Tensor> params = model.parameters();
  const Device device = params.empty() ? Device::cpu() : params.front().device();
  const Tensor ids = Tensor::from_vector(in, {rows, seq_len}).to(device);
  const Tensor logits = model.forward(ids);
  const int64_t V = logits.size(-1);
  const Tensor logp = log_softmax(logits.reshape({rows * seq_len, V}), -1);
  const Tensor picked = gather(logp, 1, Tensor::from_vector(tg, {rows * seq_len, 1}).to(device));
  std::vector<double> nll = picked.to_vector<double>();
  for (double& v : nll) v = -v;
  return nll;
}

EvalResult summarize_nll(const std::vector<double>& nll, double bytes_per_token) {
  EvalResult r;
  r.n_tokens = int64_t(nll.size());
  if (nll.empty()) return r;
  double s = 0, s2 = 0;
  for (double v : nll) {
    s += v;
    s2 += v * v;
  }
  const double n = double(nll.size());
  r.loss = s / n;
  const double var = nll.size() > 1 ? std::max(0.0, (s2 - n * r.loss * r.loss) / (n - 1)) : 0.0;
  r.loss_stderr = std::sqrt(var / n);
  r.ppl = std::exp(r.loss);
  r.ppl_stderr = r.ppl * r.loss_stderr;
  r.bpb = r.loss / std::log(2.0) / bytes_per_token;
  return r;
}

EvalResult evaluate_split(models::LanguageModel& model, const data::TokenSplit& tokens, double bytes_per_token,
                          int64_t seq_len, int64_t batch_size, int64_t max_windows,
                          const std::function<void(int64_t, int64_t)>& on_batch) {
  const auto start = std::chrono::steady_clock::now();
  const bool was_training = model.is_training();
  model.eval();
  data::SequentialWindows windows(tokens, seq_len, 0, 1, max_windows);
  const int64_t total = windows.n_windows();
  TRIT_CHECK(total > 0, "evaluation: the split has ", tokens.size(), " tokens, too few for one window of ",
             seq_len + 1);
  std::vector<double> nll;
  std::vector<int32_t> buf;
  int64_t done = 0;
  for (int64_t rows; (rows = windows.next(batch_size, buf)) > 0;) {
    const auto part = token_nll(model, buf, rows, seq_len);
    nll.insert(nll.end(), part.begin(), part.end());
    done += rows;
    if (on_batch) on_batch(done, total);
  }
  model.train(was_training);
  EvalResult r = summarize_nll(nll, bytes_per_token);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace trit::train
