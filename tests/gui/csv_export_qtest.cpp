// CSV export content (exact text, quoting, non-finite values) and config comparison.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

#include "model/config_diff.h"
#include "model/csv_export.h"
#include "model/run.h"

using namespace trit::monitor;

class CsvExportTest : public QObject {
  Q_OBJECT
 private slots:
  void exact_content() {
    Run a("/nonexistent/a", "runs/a");
    a.ingest_line(R"({"step":1,"time":100.5,"split":"train","loss":2.5,"tokens":4096})");
    a.ingest_line(R"({"step":2,"time":101,"split":"train","loss":NaN,"tokens":8192})");
    a.ingest_line(R"({"step":2,"split":"val","loss":0.1})");
    Run b("/nonexistent/b", "runs/b,\"quoted\"");
    b.ingest_line(R"({"step":7,"loss":"-inf"})");
    std::ostringstream out;
    write_csv(out, {&a, &b});
    const std::string want =
        "run,series,step,time,tokens,value\n"
        "runs/a,train/loss,1,100.5,4096,2.5\n"
        "runs/a,train/loss,2,101,8192,nan\n"
        "runs/a,train/tokens,1,100.5,4096,4096\n"
        "runs/a,train/tokens,2,101,8192,8192\n"
        "runs/a,val/loss,2,101,8192,0.10000000000000001\n"
        "\"runs/b,\"\"quoted\"\"\",train/loss,7,,,-inf\n";
    QCOMPARE(out.str(), want);
  }

  void export_to_file_and_error() {
    QTemporaryDir dir;
    Run a("/nonexistent/a", "a");
    a.ingest_line(R"({"step":1,"loss":1})");
    const std::string path = dir.filePath("out.csv").toStdString();
    export_csv(path, {&a});
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    QCOMPARE(ss.str(), std::string("run,series,step,time,tokens,value\na,train/loss,1,,,1\n"));
    QVERIFY(!QFile::exists(QString::fromStdString(path + ".tmp")));
    bool threw = false;
    try {
      export_csv(dir.filePath("no/such/dir/out.csv").toStdString(), {&a});
    } catch (const std::runtime_error& e) {
      threw = std::string(e.what()).find("out.csv") != std::string::npos;
    }
    QVERIFY(threw);
  }

  void config_differences() {
    const auto c1 = nlohmann::json::parse(R"({"model":{"n_layers":4,"d":256},"lr":0.001,"name":"a","sched":[{"steps":10}]})");
    const auto c2 = nlohmann::json::parse(R"({"model":{"n_layers":6,"d":256},"lr":0.001,"extra":true,"sched":[{"steps":10}]})");
    const auto flat = flatten_config(c1);
    QCOMPARE(flat.at("model.n_layers"), std::string("4"));
    QCOMPARE(flat.at("name"), std::string("a"));
    QCOMPARE(flat.at("sched.0.steps"), std::string("10"));
    const ConfigTable t = compare_configs({&c1, &c2});
    QCOMPARE(t.keys, (std::vector<std::string>{"extra", "lr", "model.d", "model.n_layers", "name", "sched.0.steps"}));
    QCOMPARE(t.differing, (std::set<std::string>{"extra", "model.n_layers", "name"}));
    QVERIFY(compare_configs({&c1}).differing.empty());
  }
};

QTEST_GUILESS_MAIN(CsvExportTest)
#include "csv_export_qtest.moc"
