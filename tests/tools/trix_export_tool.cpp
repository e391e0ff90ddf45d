// trit_test_trix_export OUT.gguf ROUTER TYPE [D_TILE]: builds a small random trix model (seed 5,
// d_model 256, tiles D_TILE wide, default 256), writes it with write_trix_gguf and writes
// OUT.gguf.json holding the model config and, for layer 0, each tile's folded ternary gate
// ([d_tile, d_model] row-major) and down ([d_model, d_tile]) weights so a peer reader can
// compare values.
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "trit/models/trix_export.h"
#include "trit/ops/ops.h"

int main(int argc, char** argv) {
  try {
    if (argc != 4 && argc != 5) {
      std::cerr << "usage: trit_test_trix_export OUT.gguf ROUTER TYPE [D_TILE]\n";
      return 2;
    }
    trit::models::ModelConfig c;
    c.family = "trix";
    c.vocab_size = 300;
    c.d_model = 256;
    c.n_layers = 2;
    c.n_heads = 4;
    c.n_kv_heads = 2;
    c.n_tiles = 4;
    c.d_tile = argc == 5 ? std::stoll(argv[4]) : 256;
    c.max_seq_len = 64;
    c.router = argv[2];
    trit::Generator g(5);
    trit::models::Trix model(c, g);
    trit::models::TrixExportOptions o;
    o.type = argv[3];
    o.name = "trix test model";
    write_trix_gguf(model, argv[1], o);
    nlohmann::json j;
    j["config"] = c.to_json();
    trit::NoGradGuard no_grad;
    for (const auto& t : *model.layers->ptr(0)->ffn->tiles) {
      j["gate_tiles"].push_back(trit::weight_quant_ternary(t->gate.weight()).to_vector<float>());
      j["down_tiles"].push_back(trit::weight_quant_ternary(t->down.weight()).to_vector<float>());
    }
    std::ofstream(std::string(argv[1]) + ".json") << j.dump();
    std::cout << trit::models::trix_llama_cpp_notice() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
