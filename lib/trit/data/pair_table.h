#pragma once
// PairTable: an open-addressing hash map keyed by a pair of token ids (left, right), used for
// BPE merge ranks (encoding) and pair counts (training). Linear probing, power-of-two
// capacity kept at most half full; entries are never erased (a count may drop to zero).
#include <cstdint>
#include <utility>
#include <vector>

namespace trit::data {

inline uint64_t pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}
inline int32_t pair_left(uint64_t key) { return static_cast<int32_t>(key >> 32); }
inline int32_t pair_right(uint64_t key) { return static_cast<int32_t>(key & 0xffffffffu); }

template <typename V>
class PairTable {
 public:
  explicit PairTable(size_t expected = 16) { rehash(capacity_for(expected)); }

  // Pointer to the value of key, or nullptr.
  const V* find(uint64_t key) const {
    size_t i = slot(key);
    while (keys_[i] != kEmpty) {
      if (keys_[i] == key) return &values_[i];
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  V* find(uint64_t key) { return const_cast<V*>(std::as_const(*this).find(key)); }

  // The value of key, inserted as V{} when absent.
  V& operator[](uint64_t key) {
    size_t i = slot(key);
    while (keys_[i] != kEmpty) {
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask_;
    }
    if (2 * (size_ + 1) > keys_.size()) {
      rehash(keys_.size() * 2);
      return (*this)[key];
    }
    keys_[i] = key;
    values_[i] = V{};
    ++size_;
    return values_[i];
  }

  size_t size() const { return size_; }

  template <typename F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != kEmpty) f(keys_[i], values_[i]);
  }

 private:
  // Both ids are below 2^31, so this key never occurs.
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  static size_t capacity_for(size_t n) {
    size_t c = 16;
    while (c < 2 * n) c *= 2;
    return c;
  }
  size_t slot(uint64_t key) const {
    // Fibonacci hashing: the high bits of key * 2^64/phi mix every bit of both ids.
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> shift_);
  }
  void rehash(size_t capacity) {
    std::vector<uint64_t> old_keys = std::move(keys_);
    std::vector<V> old_values = std::move(values_);
    keys_.assign(capacity, kEmpty);
    values_.assign(capacity, V{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i] != kEmpty) (*this)[old_keys[i]] = std::move(old_values[i]);
  }

  std::vector<uint64_t> keys_;
  std::vector<V> values_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace trit::data
