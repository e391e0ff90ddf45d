#pragma once
// Reading JSON configuration files. Comments (// and /* */) are allowed; a key repeated in
// one object is an error (plain JSON readers silently keep the last). Errors name the file
// and the line and column of the problem: "run.json:3:14: invalid JSON: ...".
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

namespace trit::config {

nlohmann::json parse_json_text(std::string_view text, std::string_view source);
nlohmann::json load_json_file(const std::filesystem::path& path);

// Line and column (both from 1) of the byte at 0-based `offset` in `text`.
struct TextPosition {
  size_t line = 1, column = 1;
};
TextPosition position_of(std::string_view text, size_t offset);

}  // namespace trit::config
