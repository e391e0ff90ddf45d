#include "trit/telemetry/tfrecord.h"

#include <fstream>
#include <sstream>

#include "trit/core/error.h"
#include "trit/telemetry/crc32c.h"

namespace trit::telemetry {
namespace {

void put_le(std::string& out, uint64_t v, int n_bytes) {
  for (int i = 0; i < n_bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

uint64_t get_le(std::string_view bytes, size_t at, int n_bytes) {
  uint64_t v = 0;
  for (int i = 0; i < n_bytes; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::string frame_tfrecord(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  put_le(out, data.size(), 8);
  put_le(out, crc32c_mask(crc32c(out)), 4);
  out.append(data);
  put_le(out, crc32c_mask(crc32c(data)), 4);
  return out;
}

std::vector<std::string> parse_tfrecords(std::string_view bytes, std::string_view source) {
  std::vector<std::string> records;
  size_t at = 0;
  while (at < bytes.size()) {
    size_t index = records.size();
    TRIT_CHECK(bytes.size() - at >= 12, source, ": record ", index, " at byte ", at,
               " is truncated: ", bytes.size() - at, " bytes left, a header needs 12");
    uint64_t length = get_le(bytes, at, 8);
    uint32_t length_crc = static_cast<uint32_t>(get_le(bytes, at + 8, 4));
    TRIT_CHECK(crc32c_mask(crc32c(bytes.substr(at, 8))) == length_crc, source, ": record ",
               index, " at byte ", at, ": length CRC mismatch (corrupt file)");
    uint64_t left = bytes.size() - at - 12;
    TRIT_CHECK(left >= 4 && length <= left - 4, source, ": record ", index, " at byte ", at,
               " is truncated: holds ", length, " data bytes but only ", left,
               " bytes follow the header");
    std::string_view data = bytes.substr(at + 12, length);
    uint32_t data_crc = static_cast<uint32_t>(get_le(bytes, at + 12 + length, 4));
    TRIT_CHECK(crc32c_mask(crc32c(data)) == data_crc, source, ": record ", index, " at byte ",
               at, ": data CRC mismatch (corrupt file)");
    records.emplace_back(data);
    at += 16 + length;
  }
  return records;
}

std::vector<std::string> read_tfrecords(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  TRIT_CHECK(in, "cannot open ", path, " for reading");
  std::stringstream content;
  content << in.rdbuf();
  TRIT_CHECK(!in.bad(), "error reading ", path);
  return parse_tfrecords(content.str(), path.string());
}

}  // namespace trit::telemetry
