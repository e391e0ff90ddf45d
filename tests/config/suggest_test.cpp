#include "trit/config/suggest.h"

#include <catch2/catch.hpp>

using namespace trit::config;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("batch", "btach") == 1);  // neighbours swapped
  CHECK(edit_distance("lr", "lr") == 0);
}

TEST_CASE("closest_match suggests only likely typos") {
  std::vector<std::string> keys = {"train.batch_size", "train.steps", "optim.lr", "model.n_layers"};
  CHECK(closest_match("train.batchsize", keys) == std::optional<std::string>("train.batch_size"));
  CHECK(closest_match("batch_size", keys) == std::optional<std::string>("train.batch_size"));
  CHECK(closest_match("lr", keys) == std::optional<std::string>("optim.lr"));
  CHECK(closest_match("model.nlayers", keys) == std::optional<std::string>("model.n_layers"));
  CHECK_FALSE(closest_match("temperature", keys));
  CHECK_FALSE(closest_match("x", {}));
  CHECK(join({"a", "b"}) == "a, b");
}
