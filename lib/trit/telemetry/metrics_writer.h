#pragma once
// metrics.jsonl: the scalar log of a run, one JSON object per line.
//
//   {"step":120,"time":1763700000.5,"split":"train","loss":2.31,"lr":0.0006,"tokens":491520}
//
// Bytes on disk: UTF-8 text, each record one line ending in '\n', no spaces.
// - "step" (integer), "time" (Unix seconds as a float) and "split" (string, e.g. "train",
//   "val") always come first, in that order; the remaining keys follow in the order the
//   record was given them (the trainer always adds them in the same order).
// - Floats are written in the shortest form that reads back to the same double
//   (std::to_chars), with ".0" added when that form has neither '.' nor an exponent, so a
//   float always reads back as a float (47.0, 6e-04, 0.1); integers as integers. NaN, +inf and -inf are written as the bare tokens
//   NaN, Infinity and -Infinity. JSON has no such literals, but Python's json module and
//   JSON5 readers accept them; a strict reader must map them itself.
// - Each line goes to the file with one write(2) call, so a line is never split between two
//   writes; only a crash (or a full disk) can leave a torn last line.
// - On resume the writer appends to the existing file. If its last line is torn (no final
//   '\n'), those bytes are cut first so the file stays a sequence of complete lines. Lines
//   of the earlier run with steps past the resume point stay in the file; readers keep, for
//   each split, only the lines written after the last restart (a step that does not
//   increase marks a restart; earlier lines with step >= it are orphaned).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "trit/telemetry/append_file.h"

namespace trit::telemetry {

// One line of metrics.jsonl: step, time and split, then named numbers.
class MetricsRecord {
 public:
  using Number = std::variant<int64_t, double>;
  struct Field {
    std::string key;
    Number value;
  };

  MetricsRecord(int64_t step, double time, std::string split);

  // Keys must be non-empty, unique, and not "step", "time" or "split".
  MetricsRecord& add(std::string_view key, double value);
  MetricsRecord& add_int(std::string_view key, int64_t value);

  int64_t step() const { return step_; }
  double time() const { return time_; }
  const std::string& split() const { return split_; }
  const std::vector<Field>& fields() const { return fields_; }

  std::string to_json_line() const;  // the line, '\n' included

 private:
  void check_new_key(std::string_view key) const;

  int64_t step_;
  double time_;
  std::string split_;
  std::vector<Field> fields_;
};

// Shortest round-trip text of a double; NaN, Infinity, -Infinity for non-finite values.
std::string format_json_number(double value);
// `text` as a JSON string literal, quotes included.
std::string quote_json_string(std::string_view text);

class MetricsWriter {
 public:
  static constexpr std::string_view kFileName = "metrics.jsonl";

  // Appends to run_dir/metrics.jsonl, creating run_dir and the file when missing.
  explicit MetricsWriter(const std::filesystem::path& run_dir);

  void write(const MetricsRecord& record);  // one line, handed to the kernel before returning
  void close() { file_.close(); }

  const std::filesystem::path& path() const { return file_.path(); }
  // Bytes of a torn last line cut when the file was opened (0 for a clean file).
  uint64_t torn_bytes_dropped() const { return torn_bytes_dropped_; }

 private:
  AppendFile file_;
  uint64_t torn_bytes_dropped_ = 0;
};

}  // namespace trit::telemetry
