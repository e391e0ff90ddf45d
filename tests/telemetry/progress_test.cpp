#include "trit/telemetry/progress.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "trit/core/error.h"

using namespace trit::telemetry;

namespace {
struct FakeClock {
  double now = 100.0;
  std::function<double()> fn() {
    return [this] { return now; };
  }
};

size_t count(const std::string& s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }
}  // namespace

TEST_CASE("format_duration") {
  CHECK(format_duration(0) == "0:00:00");
  CHECK(format_duration(47.4) == "0:00:47");
  CHECK(format_duration(3600 * 123 + 61) == "123:01:01");
  CHECK(format_duration(-1) == "?");
}

TEST_CASE("plain progress prints a line every N steps with rate and ETA") {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions o;
  o.total = 1000;
  o.label = "train";
  o.plain_every_steps = 100;
  o.plain_every_seconds = 1e9;
  o.clock = clock.fn();
  Progress p(out, o);
  for (int step = 1; step <= 250; ++step) {
    clock.now += 0.1;  // 10 steps per second
    p.update(step, "loss 2.31");
  }
  CHECK(out.str() ==
        "train 100/1000 (10.0%) 10.0 step/s ETA 0:01:30 loss 2.31\n"
        "train 200/1000 (20.0%) 10.0 step/s ETA 0:01:20 loss 2.31\n");
  p.finish("loss 2.0");
  CHECK(out.str().substr(out.str().rfind("train 250")) == "train 250/1000 (25.0%) 10.0 step/s ETA 0:01:15 loss 2.0\n");
}

TEST_CASE("plain progress also prints after enough seconds, and slow rates as s/step") {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions o;
  o.total = 10;
  o.plain_every_steps = 1000;
  o.plain_every_seconds = 30;
  o.unit = "batch";
  o.clock = clock.fn();
  Progress p(out, o);
  clock.now += 20;
  p.update(1);
  CHECK(out.str().empty());
  clock.now += 20;
  p.update(2);
  CHECK(out.str() == "2/10 (20.0%) 20.00 s/batch ETA 0:02:40\n");
}

TEST_CASE("terminal progress redraws one line at most 10 times a second") {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions o;
  o.total = 200;
  o.label = "train";
  o.terminal = true;
  o.bar_width = 10;
  o.clock = clock.fn();
  Progress p(out, o);
  for (int step = 1; step <= 200; ++step) {
    clock.now += 1.0 / 128;  // 128 steps per second (exact in binary): 1.5625 s in all
    p.update(step, step < 100 ? "loss 10.00" : "loss 9");
  }
  std::string s = out.str();
  CHECK(count(s, '\r') >= 15);
  CHECK(count(s, '\r') <= 17);
  CHECK(count(s, '\n') == 0);
  p.finish();
  s = out.str();
  CHECK(s.back() == '\n');
  std::string last = s.substr(s.rfind('\r') + 1);
  // The final line is padded by one space over the longer "ETA 0:00:00" line before it.
  CHECK(last == "train 100% [##########] 200/200 128 step/s in 0:00:02 loss 9 \n");
  // Every redraw after a longer line is padded to cover it.
  std::string before = s.substr(0, s.rfind('\r'));
  std::string prev = before.substr(before.rfind('\r') + 1);
  CHECK(prev.find("train  9") == 0);
}

TEST_CASE("terminal progress pads over a longer previous line and keeps logs apart") {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions o;
  o.terminal = true;
  o.clock = clock.fn();
  Progress p(out, o);
  clock.now += 1;
  p.update(5, "a long suffix");
  clock.now += 1;
  p.update(6, "x");
  std::string s = out.str();
  std::string first = s.substr(1, s.find('\r', 1) - 1);
  std::string second = s.substr(s.rfind('\r') + 1);
  CHECK(first == "5 5.0 step/s a long suffix");
  CHECK(second.size() == first.size());
  CHECK(second.rfind("6 3.0 step/s x", 0) == 0);
  p.log("val loss 1.9");
  CHECK(out.str().find("\rval loss 1.9\n\r6 3.0 step/s x") != std::string::npos);
}

TEST_CASE("progress of a resumed run rates only the new steps") {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions o;
  o.total = 1000;
  o.start = 500;
  o.plain_every_steps = 50;
  o.clock = clock.fn();
  Progress p(out, o);
  clock.now += 10;
  p.update(550);
  CHECK(out.str() == "550/1000 (55.0%) 5.0 step/s ETA 0:01:30\n");
}

TEST_CASE("progress rejects bad options and updates after finish") {
  std::ostringstream out;
  ProgressOptions o;
  o.total = -1;
  CHECK_THROWS_AS(Progress(out, o), trit::Error);
  o.total = 5;
  Progress p(out, o);
  p.finish();
  CHECK_THROWS_WITH(p.update(1), Catch::Contains("after finish"));
}
