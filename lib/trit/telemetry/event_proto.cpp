#include "trit/telemetry/event_proto.h"

#include <cstring>

#include "trit/core/error.h"

namespace trit::telemetry {
namespace {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Event, Summary, Summary.Value and SessionLog field numbers.
constexpr uint32_t kEventWallTime = 1, kEventStep = 2, kEventFileVersion = 3,
                   kEventSummary = 5, kEventSessionLog = 7;
constexpr uint32_t kSummaryValue = 1;
constexpr uint32_t kValueTag = 1, kValueSimpleValue = 2;
constexpr uint32_t kSessionStatus = 1, kSessionCheckpointPath = 2, kSessionMsg = 3;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_key(std::string& out, uint32_t field, WireType type) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | type);
}

void put_fixed(std::string& out, uint64_t bits, int n_bytes) {
  for (int i = 0; i < n_bytes; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xff);
}

void put_double(std::string& out, uint32_t field, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  put_key(out, field, kFixed64);
  put_fixed(out, bits, 8);
}

void put_float(std::string& out, uint32_t field, float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  put_key(out, field, kFixed32);
  put_fixed(out, bits, 4);
}

void put_bytes(std::string& out, uint32_t field, std::string_view bytes) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// Reads one message's fields in order; every read is bounds-checked.
class WireReader {
 public:
  WireReader(std::string_view bytes, std::string_view source, std::string_view message)
      : bytes_(bytes), source_(source), message_(message) {}

  bool done() const { return at_ >= bytes_.size(); }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      need(1, "varint");
      auto b = static_cast<unsigned char>(bytes_[at_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail(source_, ": ", message_, ": varint longer than 10 bytes at byte ", at_);
  }

  uint64_t fixed(int n_bytes) {
    need(n_bytes, "fixed-width value");
    uint64_t v = 0;
    for (int i = 0; i < n_bytes; ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    at_ += n_bytes;
    return v;
  }

  std::string_view bytes() {
    uint64_t n = varint();
    TRIT_CHECK(n <= bytes_.size() - at_, source_, ": ", message_, ": field of ", n,
               " bytes at byte ", at_, " runs past the end (", bytes_.size() - at_, " left)");
    std::string_view out = bytes_.substr(at_, n);
    at_ += n;
    return out;
  }

  void skip(WireType type) {
    switch (type) {
      case kVarint: varint(); return;
      case kFixed64: fixed(8); return;
      case kLengthDelimited: bytes(); return;
      case kFixed32: fixed(4); return;
    }
    fail(source_, ": ", message_, ": unsupported wire type ", static_cast<int>(type),
         " before byte ", at_);
  }

  void expect(WireType got, WireType want, std::string_view field) {
    TRIT_CHECK(got == want, source_, ": ", message_, ".", field, " has wire type ",
               static_cast<int>(got), ", expected ", static_cast<int>(want));
  }

 private:
  void need(size_t n, std::string_view what) {
    TRIT_CHECK(bytes_.size() - at_ >= n, source_, ": ", message_, ": truncated ", what,
               " at byte ", at_);
  }

  std::string_view bytes_;
  std::string_view source_;
  std::string_view message_;
  size_t at_ = 0;
};

double bits_to_double(uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

float bits_to_float(uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

std::optional<ScalarValue> decode_value(std::string_view bytes, std::string_view source) {
  WireReader r(bytes, source, "Summary.Value");
  ScalarValue out;
  bool has_simple_value = false;
  while (!r.done()) {
    uint64_t key = r.varint();
    auto type = static_cast<WireType>(key & 7);
    uint64_t field = key >> 3;
    if (field == kValueTag) {
      r.expect(type, kLengthDelimited, "tag");
      out.tag = std::string(r.bytes());
    } else if (field == kValueSimpleValue) {
      r.expect(type, kFixed32, "simple_value");
      out.value = bits_to_float(static_cast<uint32_t>(r.fixed(4)));
      has_simple_value = true;
    } else {
      r.skip(type);
    }
  }
  if (!has_simple_value) return std::nullopt;
  return out;
}

Event::SessionLog decode_session_log(std::string_view bytes, std::string_view source) {
  WireReader r(bytes, source, "SessionLog");
  Event::SessionLog out;
  while (!r.done()) {
    uint64_t key = r.varint();
    auto type = static_cast<WireType>(key & 7);
    uint64_t field = key >> 3;
    if (field == kSessionStatus) {
      r.expect(type, kVarint, "status");
      out.status = static_cast<SessionStatus>(static_cast<int32_t>(r.varint()));
    } else if (field == kSessionCheckpointPath) {
      r.expect(type, kLengthDelimited, "checkpoint_path");
      out.checkpoint_path = std::string(r.bytes());
    } else if (field == kSessionMsg) {
      r.expect(type, kLengthDelimited, "msg");
      out.msg = std::string(r.bytes());
    } else {
      r.skip(type);
    }
  }
  return out;
}

}  // namespace

std::string encode_event(const Event& event) {
  std::string out;
  put_double(out, kEventWallTime, event.wall_time);
  put_key(out, kEventStep, kVarint);
  put_varint(out, static_cast<uint64_t>(event.step));
  if (event.file_version) put_bytes(out, kEventFileVersion, *event.file_version);
  if (event.summary) {
    std::string summary, value;
    for (const ScalarValue& v : *event.summary) {
      value.clear();
      put_bytes(value, kValueTag, v.tag);
      put_float(value, kValueSimpleValue, v.value);
      put_bytes(summary, kSummaryValue, value);
    }
    put_bytes(out, kEventSummary, summary);
  }
  if (event.session_log) {
    const Event::SessionLog& log = *event.session_log;
    std::string bytes;
    put_key(bytes, kSessionStatus, kVarint);
    put_varint(bytes, static_cast<uint64_t>(static_cast<int64_t>(log.status)));
    if (!log.checkpoint_path.empty()) put_bytes(bytes, kSessionCheckpointPath, log.checkpoint_path);
    if (!log.msg.empty()) put_bytes(bytes, kSessionMsg, log.msg);
    put_bytes(out, kEventSessionLog, bytes);
  }
  return out;
}

Event decode_event(std::string_view bytes, std::string_view source) {
  WireReader r(bytes, source, "Event");
  Event out;
  while (!r.done()) {
    uint64_t key = r.varint();
    auto type = static_cast<WireType>(key & 7);
    uint64_t field = key >> 3;
    if (field == kEventWallTime) {
      r.expect(type, kFixed64, "wall_time");
      out.wall_time = bits_to_double(r.fixed(8));
    } else if (field == kEventStep) {
      r.expect(type, kVarint, "step");
      out.step = static_cast<int64_t>(r.varint());
    } else if (field == kEventFileVersion) {
      r.expect(type, kLengthDelimited, "file_version");
      out.file_version = std::string(r.bytes());
    } else if (field == kEventSummary) {
      r.expect(type, kLengthDelimited, "summary");
      WireReader summary(r.bytes(), source, "Summary");
      if (!out.summary) out.summary.emplace();
      while (!summary.done()) {
        uint64_t skey = summary.varint();
        auto stype = static_cast<WireType>(skey & 7);
        if ((skey >> 3) == kSummaryValue) {
          summary.expect(stype, kLengthDelimited, "value");
          if (auto v = decode_value(summary.bytes(), source)) out.summary->push_back(*v);
        } else {
          summary.skip(stype);
        }
      }
    } else if (field == kEventSessionLog) {
      r.expect(type, kLengthDelimited, "session_log");
      out.session_log = decode_session_log(r.bytes(), source);
    } else {
      r.skip(type);
    }
  }
  return out;
}

}  // namespace trit::telemetry
