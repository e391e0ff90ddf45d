#pragma once
// One line of a run's metrics.jsonl, parsed.
//
// Format (see shared DESIGN.md, "Files a run leaves"): one JSON object per line, e.g.
//   {"step":120,"time":1763700000.5,"split":"train","loss":2.31,"lr":6e-4,"tokens":491520}
//   {"step":500,"split":"val","loss":1.95,"bpb":2.81}
// - "step" (integer or number) is required; a line without it is rejected.
// - "time" (seconds since the epoch) and "split" are optional; a missing split means "train".
// - every other numeric field becomes a value named "<split>/<field>".
// - numbers may be written as the bare tokens NaN, Infinity, -Infinity (as Python's json
//   module writes them) or as the strings "nan", "inf", "-inf", "infinity" (any case).
// - a record holding "final": true, or "status": "finished"/"done", marks the run finished.
// Other strings, booleans, arrays and nested objects are ignored.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trit::monitor {

struct MetricsRecord {
  long long step = 0;
  double time = 0.0;      // NaN when the line has no "time"
  double tokens = 0.0;    // NaN when the line has no "tokens"
  std::string split = "train";
  bool final_marker = false;
  std::vector<std::pair<std::string, double>> values;  // field name (no split) -> value
};

// Parses one line (without its newline). Returns nullopt and sets *error on a line that is
// not a JSON object or has no usable "step".
std::optional<MetricsRecord> parse_metrics_line(std::string_view line, std::string* error);

// Rewrites the bare tokens NaN, Infinity and -Infinity outside strings into the strings
// "nan", "inf" and "-inf" so that a strict JSON parser accepts the text.
std::string quote_non_finite_tokens(std::string_view text);

// "nan", "inf", "+inf", "-inf", "infinity", "-infinity" (any case) -> value; else nullopt.
std::optional<double> parse_non_finite_string(std::string_view text);

}  // namespace trit::monitor
