#pragma once
// Full data as CSV (RFC 4180), one row per point, long format:
//   run,series,step,time,tokens,value
// "run" is the run's name, "series" e.g. "train/loss"; time is seconds since the epoch.
// Empty cells where a value is unknown; NaN and infinities written as nan, inf, -inf.
// Numbers are written with 17 significant digits, so they read back exactly.
#include <ostream>
#include <string>
#include <vector>

namespace trit::monitor {

class Run;

void write_csv(std::ostream& out, const std::vector<const Run*>& runs);
// Writes to a temporary file beside `path` and renames it, so a failure never leaves a
// half-written CSV. Throws std::runtime_error naming the file on failure.
void export_csv(const std::string& path, const std::vector<const Run*>& runs);

std::string csv_quote(const std::string& field);

}  // namespace trit::monitor
