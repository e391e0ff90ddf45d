#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include "support/cuda.h"
#include "trit/autograd/grad_mode.h"
#include "trit/nn/init.h"
#include "trit/nn/module.h"
#include "trit/ops/binary.h"

using namespace trit;
using namespace trit::nn;

namespace {

// A small tree: Net { layers: ModuleList<Block>{ Block { attn: Leaf } }, head: Leaf }.
struct Leaf : Module {
  Tensor weight, bias, count;
  explicit Leaf(int64_t n) {
    weight = register_parameter("weight", Tensor::zeros({n, n}));
    bias = register_parameter("bias", Tensor::zeros({n}));
    count = register_buffer("count", Tensor::zeros({1}, DType::i32));
  }
};

struct Block : Module {
  std::shared_ptr<Leaf> attn;
  Block() { attn = register_module("attn", std::make_shared<Leaf>(2)); }
};

struct Net : Module {
  std::shared_ptr<ModuleList<Block>> layers;
  std::shared_ptr<Leaf> head;
  explicit Net(int n_layers) {
    auto list = std::make_shared<ModuleList<Block>>();
    for (int i = 0; i < n_layers; ++i) list->push_back(std::make_shared<Block>());
    layers = register_module("layers", list);
    head = register_module("head", std::make_shared<Leaf>(3));
  }
};

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("module names parameters by walking the tree, in registration order") {
  Net net(2);
  const NamedTensors named = net.named_parameters();
  REQUIRE(named.size() == 6);
  CHECK(named[0].first == "layers.0.attn.weight");
  CHECK(named[1].first == "layers.0.attn.bias");
  CHECK(named[2].first == "layers.1.attn.weight");
  CHECK(named[4].first == "head.weight");
  CHECK(named[5].first == "head.bias");
  // Each tensor carries its dotted name, so errors inside ops can name it.
  for (const auto& [name, t] : named) {
    CHECK(t.name() == name);
    CHECK(t.is_leaf());
    CHECK(t.requires_grad());
  }
  CHECK(net.layers->size() == 2);
  CHECK((*net.layers)[1].attn->weight.name() == "layers.1.attn.weight");
  CHECK(net.n_parameters() == 2 * (4 + 2) + (9 + 3));
  const NamedTensors buffers = net.named_buffers();
  REQUIRE(buffers.size() == 3);
  CHECK(buffers[2].first == "head.count");
  CHECK_FALSE(buffers[2].second.requires_grad());
}

TEST_CASE("state dict holds parameters and buffers and round-trips into another module") {
  Net a(2), b(2);
  Generator gen(7);
  for (Tensor& p : a.parameters()) init::normal_(p, 1.0, gen);
  a.head->count.data<int32_t>()[0] = 41;

  const StateDict sd = a.state_dict();
  CHECK(sd.size() == 9);
  CHECK(sd.count("layers.1.attn.bias") == 1);
  CHECK(sd.count("head.count") == 1);
  b.load_state_dict(sd);
  const StateDict sb = b.state_dict();
  for (const auto& [name, t] : sd) {
    INFO(name);
    const Tensor& u = sb.at(name);
    CHECK_FALSE(u.same(t));  // b keeps its own tensors; values were copied
    if (t.dtype() == DType::f32) CHECK(u.to_vector<float>() == t.to_vector<float>());
    else CHECK(u.to_vector<int32_t>() == t.to_vector<int32_t>());
  }
  CHECK(b.head->count.data<int32_t>()[0] == 41);
  // Still leaves that require grad after loading.
  CHECK(b.head->weight.requires_grad());
  CHECK(b.head->weight.is_leaf());
}

TEST_CASE("strict load lists missing and unexpected keys; non-strict ignores them") {
  Net a(2), b(1);
  StateDict sd = a.state_dict();  // has layers.1.* that b lacks
  sd.erase("head.bias");
  const std::string msg = error_of([&] { b.load_state_dict(sd); });
  CHECK(contains(msg, "missing keys: head.bias"));
  CHECK(contains(msg, "unexpected keys: "));
  CHECK(contains(msg, "layers.1.attn.weight"));
  CHECK(contains(msg, "layers.1.attn.count"));

  Generator gen(3);
  init::normal_(a.head->bias, 1.0, gen);
  b.load_state_dict(a.state_dict(), /*strict=*/false);
  CHECK(b.head->bias.to_vector<float>() == a.head->bias.to_vector<float>());
}

TEST_CASE("load rejects a shape or dtype mismatch even when not strict, naming the tensor") {
  Net a(1);
  StateDict sd = a.state_dict();
  sd["head.weight"] = Tensor::zeros({3, 4});
  std::string msg = error_of([&] { a.load_state_dict(sd, false); });
  CHECK(contains(msg, "head.weight"));
  CHECK(contains(msg, "[3, 4]"));
  CHECK(contains(msg, "[3, 3]"));
  sd = a.state_dict();
  sd["head.bias"] = Tensor::zeros({3}, DType::f64);
  msg = error_of([&] { a.load_state_dict(sd); });
  CHECK(contains(msg, "head.bias"));
  CHECK(contains(msg, "f64"));
}

TEST_CASE("train and eval propagate to every child, including ones added later") {
  Net net(2);
  CHECK(net.is_training());
  net.eval();
  CHECK_FALSE(net.is_training());
  CHECK_FALSE((*net.layers)[1].attn->is_training());
  CHECK_FALSE(net.head->is_training());
  net.train();
  CHECK((*net.layers)[0].attn->is_training());
  net.eval();
  auto extra = net.layers->push_back(std::make_shared<Block>());
  CHECK_FALSE(extra->attn->is_training());
}

TEST_CASE("zero_grad drops every parameter's gradient") {
  Net net(1);
  for (Tensor& p : net.parameters()) p.set_grad(Tensor::ones(p.shape()));
  net.zero_grad();
  for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("registration rejects bad and duplicate names and non-leaf parameters") {
  struct Bad : Module {
    void add(const std::string& name) { register_parameter(name, Tensor::zeros({2})); }
    void add_buffer(const std::string& name) { register_buffer(name, Tensor::zeros({2})); }
    void add_child(const std::string& name) { register_module(name, std::make_shared<Leaf>(1)); }
  };
  Bad m;
  m.add("w");
  CHECK(contains(error_of([&] { m.add("w"); }), "already used"));
  CHECK(contains(error_of([&] { m.add_buffer("w"); }), "already used"));
  CHECK(contains(error_of([&] { m.add_child("w"); }), "already used"));
  CHECK(contains(error_of([&] { m.add("a.b"); }), "'a.b'"));
  CHECK(contains(error_of([&] { m.add(""); }), "non-empty"));
}

TEST_CASE("a tensor registered twice (tied weights) is listed once, under its first name") {
  struct Tied : Module {
    std::shared_ptr<Leaf> a;
    Tensor tied;
    Tied() {
      a = register_module("a", std::make_shared<Leaf>(2));
      struct Holder : Module {
        explicit Holder(Tensor t) { register_parameter("w", t); }
      };
      register_module("b", std::make_shared<Holder>(a->weight));
    }
  };
  Tied m;
  const NamedTensors named = m.named_parameters();
  REQUIRE(named.size() == 2);
  CHECK(named[0].first == "a.weight");
  CHECK(m.parameters().size() == 2);
  CHECK(m.a->weight.name() == "a.weight");  // the tensor carries the name it is listed under
  CHECK(m.state_dict().count("b.w") == 0);
}

TEST_CASE("init helpers are deterministic and give the asked statistics") {
  Tensor a = Tensor::empty({256, 64}), b = Tensor::empty({256, 64});
  Generator g1(11), g2(11);
  init::normal_(a, 0.5, g1, 1.0);
  init::normal_(b, 0.5, g2, 1.0);
  const std::vector<float> va = a.to_vector<float>();
  CHECK(va == b.to_vector<float>());
  double s = 0, s2 = 0;
  for (float x : va) s += x;
  const double mean = s / double(va.size());
  for (float x : va) s2 += (x - mean) * (x - mean);
  const double sd = std::sqrt(s2 / double(va.size()));
  CHECK(mean == Approx(1.0).margin(0.02));
  CHECK(sd == Approx(0.5).margin(0.02));

  init::uniform_(a, -2.0, -1.0, g1);
  const std::vector<float> vu = a.to_vector<float>();
  CHECK(*std::min_element(vu.begin(), vu.end()) >= -2.0f);
  CHECK(*std::max_element(vu.begin(), vu.end()) <= -1.0f);
  CHECK(*std::min_element(vu.begin(), vu.end()) < -1.99f);
  init::ones_(a);
  CHECK(a.to_vector<float>() == std::vector<float>(va.size(), 1.0f));
  init::zeros_(a);
  CHECK(a.to_vector<float>() == std::vector<float>(va.size(), 0.0f));
}

TEST_CASE("to(device) on the device a module is on keeps every tensor as it is") {
  Net net(2);
  const void* before = net.head->weight.storage()->data();
  net.to(Device::cpu());
  CHECK(net.head->weight.storage()->data() == before);
}

TEST_CASE("to(cuda) moves parameters and buffers in place, tied weights once, and back") {
  TRIT_REQUIRE_GPU();
  struct Tied : Module {
    std::shared_ptr<Leaf> a;
    Tied() {
      a = register_module("a", std::make_shared<Leaf>(2));
      struct Holder : Module {
        explicit Holder(Tensor t) { register_parameter("w", t); }
      };
      register_module("b", std::make_shared<Holder>(a->weight));
    }
  };
  Tied m;
  {
    NoGradGuard no_grad;
    fill_(m.a->weight, 1.5);
  }
  m.a->weight.set_grad(Tensor::ones({2, 2}));
  m.to(Device::cuda(0));
  for (const auto& [name, t] : m.state_dict()) {
    INFO(name);
    CHECK(t.device() == Device::cuda(0));
  }
  CHECK(m.a->weight.device() == Device::cuda(0));  // the handle the module holds
  CHECK(m.a->weight.requires_grad());
  CHECK(m.a->weight.name() == "a.weight");
  CHECK_FALSE(m.a->weight.grad().defined());
  m.to(Device::cpu());
  CHECK(m.a->weight.to_vector<float>() == std::vector<float>(4, 1.5f));
  CHECK(m.a->count.device() == Device::cpu());
}
