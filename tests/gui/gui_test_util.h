#pragma once
// Small helpers shared by the trit-monitor Qt tests: writing and appending files.
#include <QtTest>

#include <fstream>
#include <string>

namespace trit::monitor::testing {

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  QVERIFY2(out.good(), path.c_str());
  out << text;
}

inline void append_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  QVERIFY2(out.good(), path.c_str());
  out << text;
}

inline std::string train_line(long long step, double loss, double time = 1000.0) {
  return "{\"step\":" + std::to_string(step) + ",\"time\":" + std::to_string(time + step) +
         ",\"split\":\"train\",\"loss\":" + std::to_string(loss) + "}\n";
}

}  // namespace trit::monitor::testing
