#include <catch2/catch.hpp>

#include <cmath>

#include "trit/optim/schedule.h"

using namespace trit::optim;

TEST_CASE("warmup + cosine at warmup, midpoint and end") {
  const WarmupCosine s{1e-3, 1e-4, 10, 110};
  CHECK(s.lr(0) == Approx(1e-4));  // (0 + 1) / 10 of the peak
  CHECK(s.lr(4) == Approx(5e-4));
  CHECK(s.lr(9) == Approx(1e-3));  // warmup ends at the peak
  CHECK(s.lr(10) == Approx(1e-3));
  CHECK(s.lr(60) == Approx(0.5 * (1e-3 + 1e-4)));  // halfway through the decay
  CHECK(s.lr(35) == Approx(1e-4 + 0.9e-3 * 0.5 * (1 + std::cos(M_PI * 0.25))));
  CHECK(s.lr(110) == Approx(1e-4));
  CHECK(s.lr(1000) == Approx(1e-4));
  CHECK(s.lr(109) > 1e-4);
  CHECK_THROWS_WITH((WarmupCosine{1e-3, 0, 10, 10}.lr(0)), Catch::Contains("total_steps"));
  CHECK_THROWS_WITH(s.lr(-1), Catch::Contains("negative"));
}

TEST_CASE("warmup + linear decay and constant with warmup") {
  const WarmupLinear s{2e-3, 0.0, 0, 100};
  CHECK(s.lr(0) == Approx(2e-3));
  CHECK(s.lr(50) == Approx(1e-3));
  CHECK(s.lr(75) == Approx(0.5e-3));
  CHECK(s.lr(100) == 0.0);
  const WarmupConstant c{3e-4, 3};
  CHECK(c.lr(0) == Approx(1e-4));
  CHECK(c.lr(2) == Approx(3e-4));
  CHECK(c.lr(500) == Approx(3e-4));
  CHECK(WarmupConstant{3e-4, 0}.lr(0) == Approx(3e-4));
  CHECK_THROWS_WITH((WarmupLinear{std::nan(""), 0.0, 0, 10}.lr(0)), Catch::Contains("max_lr"));
}

TEST_CASE("BitNet two-stage schedule: decay in stage 1, drop at the midpoint, weight decay off in stage 2") {
  BitNetTwoStage s;  // 1.5e-3 -> 1e-3, then 1e-3 -> 1.5e-4, weight decay 0.1
  s.warmup_steps = 100;
  s.total_steps = 1100;  // mid = 550
  CHECK(s.midpoint() == 550);
  CHECK(s.lr(0) == Approx(1.5e-5));
  CHECK(s.lr(99) == Approx(1.5e-3));                        // warmup end: stage-1 peak
  CHECK(s.lr(100) == Approx(1.5e-3));
  CHECK(s.lr(325) == Approx(1.25e-3));                      // halfway through stage 1's decay
  CHECK(s.lr(549) == Approx(1.5e-3 - 0.5e-3 * 449.0 / 450));  // just before the midpoint
  CHECK(s.lr(550) == Approx(1e-3));                         // stage 2 starts at its own peak
  CHECK(s.lr(825) == Approx(0.5 * (1e-3 + 1.5e-4)));
  CHECK(s.lr(1100) == Approx(1.5e-4));
  CHECK(s.lr(5000) == Approx(1.5e-4));

  CHECK(s.weight_decay(0) == Approx(0.1));
  CHECK(s.weight_decay(275) == Approx(0.05));  // cosine halfway through stage 1
  CHECK(s.weight_decay(549) > 0.0);
  CHECK(s.weight_decay(549) < 1e-5);
  CHECK(s.weight_decay(550) == 0.0);
  CHECK(s.weight_decay(1099) == 0.0);

  s.total_steps = 150;  // mid 75 < warmup 100
  CHECK_THROWS_WITH(s.lr(0), Catch::Contains("warmup_steps"));
}
