#include "trit/telemetry/event_proto.h"

#include <catch2/catch.hpp>

#include "trit/core/error.h"

using namespace trit;
using namespace trit::telemetry;

TEST_CASE("event proto bytes for a file_version event") {
  Event e;
  e.wall_time = 1.0;
  e.step = 0;
  e.file_version = "brain.Event:2";
  // wall_time: key 0x09 + double 1.0; step: key 0x10 + varint 0; file_version: key 0x1a.
  std::string want("\x09\0\0\0\0\0\0\xf0\x3f\x10\x00\x1a\x0d" "brain.Event:2", 26);
  CHECK(encode_event(e) == want);
}

TEST_CASE("event proto bytes for one scalar") {
  Event e;
  e.wall_time = 0.0;
  e.step = 300;  // varint ac 02
  e.summary = std::vector<ScalarValue>{{"a", 1.0f}};
  // summary key 0x2a len 10: value key 0x0a len 8: tag key 0x0a len 1 'a', simple_value key
  // 0x15 + float 1.0 (00 00 80 3f).
  std::string want("\x09\0\0\0\0\0\0\0\0\x10\xac\x02\x2a\x0a\x0a\x08\x0a\x01" "a\x15\0\0\x80\x3f", 24);
  CHECK(encode_event(e) == want);
}

TEST_CASE("event proto session log START is field 7 with status 1") {
  Event e;
  e.session_log = Event::SessionLog{SessionStatus::start, "", ""};
  std::string bytes = encode_event(e);
  CHECK(bytes.substr(11) == std::string("\x3a\x02\x08\x01", 4));
}

TEST_CASE("event proto round trip") {
  Event e;
  e.wall_time = 1763700000.123456;
  e.step = -5;  // negative int64: 10-byte varint
  e.summary = std::vector<ScalarValue>{{"train/loss", 2.31f}, {"train/lr", 6e-4f}, {"", -0.0f}};
  e.session_log = Event::SessionLog{SessionStatus::checkpoint, "ckpt/step_5.h5", "hi"};
  Event d = decode_event(encode_event(e), "test");
  CHECK(d.wall_time == e.wall_time);
  CHECK(d.step == -5);
  CHECK_FALSE(d.file_version);
  REQUIRE(d.summary);
  REQUIRE(d.summary->size() == 3);
  CHECK((*d.summary)[0].tag == "train/loss");
  CHECK((*d.summary)[0].value == 2.31f);
  CHECK((*d.summary)[1].value == 6e-4f);
  CHECK((*d.summary)[2].tag.empty());
  REQUIRE(d.session_log);
  CHECK(d.session_log->status == SessionStatus::checkpoint);
  CHECK(d.session_log->checkpoint_path == "ckpt/step_5.h5");
  CHECK(d.session_log->msg == "hi");
}

TEST_CASE("event proto decoder skips unknown fields and rejects damage") {
  Event e;
  e.step = 7;
  std::string bytes = encode_event(e);
  // An unknown field 4 (graph_def, bytes) and field 6 (log_message) are skipped.
  std::string with_unknown = bytes + std::string("\x22\x03xyz\x32\x00", 7);
  CHECK(decode_event(with_unknown, "t").step == 7);
  CHECK_THROWS_WITH(decode_event(bytes.substr(0, 5), "t.tfevents: record 3"),
                    Catch::Contains("t.tfevents: record 3: Event: truncated"));
  CHECK_THROWS_WITH(decode_event(std::string("\x1a\x7f" "ab", 4), "t"),
                    Catch::Contains("runs past the end"));
  CHECK_THROWS_WITH(decode_event(std::string("\x11\0\0\0\0\0\0\0\0", 9), "t"),
                    Catch::Contains("Event.step has wire type 1, expected 0"));
  CHECK_THROWS_WITH(decode_event(std::string("\x0b", 1), "t"), Catch::Contains("wire type 3"));
}

TEST_CASE("event proto decoder: damaged bytes give trit::Error, never a crash") {
  Event e;
  e.wall_time = 12.5;
  e.step = 1234567;
  e.file_version = "brain.Event:2";
  e.summary = std::vector<ScalarValue>{{"train/loss", 2.5f}, {"val/bpb", 1.0f}};
  e.session_log = Event::SessionLog{SessionStatus::start, "c", "m"};
  const std::string good = encode_event(e);
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  int n_errors = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = good;
    int n_flips = 1 + static_cast<int>(next() % 4);
    for (int k = 0; k < n_flips; ++k) bad[next() % bad.size()] = static_cast<char>(next() >> 24);
    if (trial % 3 == 0) bad.resize(next() % bad.size());
    try {
      decode_event(bad, "fuzz");
    } catch (const Error&) {
      ++n_errors;
    }
  }
  CHECK(n_errors > 0);  // damage is detected often; anything else must decode or throw Error
}
