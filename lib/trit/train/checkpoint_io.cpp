#include "trit/train/checkpoint_io.h"

#include <cstring>

#include "trit/models/registry.h"
#include "trit/ops/binary.h"

namespace trit::train {
namespace {

using formats::ArrayGroup;
using formats::NamedArray;

std::vector<uint64_t> shape_of(const Tensor& t) { return {t.shape().begin(), t.shape().end()}; }

NamedArray to_array(const Tensor& t) {
  const Tensor c = t.to(Device::cpu()).contiguous();
  if (c.dtype() == DType::f64) return NamedArray::from<double>({c.data<double>(), size_t(c.numel())}, shape_of(c));
  const Tensor f = c.to(DType::f32);
  return NamedArray::from<float>({f.data<float>(), size_t(f.numel())}, shape_of(f));
}

Tensor to_tensor(const NamedArray& a, const std::string& what) {
  const Shape shape(a.shape.begin(), a.shape.end());
  if (a.dtype == formats::ArrayType::f32) return Tensor::from_vector(a.values<float>(), shape);
  if (a.dtype == formats::ArrayType::f64) return Tensor::from_vector(a.values<double>(), shape);
  fail(what, ": expected f32 or f64, got ", formats::array_type_name(a.dtype));
}

template <typename T>
NamedArray scalar(T v) {
  return NamedArray::from<T>({&v, 1}, {});
}

template <typename T>
T read_scalar(const ArrayGroup& g, const std::string& name, const std::string& where) {
  const auto it = g.find(name);
  TRIT_CHECK(it != g.end(), where, ": checkpoint lacks '", name, "'");
  const auto v = it->second.values<T>();
  TRIT_CHECK(v.size() == 1, where, ": '", name, "' must be a scalar");
  return v[0];
}

NamedArray bytes_array(const std::string& s) {
  return NamedArray::from<uint8_t>({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, {s.size()});
}

const NamedArray& find(const ArrayGroup& g, const std::string& name, const std::string& where) {
  const auto it = g.find(name);
  TRIT_CHECK(it != g.end(), where, ": checkpoint lacks '", name, "'");
  return it->second;
}

}  // namespace

void store_tokenizer(const data::TokenizerSpec& spec, ArrayGroup& group) {
  std::string all;
  std::vector<int64_t> offsets{0};
  for (const std::string& t : spec.tokens) {
    all += t;
    offsets.push_back(int64_t(all.size()));
  }
  std::vector<int32_t> merges;
  for (const auto& [a, b] : spec.merges) merges.insert(merges.end(), {a, b});
  group["tokenizer.kind"] = bytes_array(spec.kind);
  group["tokenizer.token_bytes"] = bytes_array(all);
  group["tokenizer.offsets"] = NamedArray::from<int64_t>(offsets, {offsets.size()});
  group["tokenizer.merges"] = NamedArray::from<int32_t>(merges, {spec.merges.size(), 2});
  group["tokenizer.n_special"] = scalar<int64_t>(spec.n_special);
}

data::TokenizerSpec load_tokenizer(const ArrayGroup& group, const std::string& where) {
  data::TokenizerSpec spec;
  const auto kind = find(group, "tokenizer.kind", where).values<uint8_t>();
  spec.kind.assign(kind.begin(), kind.end());
  const auto bytes = find(group, "tokenizer.token_bytes", where).values<uint8_t>();
  const auto offsets = find(group, "tokenizer.offsets", where).values<int64_t>();
  TRIT_CHECK(!offsets.empty() && offsets.front() == 0 && uint64_t(offsets.back()) == bytes.size(), where,
             ": tokenizer offsets do not cover the token bytes");
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    TRIT_CHECK(offsets[i] <= offsets[i + 1], where, ": tokenizer offsets decrease at token ", i);
    spec.tokens.emplace_back(reinterpret_cast<const char*>(bytes.data()) + offsets[i], size_t(offsets[i + 1] - offsets[i]));
  }
  const auto merges = find(group, "tokenizer.merges", where).values<int32_t>();
  for (size_t i = 0; i + 1 < merges.size(); i += 2) spec.merges.emplace_back(merges[i], merges[i + 1]);
  spec.n_special = int32_t(read_scalar<int64_t>(group, "tokenizer.n_special", where));
  data::make_tokenizer(spec, where);  // validates
  return spec;
}

formats::Checkpoint make_checkpoint(const nlohmann::json& run_config, const models::LanguageModel& model,
                                    const optim::Optimizer& optimizer, const TrainProgress& progress,
                                    const data::TokenizerSpec& tokenizer) {
  formats::Checkpoint c;
  c.model = model.config().family;
  c.config_json = nlohmann::json{{"config", run_config}, {"model", model.config().to_json()}, {"trit_version", TRIT_VERSION}}.dump();
  c.step = progress.step;
  c.tokens = progress.tokens;
  for (const auto& [name, t] : model.named_parameters()) {
    const Tensor f = t.to(Device::cpu()).contiguous().to(DType::f32);
    c.params[name] = NamedArray::from<float>({f.data<float>(), size_t(f.numel())}, shape_of(f));
  }
  for (const auto& [name, t] : optimizer.state_dict()) c.optim[name] = to_array(t);
  for (const auto& [name, t] : progress.loss_scale) c.optim[name] = to_array(t);
  c.rng["dropout.seed"] = scalar<uint64_t>(progress.dropout_rng.seed());
  c.rng["dropout.offset"] = scalar<uint64_t>(progress.dropout_rng.offset());
  c.data["sampler.seed"] = scalar<uint64_t>(progress.sampler.seed);
  c.data["sampler.next_step"] = scalar<uint64_t>(progress.sampler.next_step);
  store_tokenizer(tokenizer, c.data);
  return c;
}

namespace {

void load_params(const formats::Checkpoint& ckpt, models::LanguageModel& model, const std::string& where) {
  nn::StateDict state;
  for (const auto& [name, a] : ckpt.params) state[name] = to_tensor(a, where + ": params/" + name);
  try {
    model.load_state_dict(state, true);
  } catch (const Error& e) {
    fail(where, ": ", e.what());
  }
}

}  // namespace

void restore_checkpoint(const formats::Checkpoint& ckpt, models::LanguageModel& model, optim::Optimizer& optimizer,
                        TrainProgress& progress, const std::string& where) {
  load_params(ckpt, model, where);
  optim::OptimizerState state;
  progress.loss_scale.clear();
  for (const auto& [name, a] : ckpt.optim) {
    Tensor t = to_tensor(a, where + ": optim/" + name);
    if (name.rfind("loss_scale.", 0) == 0) progress.loss_scale[name] = t;  // the fp16 loss scaler's
    else state[name] = t;
  }
  try {
    optimizer.load_state_dict(state);
  } catch (const Error& e) {
    fail(where, ": ", e.what());
  }
  progress.step = ckpt.step;
  progress.tokens = ckpt.tokens;
  progress.dropout_rng = Generator(read_scalar<uint64_t>(ckpt.rng, "dropout.seed", where),
                                   read_scalar<uint64_t>(ckpt.rng, "dropout.offset", where));
  progress.sampler.seed = read_scalar<uint64_t>(ckpt.data, "sampler.seed", where);
  progress.sampler.next_step = read_scalar<uint64_t>(ckpt.data, "sampler.next_step", where);
}

LoadedModel load_model_checkpoint(const std::filesystem::path& path) {
  const std::string where = path.string();
  const formats::Checkpoint ckpt = formats::read_checkpoint(path);
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(ckpt.config_json);
  } catch (const nlohmann::json::exception& e) {
    fail(where, ": config attribute is not JSON: ", e.what());
  }
  TRIT_CHECK(meta.is_object() && meta.contains("model"), where, ": config attribute lacks the model config");
  LoadedModel out;
  models::ModelConfig mc;
  try {
    mc = models::ModelConfig::from_json(meta["model"]);
  } catch (const Error& e) {
    fail(where, ": ", e.what());
  }
  Generator gen(0);
  out.model = models::create_model(mc, gen);
  load_params(ckpt, *out.model, where);
  out.model->eval();
  out.tokenizer = load_tokenizer(ckpt.data, where);
  out.run_config = meta.value("config", nlohmann::json::object());
  out.step = ckpt.step;
  out.tokens = ckpt.tokens;
  return out;
}

}  // namespace trit::train
