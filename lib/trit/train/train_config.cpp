#include "trit/train/train_config.h"

#include "trit/models/registry.h"

namespace trit::train {

const config::Schema& train_schema() {
  static const config::Schema schema = [] {
    config::Schema s;
    s.add_string("run.name", "run", "run name; the run folder is <run.dir>/<run.name>");
    s.add_string("run.dir", "runs", "folder that holds run folders");
    s.add_int("run.seed", 1337, "seed of model init, data order and dropout").min(0);
    s.add_int("run.threads", 0, "CPU threads (0: all cores)").min(0);
    s.add_enum("run.device", "cpu", {"cpu", "cuda"}, "device to train on");

    s.add_string("data.path", "", "dataset file made by trit-data prepare (.h5)");

    const models::ModelConfig d;
    s.add_enum("model.family", d.family, models::model_families(), "model family");
    s.add_int("model.vocab_size", 0, "vocabulary size (0: the dataset's)").min(0);
    s.add_int("model.d_model", d.d_model, "residual width").min(2);
    s.add_int("model.n_layers", d.n_layers, "transformer blocks").min(1);
    s.add_int("model.n_heads", d.n_heads, "attention heads").min(1);
    s.add_int("model.n_kv_heads", d.n_kv_heads, "key/value heads (grouped-query attention)").min(1);
    s.add_int("model.d_ff", d.d_ff, "FFN hidden width").min(1);
    s.add_int("model.max_seq_len", d.max_seq_len, "longest sequence the model accepts").min(1);
    s.add_float("model.rope_theta", d.rope_theta, "RoPE base").min(1);
    s.add_float("model.norm_eps", d.norm_eps, "RMSNorm epsilon").min(0);
    s.add_enum("model.ffn", d.ffn, {"swiglu", "relu2_glu"}, "FFN activation");
    s.add_bool("model.tie_embeddings", d.tie_embeddings, "output head shares the token embedding");
    s.add_float("model.init_std", d.init_std, "std of the normal weight init").min(0);
    s.add_int("model.n_tiles", d.n_tiles, "trix: FFN tiles per layer").min(1);
    s.add_int("model.d_tile", d.d_tile, "trix: hidden width of each tile").min(1);
    s.add_enum("model.router", d.router, {"signature", "learned", "learned_st", "hash"}, "trix: router choosing one tile per token");
    s.add_float("model.aux_loss_weight", d.aux_loss_weight, "trix: weight of the load-balancing loss (0: off)").min(0);
    s.add_float("model.router_prior", d.router_prior,
                "trix, learned routers: start value of the per-token routing bias on each token's hash tile (0: none)")
        .min(0);
    s.add_float("model.router_lr_scale", d.router_lr_scale,
                "trix, learned routers: factor on the router's learning rate (logits = s * x Wr^T)")
        .min(1e-6);
    s.add_bool("model.router_dense_grad", d.router_dense_grad,
               "trix, learned routers: the router's gradient also scores the tiles not chosen, by their batch-mean output");
    s.add_int("model.spectral_window", d.spectral_window, "byte_spectral: bytes in the embedding's DFT window (even)").min(2);
    s.add_enum("model.spectral_features", d.spectral_features, {"magnitude", "phase", "both"}, "byte_spectral: DFT features");
    s.add_enum("model.embedding", d.embedding, {"spectral", "table", "both"}, "byte_spectral: input embedding");
    s.add_enum("model.filter", d.filter, {"explicit", "implicit"}, "byte_spectral: long-convolution filters");
    s.add_int("model.attention_every", d.attention_every, "byte_spectral: one attention block every K blocks (0: none)").min(0);

    s.add_int("train.batch_size", 16, "sequences per micro-batch").min(1);
    s.add_int("train.seq_len", 256, "tokens per sequence").min(1);
    s.add_int("train.grad_accum", 1, "micro-batches per optimizer step").min(1);
    s.add_int("train.max_steps", 1000, "optimizer steps of the run").min(1);
    s.add_float("train.max_minutes", 0, "stop (with a checkpoint) after this much training time; 0: no limit").min(0);
    s.add_int("train.log_interval", 10, "steps between plain progress lines").min(1);
    s.add_enum("train.amp", "none", {"none", "bf16", "fp16"},
               "mixed precision: matmuls and attention of the forward in bf16 or fp16 (fp16 with dynamic loss scaling); "
               "norms, softmax, losses, master weights and optimizer state stay float32");

    s.add_enum("optim.name", "adamw", {"adamw", "sgd"}, "optimizer");
    s.add_float("optim.lr", 1.5e-3, "peak learning rate").min(0);
    s.add_float("optim.min_lr", 1.5e-4, "final learning rate (cosine, linear)").min(0);
    s.add_enum("optim.schedule", "cosine", {"cosine", "linear", "constant", "bitnet_two_stage"}, "learning-rate schedule");
    s.add_int("optim.warmup_steps", 100, "linear warmup steps").min(0);
    s.add_float("optim.weight_decay", 0.1, "decoupled weight decay on matrices (peak, for bitnet_two_stage)").min(0);
    s.add_float("optim.beta1", 0.9, "AdamW beta1").range(0, 1);
    s.add_float("optim.beta2", 0.95, "AdamW beta2").range(0, 1);
    s.add_float("optim.eps", 1e-8, "AdamW epsilon").min(0);
    s.add_float("optim.momentum", 0.9, "SGD momentum").range(0, 1);
    s.add_float("optim.grad_clip", 1.0, "global gradient-norm clip (0: off)").min(0);
    s.add_float("optim.stage2_lr", 0, "bitnet_two_stage: rate after the midpoint drop (0: 2/3 of optim.lr)").min(0);

    s.add_int("eval.interval", 100, "steps between validation runs (0: only at the end)").min(0);
    s.add_int("eval.batches", 20, "validation batches per run").min(1);

    s.add_int("checkpoint.interval", 500, "steps between checkpoints (0: only at the end)").min(0);
    s.add_int("checkpoint.keep", 3, "newest checkpoints kept (0: keep all)").min(0);
    return s;
  }();
  return schema;
}

models::ModelConfig model_config_from(const config::Config& c, int64_t dataset_vocab) {
  models::ModelConfig m;
  m.family = c.get_string("model.family");
  m.vocab_size = c.get_int("model.vocab_size") ? c.get_int("model.vocab_size") : dataset_vocab;
  TRIT_CHECK(m.vocab_size >= dataset_vocab, "model.vocab_size ", m.vocab_size, " is smaller than the dataset's ",
             dataset_vocab, " tokens");
  m.d_model = c.get_int("model.d_model");
  m.n_layers = c.get_int("model.n_layers");
  m.n_heads = c.get_int("model.n_heads");
  m.n_kv_heads = c.get_int("model.n_kv_heads");
  m.d_ff = c.get_int("model.d_ff");
  m.max_seq_len = c.get_int("model.max_seq_len");
  m.rope_theta = c.get_float("model.rope_theta");
  m.norm_eps = c.get_float("model.norm_eps");
  m.ffn = c.get_string("model.ffn");
  m.tie_embeddings = c.get_bool("model.tie_embeddings");
  m.init_std = c.get_float("model.init_std");
  m.n_tiles = c.get_int("model.n_tiles");
  m.d_tile = c.get_int("model.d_tile");
  m.router = c.get_string("model.router");
  m.aux_loss_weight = c.get_float("model.aux_loss_weight");
  m.router_prior = c.get_float("model.router_prior");
  m.router_lr_scale = c.get_float("model.router_lr_scale");
  m.router_dense_grad = c.get_bool("model.router_dense_grad");
  m.spectral_window = c.get_int("model.spectral_window");
  m.spectral_features = c.get_string("model.spectral_features");
  m.embedding = c.get_string("model.embedding");
  m.filter = c.get_string("model.filter");
  m.attention_every = c.get_int("model.attention_every");
  m.validate();
  TRIT_CHECK(c.get_int("train.seq_len") <= m.max_seq_len, "train.seq_len ", c.get_int("train.seq_len"),
             " exceeds model.max_seq_len ", m.max_seq_len);
  return m;
}

}  // namespace trit::train
