#include "trit/telemetry/metrics_writer.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include "trit/core/error.h"

namespace trit::telemetry {

std::string format_json_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  TRIT_CHECK(ec == std::errc(), "cannot format the number ", value);
  std::string text(buf, end);
  // Keep floats recognisable as floats to typed readers: 47 -> 47.0 (1e+20 stays).
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string quote_json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
  return out;
}

MetricsRecord::MetricsRecord(int64_t step, double time, std::string split)
    : step_(step), time_(time), split_(std::move(split)) {
  TRIT_CHECK(!split_.empty(), "metrics record at step ", step, ": empty split name");
}

void MetricsRecord::check_new_key(std::string_view key) const {
  TRIT_CHECK(!key.empty(), "metrics record at step ", step_, ": empty key");
  TRIT_CHECK(key != "step" && key != "time" && key != "split", "metrics record at step ",
             step_, ": key '", key, "' is reserved (step, time and split are always written)");
  for (const Field& f : fields_)
    TRIT_CHECK(f.key != key, "metrics record at step ", step_, ": key '", key, "' added twice");
}

MetricsRecord& MetricsRecord::add(std::string_view key, double value) {
  check_new_key(key);
  fields_.push_back({std::string(key), value});
  return *this;
}

MetricsRecord& MetricsRecord::add_int(std::string_view key, int64_t value) {
  check_new_key(key);
  fields_.push_back({std::string(key), value});
  return *this;
}

std::string MetricsRecord::to_json_line() const {
  std::string line = "{\"step\":" + std::to_string(step_);
  line += ",\"time\":" + format_json_number(time_);
  line += ",\"split\":" + quote_json_string(split_);
  for (const Field& f : fields_) {
    line += ',';
    line += quote_json_string(f.key);
    line += ':';
    if (const auto* i = std::get_if<int64_t>(&f.value))
      line += std::to_string(*i);
    else
      line += format_json_number(std::get<double>(f.value));
  }
  line += "}\n";
  return line;
}

namespace {

// Length of `path` up to and including its last '\n' (0 when there is none).
uint64_t complete_lines_length(const std::filesystem::path& path, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  TRIT_CHECK(in, "cannot read ", path);
  char buf[4096];
  uint64_t end = size;
  while (end > 0) {
    uint64_t n = std::min<uint64_t>(end, sizeof buf);
    in.seekg(static_cast<std::streamoff>(end - n));
    in.read(buf, static_cast<std::streamsize>(n));
    TRIT_CHECK(in, "cannot read ", path, " at byte ", end - n);
    for (uint64_t i = n; i > 0; --i)
      if (buf[i - 1] == '\n') return end - n + i;
    end -= n;
  }
  return 0;
}

}  // namespace

MetricsWriter::MetricsWriter(const std::filesystem::path& run_dir) {
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  TRIT_CHECK(!ec, "cannot create the run folder ", run_dir, ": ", ec.message());
  file_ = AppendFile(run_dir / kFileName);
  uint64_t size = file_.size();
  if (size > 0) {
    uint64_t keep = complete_lines_length(file_.path(), size);
    if (keep < size) {
      file_.truncate(keep);
      torn_bytes_dropped_ = size - keep;
    }
  }
}

void MetricsWriter::write(const MetricsRecord& record) { file_.append(record.to_json_line()); }

}  // namespace trit::telemetry
