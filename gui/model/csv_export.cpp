#include "model/csv_export.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "model/run.h"

namespace trit::monitor {
namespace {

std::string number(double v, bool empty_when_nan) {
  if (std::isnan(v)) return empty_when_nan ? "" : "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string csv_quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void write_csv(std::ostream& out, const std::vector<const Run*>& runs) {
  out << "run,series,step,time,tokens,value\n";
  for (const Run* run : runs) {
    const std::string run_cell = csv_quote(run->name());
    for (const auto& [name, s] : run->series()) {
      const std::string series_cell = csv_quote(name);
      for (size_t i = 0; i < s.size(); ++i) {
        out << run_cell << ',' << series_cell << ',' << static_cast<long long>(s.steps()[i]) << ','
            << number(s.times()[i], true) << ',' << number(s.tokens()[i], true) << ','
            << number(s.values()[i], false) << '\n';
      }
    }
  }
}

void export_csv(const std::string& path, const std::vector<const Run*>& runs) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path + ": cannot open for writing");
    write_csv(out, runs);
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error(path + ": write failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot rename the temporary file into place");
  }
}

}  // namespace trit::monitor
