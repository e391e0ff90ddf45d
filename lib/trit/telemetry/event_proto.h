#pragma once
// Hand-written protobuf (proto3 wire format) for the part of TensorBoard's Event that scalar
// logging needs; field numbers as in tensorboard/compat/proto/event.proto and summary.proto:
//
//   message Event      { double wall_time = 1; int64 step = 2; string file_version = 3;
//                        Summary summary = 5; SessionLog session_log = 7; ... }
//                        (field 6 is log_message, which we never write)
//   message Summary    { repeated Value value = 1; }
//   message Value      { string tag = 1; float simple_value = 2; ... }   (Summary.Value)
//   message SessionLog { SessionStatus status = 1; string checkpoint_path = 2; string msg = 3; }
//   enum SessionStatus { STATUS_UNSPECIFIED = 0; START = 1; STOP = 2; CHECKPOINT = 3; }
//
// Wire form: each field is a varint key (field_number << 3 | wire_type) then its value:
// wire type 0 varint (step, status; negative int64 as 10-byte two's complement), 1 fixed64
// little-endian (wall_time), 2 varint length + bytes (strings, sub-messages), 5 fixed32
// little-endian (simple_value). The encoder writes fields in field-number order and always
// writes wall_time and step. The decoder skips fields it does not know.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trit::telemetry {

enum class SessionStatus : int32_t { unspecified = 0, start = 1, stop = 2, checkpoint = 3 };

struct ScalarValue {
  std::string tag;
  float value = 0;
};

struct Event {
  double wall_time = 0;  // Unix seconds
  int64_t step = 0;
  std::optional<std::string> file_version;   // "brain.Event:2" in the first event of a file
  std::optional<std::vector<ScalarValue>> summary;  // scalars as Summary.Value.simple_value
  struct SessionLog {
    SessionStatus status = SessionStatus::unspecified;
    std::string checkpoint_path;
    std::string msg;
  };
  std::optional<SessionLog> session_log;
};

std::string encode_event(const Event& event);

// Decodes the fields above from one record; `source` names it in errors (file and record).
// Summary values without a simple_value (images, histograms) are skipped.
Event decode_event(std::string_view bytes, std::string_view source);

}  // namespace trit::telemetry
