#include "trit/data/tokenizer_hdf5.h"

#include "trit/core/error.h"
#include "trit/data/hdf5_util.h"

namespace trit::data {

std::string write_tokenizer_group(hid_t parent, const char* name, const TokenizerSpec& spec,
                                  const std::string& where) {
  auto tok = make_tokenizer(spec, where);  // never write a spec that would not load
  h5::Group group(h5::check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                            where, str_cat("cannot create group /", name)));
  std::vector<uint8_t> blob;
  std::vector<int64_t> offsets{0};
  for (const auto& t : spec.tokens) {
    blob.insert(blob.end(), t.begin(), t.end());
    offsets.push_back(static_cast<int64_t>(blob.size()));
  }
  std::vector<int32_t> merges;
  for (auto [l, r] : spec.merges) merges.push_back(l), merges.push_back(r);
  const hid_t g = group.get();
  h5::write_dataset(g, "token_bytes", H5T_NATIVE_UINT8, H5T_STD_U8LE, {blob.size()}, blob.data(),
                    where);
  h5::write_dataset(g, "token_offsets", H5T_NATIVE_INT64, H5T_STD_I64LE, {offsets.size()},
                    offsets.data(), where);
  h5::write_dataset(g, "merges", H5T_NATIVE_INT32, H5T_STD_I32LE, {spec.merges.size(), 2},
                    merges.data(), where);
  h5::write_attribute(g, "kind", spec.kind, where);
  h5::write_attribute(g, "name", tok->name(), where);
  h5::write_attribute(g, "n_vocab", tok->n_vocab(), where);
  h5::write_attribute(g, "n_merges", static_cast<int64_t>(spec.merges.size()), where);
  h5::write_attribute(g, "n_special", static_cast<int64_t>(spec.n_special), where);
  return tok->name();
}

TokenizerSpec read_tokenizer_group(hid_t parent, const char* name, const std::string& where) {
  const std::string ctx = str_cat(where, ": /", name);
  TRIT_CHECK(h5::has_link(parent, name), ctx, " is missing");
  h5::Group group(h5::check(H5Gopen2(parent, name, H5P_DEFAULT), ctx, "cannot open the group"));
  const hid_t g = group.get();
  TokenizerSpec spec;
  spec.kind = h5::read_string_attribute(g, "kind", ctx);
  int64_t n_special = h5::read_int_attribute(g, "n_special", ctx);
  TRIT_CHECK(n_special >= 0 && n_special < (int64_t{1} << 30), ctx, ": n_special ", n_special,
             " is out of range");
  spec.n_special = static_cast<int32_t>(n_special);
  auto blob = h5::read_dataset<uint8_t>(g, "token_bytes", 1, ctx);
  auto offsets = h5::read_dataset<int64_t>(g, "token_offsets", 1, ctx);
  TRIT_CHECK(!offsets.empty() && offsets.front() == 0 &&
                 offsets.back() == static_cast<int64_t>(blob.size()),
             ctx, ": token_offsets do not span token_bytes");
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    TRIT_CHECK(offsets[i] <= offsets[i + 1], ctx, ": token_offsets decrease at ", i);
    spec.tokens.emplace_back(reinterpret_cast<const char*>(blob.data()) + offsets[i],
                             static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
  auto merges = h5::read_dataset<int32_t>(g, "merges", 2, ctx);
  TRIT_CHECK(merges.size() % 2 == 0, ctx, ": merges must have two columns");
  {
    h5::Dataset ds(H5Dopen2(g, "merges", H5P_DEFAULT));
    auto dims = h5::dataset_dims(ds.get(), 2, ctx + ": merges");
    TRIT_CHECK(dims[1] == 2, ctx, ": merges has ", dims[1], " columns, expected 2");
  }
  for (size_t i = 0; i < merges.size(); i += 2) spec.merges.emplace_back(merges[i], merges[i + 1]);
  TRIT_CHECK(h5::read_int_attribute(g, "n_vocab", ctx) == static_cast<int64_t>(spec.tokens.size()),
             ctx, ": n_vocab does not match the number of tokens");
  make_tokenizer(spec, ctx);  // checks bytes, distinct tokens and merges
  return spec;
}

}  // namespace trit::data
