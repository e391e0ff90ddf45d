#pragma once
// "Did you mean ...?" for misspelt keys and choices.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trit::config {

// Edits (insert, delete, substitute, swap of neighbours) turning `a` into `b`.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo: at most one
// edit per three characters (at least one). A dotted key also matches by its last part, so
// "batch_size" suggests "train.batch_size".
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace trit::config
