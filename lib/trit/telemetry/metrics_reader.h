#pragma once
// Reading metrics.jsonl (format in metrics_writer.h) back: for the trainer's resume checks,
// trit-monitor and tests. Each line is a flat JSON object whose values are numbers, strings,
// or the tokens NaN, Infinity, -Infinity (which general JSON libraries reject).
//
// Rules for a whole file:
// - A last line without its '\n' is torn (the writer crashed mid-line): it is skipped.
// - Any other line that does not parse is an error naming the file and line number.
// - Restarts: a record whose step is not greater than the last step seen for its split
//   marks a resumed run that restarted at that step; every earlier record (of any split)
//   with step >= it is orphaned and dropped, as TensorBoard drops orphaned events.
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "trit/telemetry/metrics_writer.h"

namespace trit::telemetry {

// One line (without its '\n'). Requires "step" (integer) and "split" (string); "time"
// defaults to 0 when absent. Other numeric keys become fields in line order; keys with
// string, bool or null values are ignored. Throws trit::Error naming `source`.
MetricsRecord parse_metrics_line(std::string_view line, std::string_view source);

struct MetricsLog {
  std::vector<MetricsRecord> records;  // in file order, orphans removed
  size_t n_orphaned = 0;               // records dropped as orphans of a restart
  bool torn_last_line = false;
};

// Applies the rules above to the text of a metrics.jsonl file.
MetricsLog parse_metrics_log(std::string_view text, std::string_view source);
MetricsLog read_metrics(const std::filesystem::path& path);

}  // namespace trit::telemetry
