#include "trit/formats/inspect.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <vector>

#include "trit/formats/checkpoint.h"
#include "trit/formats/gguf_reader.h"
#include "trit/formats/gguf_types.h"
#include "trit/formats/safetensors.h"

namespace trit::formats {

namespace {

using Row = std::vector<std::string>;

// Left-aligned columns, two spaces apart, each as wide as its widest cell.
void print_table(std::ostream& out, const std::vector<Row>& rows, std::string_view indent) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (const auto& row : rows) {
    std::string line(indent);
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

template <typename T>
std::string join_shape(const std::vector<T>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += str_cat(i ? ", " : "", shape[i]);
  return s + "]";
}

std::string plural(uint64_t n, std::string_view word) { return str_cat(n, " ", word, n == 1 ? "" : "s"); }

template <typename T>
std::string format_scalar(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) return quote_string(v);
  else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
  else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    std::array<char, 40> buf{};
    std::snprintf(buf.data(), buf.size(), "%.*g", std::is_same_v<T, float> ? 9 : 17, double(v));
    return buf.data();
  } else if constexpr (sizeof(T) == 1) return std::to_string(int(v));  // not as a character
  else return std::to_string(v);
}

void inspect_gguf(const std::filesystem::path& path, std::ostream& out, const InspectOptions& options) {
  GgufReader r(path);
  out << path.string() << ": GGUF v" << r.version() << ", " << plural(r.metadata().size(), "metadata key") << ", "
      << plural(r.tensors().size(), "tensor") << ", alignment " << r.alignment() << ", data section at offset "
      << r.header().data_offset << "\n";
  out << "metadata:\n";
  for (const auto& [key, value] : r.metadata().entries()) {
    std::string type = gguf_type_name(value.type());
    if (const auto* a = value.get_if<GgufArray>()) type = str_cat("array[", gguf_type_name(a->elem_type()), "]");
    out << "  " << key << ": " << type << " = " << format_gguf_value(value, options.max_array_items) << "\n";
  }
  out << "tensors (shape in ggml order, innermost first; offsets relative to the data section):\n";
  std::vector<Row> rows{{"name", "type", "shape", "offset", "bytes"}};
  for (const auto& t : r.tensors())
    rows.push_back({t.name, ggml_type_name(t.type), join_shape(t.shape), std::to_string(t.offset),
                    std::to_string(t.n_bytes)});
  print_table(out, rows, "  ");
}

void inspect_safetensors(const std::filesystem::path& path, std::ostream& out) {
  SafetensorsReader r(path);
  out << path.string() << ": safetensors, " << plural(r.metadata().size(), "metadata key") << ", "
      << plural(r.tensors().size(), "tensor") << ", data section at offset " << r.header().data_offset << "\n";
  out << "metadata:\n";
  for (const auto& [key, value] : r.metadata()) out << "  " << key << ": string = " << quote_string(value) << "\n";
  out << "tensors (shape row-major, outermost first; offsets relative to the data section):\n";
  std::vector<Row> rows{{"name", "type", "shape", "offset", "bytes"}};
  for (const auto& t : r.tensors())
    rows.push_back({t.name, std::string(safetensors_dtype_name(t.dtype)), join_shape(t.shape),
                    std::to_string(t.begin), std::to_string(t.n_bytes())});
  print_table(out, rows, "  ");
}

void inspect_checkpoint(const std::filesystem::path& path, std::ostream& out) {
  const Checkpoint c = read_checkpoint(path);
  out << path.string() << ": " << kCheckpointFormat << " v" << c.format_version << ", model " << quote_string(c.model)
      << ", step " << c.step << ", tokens " << c.tokens << "\n";
  out << "config: " << c.config_json << "\n";
  const std::pair<const char*, const ArrayGroup*> groups[] = {
      {"params", &c.params}, {"optim", &c.optim}, {"rng", &c.rng}, {"data", &c.data}};
  for (const auto& [group, arrays] : groups) {
    out << group << "/ (" << plural(arrays->size(), "array") << ")\n";
    if (arrays->empty()) continue;
    std::vector<Row> rows{{"name", "type", "shape", "bytes"}};
    for (const auto& [name, a] : *arrays)
      rows.push_back({name, std::string(array_type_name(a.dtype)), join_shape(a.shape), std::to_string(a.bytes.size())});
    print_table(out, rows, "  ");
  }
}

}  // namespace

FileKind detect_file_kind(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  TRIT_CHECK(in.good(), path.string(), ": cannot open for reading");
  std::array<char, 9> head{};
  in.read(head.data(), head.size());
  const auto n = size_t(in.gcount());
  if (n >= 4 && std::string_view(head.data(), 4) == "GGUF") return FileKind::gguf;
  if (n >= 8 && std::string_view(head.data(), 8) == "\x89HDF\r\n\x1a\n") return FileKind::checkpoint;
  if (n >= 9 && head[8] == '{') return FileKind::safetensors;
  return FileKind::unknown;
}

void inspect_file(const std::filesystem::path& path, std::ostream& out, const InspectOptions& options) {
  switch (detect_file_kind(path)) {
    case FileKind::gguf: return inspect_gguf(path, out, options);
    case FileKind::safetensors: return inspect_safetensors(path, out);
    case FileKind::checkpoint: return inspect_checkpoint(path, out);
    case FileKind::unknown: break;
  }
  fail(path.string(), ": not a GGUF, safetensors or trit checkpoint file (unrecognised first bytes)");
}

std::string quote_string(std::string_view s) {
  std::string q = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': q += "\\\""; break;
      case '\\': q += "\\\\"; break;
      case '\n': q += "\\n"; break;
      case '\t': q += "\\t"; break;
      case '\r': q += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          std::array<char, 8> buf{};
          std::snprintf(buf.data(), buf.size(), "\\x%02x", c);
          q += buf.data();
        } else {
          q += ch;  // UTF-8 passes through
        }
    }
  }
  return q + "\"";
}

std::string format_gguf_value(const GgufValue& value, size_t max_array_items) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, GgufArray>) {
          return std::visit(
              [&](const auto& items) -> std::string {
                using V = std::decay_t<decltype(items)>;
                if constexpr (std::is_same_v<V, std::monostate>) {
                  return "[]";
                } else {
                  if (items.size() > max_array_items) {
                    const bool strings = std::is_same_v<V, std::vector<std::string>>;
                    return str_cat("[", items.size(), " ",
                                   strings ? "strings" : gguf_type_name(v.elem_type()) + " values", "]");
                  }
                  std::string s = "[";
                  for (size_t i = 0; i < items.size(); ++i) {
                    using E = typename V::value_type;
                    s += str_cat(i ? ", " : "", format_scalar<E>(E(items[i])));
                  }
                  return s + "]";
                }
              },
              v.data);
        } else {
          return format_scalar<T>(v);
        }
      },
      value.data());
}

}  // namespace trit::formats
