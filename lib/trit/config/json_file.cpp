#include "trit/config/json_file.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "trit/core/error.h"

namespace trit::config {

TextPosition position_of(std::string_view text, size_t offset) {
  TextPosition pos;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

namespace {

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix (we print the position ourselves).
std::string reason_of(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  size_t at = what.find("column ");
  if (at != std::string::npos) {
    size_t colon = what.find(": ", at);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  size_t bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

}  // namespace

nlohmann::json parse_json_text(std::string_view text, std::string_view source) {
  // The parser callback sees each key of each object; a stack of key sets finds repeats.
  std::vector<std::set<std::string>> open_objects;
  std::string repeated;
  auto callback = [&](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) open_objects.emplace_back();
    if (event == E::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == E::key && !open_objects.empty() && repeated.empty()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second) repeated = key;
    }
    return true;
  };
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based index of the byte the parser stopped at.
    TextPosition pos = position_of(text, e.byte > 0 ? e.byte - 1 : 0);
    fail(source, ":", pos.line, ":", pos.column, ": invalid JSON: ", reason_of(e));
  }
  TRIT_CHECK(repeated.empty(), source, ": key '", repeated,
             "' appears twice in the same object");
  return json;
}

nlohmann::json load_json_file(const std::filesystem::path& path) {
  TRIT_CHECK(!std::filesystem::is_directory(path), "the config file ", path.string(),
             " is a folder");
  std::ifstream in(path, std::ios::binary);
  TRIT_CHECK(in, "cannot open the config file ", path.string(), ": ",
             std::filesystem::exists(path) ? "not readable" : "no such file");
  std::stringstream content;
  content << in.rdbuf();
  TRIT_CHECK(!in.bad(), "error reading ", path.string());
  return parse_json_text(content.str(), path.string());
}

}  // namespace trit::config
