// Parsing one metrics.jsonl line: normal records, NaN and infinities in both spellings,
// missing and unknown fields, final markers, and lines that must be rejected.
#include <QtTest>

#include <cmath>

#include "model/metrics_record.h"

using namespace trit::monitor;

namespace {
double value_of(const MetricsRecord& r, const std::string& field) {
  for (const auto& [k, v] : r.values)
    if (k == field) return v;
  return -12345.0;  // a value no test line holds
}
bool has(const MetricsRecord& r, const std::string& field) {
  for (const auto& [k, _] : r.values)
    if (k == field) return true;
  return false;
}
}  // namespace

class MetricsRecordTest : public QObject {
  Q_OBJECT
 private slots:
  void train_line() {
    std::string err;
    auto r = parse_metrics_line(
        R"({"step":120,"time":1763700000.5,"split":"train","loss":2.31,"lr":6e-4,"grad_norm":0.91,"tokens":491520,"tokens_per_s":10450.2,"step_ms":47.0})",
        &err);
    QVERIFY2(r.has_value(), err.c_str());
    QCOMPARE(r->step, 120LL);
    QCOMPARE(r->time, 1763700000.5);
    QCOMPARE(r->split, std::string("train"));
    QCOMPARE(r->tokens, 491520.0);
    QCOMPARE(value_of(*r, "loss"), 2.31);
    QCOMPARE(value_of(*r, "lr"), 6e-4);
    QCOMPARE(value_of(*r, "step_ms"), 47.0);
    QCOMPARE(value_of(*r, "tokens"), 491520.0);  // tokens is also a series
    QVERIFY(!has(*r, "time"));
    QVERIFY(!has(*r, "step"));
    QVERIFY(!r->final_marker);
  }

  void val_line_with_missing_fields() {
    auto r = parse_metrics_line(R"({"step":500,"split":"val","loss":1.95,"bpb":2.81})", nullptr);
    QVERIFY(r.has_value());
    QCOMPARE(r->split, std::string("val"));
    QVERIFY(std::isnan(r->time));
    QVERIFY(std::isnan(r->tokens));
    QCOMPARE(value_of(*r, "bpb"), 2.81);
    // No split at all means train.
    auto t = parse_metrics_line(R"({"step":3,"loss":4.5})", nullptr);
    QVERIFY(t.has_value());
    QCOMPARE(t->split, std::string("train"));
  }

  void bare_non_finite_tokens() {
    auto r = parse_metrics_line(R"({"step":7,"loss":NaN,"grad_norm":Infinity,"x":-Infinity,"lr":1e-3})", nullptr);
    QVERIFY(r.has_value());
    QVERIFY(std::isnan(value_of(*r, "loss")));
    QVERIFY(std::isinf(value_of(*r, "grad_norm")) && value_of(*r, "grad_norm") > 0);
    QVERIFY(std::isinf(value_of(*r, "x")) && value_of(*r, "x") < 0);
    QCOMPARE(value_of(*r, "lr"), 1e-3);
  }

  void string_non_finite_values() {
    auto r = parse_metrics_line(R"({"step":8,"a":"nan","b":"inf","c":"-inf","d":"Infinity","e":"NAN","f":"hello"})", nullptr);
    QVERIFY(r.has_value());
    QVERIFY(std::isnan(value_of(*r, "a")));
    QVERIFY(value_of(*r, "b") == INFINITY);
    QVERIFY(value_of(*r, "c") == -INFINITY);
    QVERIFY(value_of(*r, "d") == INFINITY);
    QVERIFY(std::isnan(value_of(*r, "e")));
    QVERIFY(!has(*r, "f"));  // other strings are not values
  }

  void tokens_inside_strings_are_left_alone() {
    const std::string in = "{\"split\":\"NaN \\\"Infinity\\\" x\",\"v\":NaN}";
    const std::string want = "{\"split\":\"NaN \\\"Infinity\\\" x\",\"v\":\"nan\"}";
    QCOMPARE(quote_non_finite_tokens(in), want);
    auto r = parse_metrics_line(R"({"step":1,"split":"NaN-run","v":NaN})", nullptr);
    QVERIFY(r.has_value());
    QCOMPARE(r->split, std::string("NaN-run"));
  }

  void unknown_fields_become_values() {
    auto r = parse_metrics_line(R"({"step":9,"split":"train","moe_aux":0.01,"note":"x","flag":true,"nested":{"a":1},"arr":[1,2]})", nullptr);
    QVERIFY(r.has_value());
    QCOMPARE(r->values.size(), size_t(1));
    QCOMPARE(value_of(*r, "moe_aux"), 0.01);
  }

  void final_markers() {
    QVERIFY(parse_metrics_line(R"({"step":10,"final":true})", nullptr)->final_marker);
    QVERIFY(parse_metrics_line(R"({"step":10,"status":"finished"})", nullptr)->final_marker);
    QVERIFY(parse_metrics_line(R"({"step":10,"event":"done"})", nullptr)->final_marker);
    QVERIFY(!parse_metrics_line(R"({"step":10,"final":false})", nullptr)->final_marker);
  }

  void rejected_lines() {
    std::string err;
    QVERIFY(!parse_metrics_line(R"({"step":120,"time":17637)", &err));  // torn
    QCOMPARE(err, std::string("not valid JSON"));
    QVERIFY(!parse_metrics_line(R"({"loss":2.0})", &err));
    QCOMPARE(err, std::string("no \"step\" field"));
    QVERIFY(!parse_metrics_line(R"([1,2,3])", &err));
    QCOMPARE(err, std::string("not a JSON object"));
    QVERIFY(!parse_metrics_line(R"({"step":"abc"})", &err));
    QVERIFY(!parse_metrics_line(R"({"step":-4})", &err));
    QVERIFY(!parse_metrics_line(R"({"step":NaN})", &err));
    QVERIFY(!parse_metrics_line("", &err));
  }

  void fast_and_full_parser_agree() {
    // Spaces, exponents, escapes (full parser), trailing junk and commas (rejected).
    auto spaced = parse_metrics_line(" { \"step\" : 1e2 , \"loss\" : -2.5E-1 , \"ok\" : null } ", nullptr);
    QVERIFY(spaced.has_value());
    QCOMPARE(spaced->step, 100LL);
    QCOMPARE(value_of(*spaced, "loss"), -0.25);
    const std::string with_escape = "{\"step\":3,\"split\":\"a\\\"b\",\"loss\":1.5}";
    auto escaped = parse_metrics_line(with_escape, nullptr);
    QVERIFY(escaped.has_value());
    QCOMPARE(escaped->split, std::string("a\"b"));
    QCOMPARE(value_of(*escaped, "loss"), 1.5);
    std::string err;
    QVERIFY(!parse_metrics_line(R"({"step":1,})", &err));
    QVERIFY(!parse_metrics_line(R"({"step":1} x)", &err));
    QVERIFY(!parse_metrics_line(R"({"step":1,"loss":inf})", &err));  // not a JSON token
    QVERIFY(!parse_metrics_line(R"({"step":1,"loss":-})", &err));
    QVERIFY(!parse_metrics_line(R"({})", &err));
    QCOMPARE(err, std::string("no \"step\" field"));
  }

  void non_finite_string_parser() {
    QVERIFY(std::isnan(*parse_non_finite_string("NaN")));
    QCOMPARE(*parse_non_finite_string("+inf"), INFINITY);
    QCOMPARE(*parse_non_finite_string("-Infinity"), -INFINITY);
    QVERIFY(!parse_non_finite_string("infinite").has_value());
    QVERIFY(!parse_non_finite_string("1.0").has_value());
  }
};

QTEST_GUILESS_MAIN(MetricsRecordTest)
#include "metrics_record_qtest.moc"
