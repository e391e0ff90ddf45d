#pragma once
// TFRecord framing, the container of TensorBoard event files. A file is a sequence of
// records, each laid out as (all integers little-endian):
//   offset 0       uint64  length            number of data bytes
//   offset 8       uint32  masked_crc32c(the 8 length bytes)
//   offset 12      byte    data[length]
//   offset 12+len  uint32  masked_crc32c(data)
// masked(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32), see crc32c.h.
// There is no file header and no footer.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace trit::telemetry {

// The framed bytes of one record holding `data`.
std::string frame_tfrecord(std::string_view data);

// Splits `bytes` into record payloads, checking both CRCs of every record. Any damage
// (truncation, CRC mismatch) throws trit::Error naming `source`, the record index and the
// byte offset.
std::vector<std::string> parse_tfrecords(std::string_view bytes, std::string_view source);

// The payloads of every record of the file at `path` (see parse_tfrecords).
std::vector<std::string> read_tfrecords(const std::filesystem::path& path);

}  // namespace trit::telemetry
