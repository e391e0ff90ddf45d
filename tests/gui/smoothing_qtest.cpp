// TensorBoard's debiased EMA, checked against values worked out by hand:
//   last = last*w + (1-w)*v;  n += 1;  smoothed = last / (1 - w^n)   (finite v only)
#include <QtTest>

#include <cmath>
#include <random>

#include "model/smoothing.h"

using namespace trit::monitor;

class SmoothingTest : public QObject {
  Q_OBJECT
 private slots:
  void hand_worked_half_weight() {
    // w = 0.5 on [1, 3, NaN, 2]:
    //   v=1: last = 0.5,   n=1, debias 0.5   -> 1
    //   v=3: last = 1.75,  n=2, debias 0.75  -> 7/3
    //   NaN passes through and does not count
    //   v=2: last = 1.875, n=3, debias 0.875 -> 15/7
    const auto s = smooth_tensorboard({1.0, 3.0, NAN, 2.0}, 0.5);
    QCOMPARE(s.size(), size_t(4));
    QCOMPARE(s[0], 1.0);
    QVERIFY(std::abs(s[1] - 7.0 / 3.0) < 1e-12);
    QVERIFY(std::isnan(s[2]));
    QVERIFY(std::abs(s[3] - 15.0 / 7.0) < 1e-12);
  }

  void hand_worked_default_weight() {
    // w = 0.6 (TensorBoard's default) on [2, 4, 10]:
    //   v=2:  last = 0.8,           debias 0.4    -> 2
    //   v=4:  last = 0.48 + 1.6 = 2.08,  debias 0.64  -> 3.25
    //   v=10: last = 1.248 + 4 = 5.248, debias 0.784 -> 6.69387755...
    const auto s = smooth_tensorboard({2.0, 4.0, 10.0}, 0.6);
    QVERIFY(std::abs(s[0] - 2.0) < 1e-12);
    QVERIFY(std::abs(s[1] - 3.25) < 1e-12);
    QVERIFY(std::abs(s[2] - 5.248 / 0.784) < 1e-12);
  }

  void infinities_pass_through() {
    const auto s = smooth_tensorboard({INFINITY, 4.0, -INFINITY, 4.0}, 0.9);
    QVERIFY(s[0] == INFINITY);
    QVERIFY(std::abs(s[1] - 4.0) < 1e-12);  // first finite value: debiased EMA is the value
    QVERIFY(s[2] == -INFINITY);
    QVERIFY(std::abs(s[3] - 4.0) < 1e-12);
  }

  void zero_weight_is_identity_and_constant_is_untouched() {
    const std::vector<double> v = {0.3, 0.7, 0.1};
    QCOMPARE(smooth_tensorboard(v, 0.0), v);
    const std::vector<double> c(50, 0.1);
    QCOMPARE(smooth_tensorboard(c, 0.95), c);  // exactly, no rounding noise
  }

  void weight_is_clamped_to_tensorboard_range() {
    // 1.5 is taken as 0.999: v=1 then v=0 -> (0.001*0.999 + 0) / (1 - 0.999^2)
    const auto s = smooth_tensorboard({1.0, 0.0}, 1.5);
    QVERIFY(std::abs(s[1] - (0.001 * 0.999) / (1 - 0.999 * 0.999)) < 1e-12);
    QCOMPARE(kMaxSmoothingWeight, 0.999);
  }

  void cache_extends_like_a_full_pass() {
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0, 1);
    std::vector<double> v;
    SmoothedCache cache;
    for (int round = 0; round < 20; ++round) {
      for (int k = 0; k < 37; ++k) v.push_back(round == 0 ? 1.0 : noise(rng));  // constant first
      const auto& got = cache.update(v, 0, 0.8);
      const auto want = smooth_tensorboard(v, 0.8);
      QCOMPARE(got.size(), want.size());
      for (size_t i = 0; i < v.size(); ++i) QVERIFY(std::abs(got[i] - want[i]) < 1e-9);
    }
    // A removal (new generation) or a new weight recomputes.
    v.resize(10);
    QCOMPARE(cache.update(v, 1, 0.8), smooth_tensorboard(v, 0.8));
    QCOMPARE(cache.update(v, 1, 0.3), smooth_tensorboard(v, 0.3));
  }
};

QTEST_GUILESS_MAIN(SmoothingTest)
#include "smoothing_qtest.moc"
