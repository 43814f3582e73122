// `gnnperf train`, `predict`, `eval` and `report` end to end, on small datasets written
// through the store: 30 three-stage pipelines whose runtimes follow their schedule
// features, every fifth of family "odd", the others of family "fixture"; the middle stage
// calls tanh, a quarter of its arguments on libm's costly path.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>

#include "dataset/store.h"
#include "test_support.h"

namespace gnnperf {
namespace {

using test::run_gnnperf;

std::string make_fixture(const std::string& prefix, bool with_values = true) {
  const std::string path = test::scratch_dir(prefix) + "/small.db";
  DatasetStore store(path, false);
  const int64_t run = store.begin_run(
      store.machine_for_collection({"cpu", 1, "x86-64-linux", "14.0.0", "host"}, false), "test",
      "{}");
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0.f, 1.f);
  for (int p = 0; p < 30; ++p) {
    SampleRecord r;
    r.run_id = run;
    r.pipeline_name = prefix + ":" + std::to_string(p);
    r.family = p % 5 == 0 ? "odd" : "fixture";
    r.graph.stages = {{"out", 0}, {"mid", 0}, {"in", 0}};
    r.graph.edges = {{1, 0}, {2, 1}};
    r.features.num_stages = 3;
    r.features.algorithm.resize(3 * kAlgorithmFeatures);
    for (auto& f : r.features.algorithm) f = std::floor(unit(rng) * 20);
    for (int s = 0; s < 10; ++s) {
      r.task_key = r.pipeline_name + "/" + std::to_string(s);
      r.features.schedule.resize(3 * kScheduleFeatures);
      for (auto& f : r.features.schedule) f = unit(rng) * 1000;
      r.timing.min_ms = r.timing.median_ms = r.timing.max_ms =
          0.01 + r.features.schedule[0] / 100 + r.features.schedule[kScheduleFeatures + 4] / 300;
      store.record_sample(r);
    }
  }
  if (with_values) {
    for (const auto& p : store.pipelines_without_value_features())
      store.record_value_features(p.id, {0, 0, 0, 0, 0, 0.75f, 0.25f, 0, 0, 0, 0, 0});
  }
  return path;
}

const std::string& fixture() {
  static const std::string path = make_fixture("fixture");
  return path;
}

TEST(ModelCli, TrainThenPredictOnARealFixture) {
  const std::string dir = test::scratch_dir("modelcli");
  const std::string model = dir + "/m.gnn";
  auto t = run_gnnperf("train --db " + fixture() + " --out " + model + " --epochs 8 --seed 2");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(test::line_count(t.err), 8);  // one progress line per epoch
  EXPECT_NE(t.err.find("epoch 8/8"), std::string::npos);
  EXPECT_NE(t.out.find("test"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(model + ".ckpt"));

  auto p = run_gnnperf("predict --model " + model + " --db " + fixture() + " --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto j = nlohmann::json::parse(p.out);
  ASSERT_GT(j.size(), 5u);
  for (const auto& pipeline : j) {
    for (const auto& s : pipeline["schedules"]) {
      EXPECT_GT(s["predicted_ms"].get<double>(), 0);
      EXPECT_GT(s["measured_ms"].get<double>(), 0);
      double share = 0;
      for (const auto& stage : s["stage_shares"]) {
        share += stage["share"].get<double>();
        // The default readout's eight work terms split each stage's cost.
        ASSERT_EQ(stage["terms"].size(), 8u);
        double terms = 0;
        for (const auto& [term, term_share] : stage["terms"].items())
          terms += term_share.get<double>();
        EXPECT_NEAR(terms, 1.0, 1e-5) << stage.dump();
        EXPECT_TRUE(stage["terms"].contains("overhead"));
      }
      EXPECT_NEAR(share, 1.0, 1e-6);
    }
  }
  const int64_t id = j[0]["pipeline_id"];
  auto one = run_gnnperf("predict --model " + model + " --db " + fixture() + " --pipeline " +
                         std::to_string(id));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("predicted"), std::string::npos);
  // Each schedule line names its stages' largest work terms: "out 61% (points 80%), ...".
  EXPECT_NE(one.out.find("% ("), std::string::npos) << one.out;
}

TEST(ModelCli, PredictNamesNoTermForASingleTermReadout) {
  const std::string dir = test::scratch_dir("modelplain");
  test::write_file(dir + "/plain.json", R"({"readout": "plain", "members": 1, "hidden": 8})");
  const std::string model = dir + "/m.gnn";
  ASSERT_EQ(run_gnnperf("train --db " + fixture() + " --out " + model + " --epochs 2 --config " +
                        dir + "/plain.json")
                .exit_code,
            0);
  auto p = run_gnnperf("predict --model " + model + " --db " + fixture());
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("predicted"), std::string::npos);
  EXPECT_EQ(p.out.find("% ("), std::string::npos) << p.out;  // no "(stage 100%)"
}

TEST(ModelCli, BadInputGetsOneClearLine) {
  const std::string dir = test::scratch_dir("modelbad");
  test::write_file(dir + "/junk.gnn", "junk");
  test::expect_one_line_error(run_gnnperf("predict --model " + dir + "/junk.gnn --db " + fixture()),
                              "truncated or corrupt");
  test::expect_one_line_error(run_gnnperf("predict --model " + dir + "/none.gnn --db " + fixture()),
                              "does not exist");
  {
    Connection other(dir + "/other.db", false);
    other.exec("CREATE TABLE unrelated(x)");
  }
  test::expect_one_line_error(
      run_gnnperf("train --db " + dir + "/other.db --out " + dir + "/m.gnn"),
      "not a gnnperf dataset");
  test::write_file(dir + "/bad.json", "{\"hidden\": 8, \"drop_rate\": 0.5}");
  test::expect_one_line_error(run_gnnperf("train --db " + fixture() + " --out " + dir +
                                          "/m.gnn --config " + dir + "/bad.json"),
                              "unknown config key 'drop_rate'");
  test::expect_one_line_error(
      run_gnnperf("train --db " + fixture() + " --out " + dir + "/m.gnn --resume"),
      "no checkpoint");
  test::expect_one_line_error(
      run_gnnperf("train --db " + make_fixture("novalues", false) + " --out " + dir + "/m.gnn"),
      "has no value features, which the model reads: run `gnnperf "
      "dataset values");
  test::expect_one_line_error(
      run_gnnperf("predict --model " + dir + "/junk.gnn --db " + dir + "/other.db"),
      "truncated or corrupt");
}

TEST(ModelCli, EvalComparesEveryModelOnHeldOutPipelinesAndReportDrawsIt) {
  const std::string dir = test::scratch_dir("evalcli");
  const std::string model = dir + "/m.gnn";
  ASSERT_EQ(run_gnnperf("train --db " + fixture() + " --out " + model + " --epochs 5").exit_code,
            0);
  auto e =
      run_gnnperf("eval --db " + fixture() + " --model " + model + " --json " + dir + "/eval.json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  std::ifstream in(dir + "/eval.json");
  const auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["models"].size(), 6u);  // the GNN and every baseline
  for (const auto& [name, m] : j["models"].items()) {
    EXPECT_NE(e.out.find(name), std::string::npos) << name;  // a table row per model
    for (const char* key : {"mape", "median_ape", "rmse_log", "kendall_tau", "pairwise_acc",
                            "top1_score", "top5_score", "noise_floor_ape"}) {
      EXPECT_TRUE(m.contains(key)) << name << " " << key;
    }
    if (name == "xgboost-ansor") {
      EXPECT_TRUE(m["mape"].is_null());  // it only ranks
    } else {
      EXPECT_GT(m["mape"].get<double>(), 0) << name;
    }
    EXPECT_GE(m["kendall_tau"].get<double>(), -1);
    EXPECT_LE(m["top1_score"].get<double>(), 1);
    // The fixture re-timed nothing: its noise floor is unknown, not zero.
    EXPECT_TRUE(m["noise_floor_ape"].is_null()) << name;
  }
  EXPECT_NE(e.out.find("noise floor unmeasured"), std::string::npos) << e.out;
  // Every model was judged on the same test pipelines, none of which the GNN trained on.
  auto predicted = run_gnnperf("predict --model " + model + " --db " + fixture() + " --json");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  int64_t tests = 0;
  for (const auto& p : nlohmann::json::parse(predicted.out)) tests += p["split"] == "test";
  EXPECT_EQ(static_cast<int64_t>(j["test_pipelines"].size()), tests);

  auto r = run_gnnperf("report --eval " + dir + "/eval.json --db " + fixture() + " --out " + dir +
                       "/report");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* file : {"index.html", "ape.png", "tau.png", "scatter-gnn.png",
                           "scatter-halide-stock.png", "stage-shares.png"}) {
    EXPECT_GT(std::filesystem::file_size(dir + "/report/" + file), 100u) << file;
  }
  std::ifstream page(dir + "/report/index.html");
  const std::string html((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("0 pairs): unmeasured"), std::string::npos);
}

// --pipelines scores a subset of the test pipelines: the same predictions as a full
// eval, metrics over the chosen pipelines only.
TEST(ModelCli, EvalScoresOnlyTheTestPipelinesTheGlobsMatch) {
  const std::string dir = test::scratch_dir("evalscored");
  const std::string model = dir + "/m.gnn";
  ASSERT_EQ(run_gnnperf("train --db " + fixture() + " --out " + model + " --epochs 2").exit_code,
            0);
  const std::string eval =
      "eval --db " + fixture() + " --model " + model + " --baselines halide-stock --json " + dir;
  ASSERT_EQ(run_gnnperf(eval + "/all.json").exit_code, 0);
  std::ifstream all_in(dir + "/all.json");
  const auto all = nlohmann::json::parse(all_in);
  const auto& tests = all["test_pipelines"];
  ASSERT_GE(tests.size(), 3u);
  EXPECT_TRUE(all["scored_pipelines"].is_null());

  // Two of the test pipelines by name, and a glob matching only training pipelines.
  const std::string first = tests[0]["name"], second = tests[1]["name"];
  const std::string globs = first + "," + second + ",nothing:*";
  auto e = run_gnnperf(eval + "/two.json --pipelines '" + globs + "'");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find(fmt::format("\n2 test pipelines of {}, those matching '{}', 20 schedules",
                                   tests.size(), globs)),
            std::string::npos)
      << e.out;
  std::ifstream two_in(dir + "/two.json");
  const auto two = nlohmann::json::parse(two_in);
  EXPECT_EQ(two["scored_pipelines"], globs);
  ASSERT_EQ(two["test_pipelines"].size(), 2u);
  EXPECT_EQ(two["test_pipelines"][0]["name"], first);
  EXPECT_EQ(two["test_pipelines"][1]["name"], second);
  double ape = 0;
  for (int p = 0; p < 2; ++p) {
    EXPECT_EQ(two["predictions"]["gnn"][p], all["predictions"]["gnn"][p]);
    const auto measured = tests[p]["measured_ms"].get<std::vector<double>>();
    const auto predicted = all["predictions"]["gnn"][p].get<std::vector<double>>();
    for (size_t s = 0; s < measured.size(); ++s)
      ape += std::abs(predicted[s] - measured[s]) / measured[s];
  }
  EXPECT_NEAR(two["models"]["gnn"]["mape"].get<double>(), ape / 20, 1e-6);

  test::expect_one_line_error(run_gnnperf(eval + "/none.json --pipelines 'nothing:*'"),
                              fmt::format("none of the {} test pipelines of split 'random' "
                                          "matches 'nothing:*'",
                                          tests.size()));
  test::expect_one_line_error(run_gnnperf(eval + "/none.json --pipelines 'fixture:1,,x'"),
                              "empty glob in 'fixture:1,,x'");
  EXPECT_FALSE(std::filesystem::exists(dir + "/none.json"));
}

TEST(ModelCli, FamilySplitHoldsOutTheWholeFamily) {
  const std::string dir = test::scratch_dir("familysplit");
  const std::string model = dir + "/m.gnn";
  auto t =
      run_gnnperf("train --db " + fixture() + " --out " + model + " --epochs 3 --split family:odd");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  auto p = run_gnnperf("predict --model " + model + " --db " + fixture() + " --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const auto& pipeline : nlohmann::json::parse(p.out)) {
    const std::string name = pipeline["name"];
    const int index = std::stoi(name.substr(std::string("fixture:").size()));
    EXPECT_EQ(pipeline["split"] == "test", index % 5 == 0) << pipeline["name"];
  }
  auto e = run_gnnperf("eval --db " + fixture() + " --model " + model +
                       " --baselines xgboost-flat --split family:odd");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("\n6 test pipelines, 60 schedules (split family:odd)"), std::string::npos)
      << e.out;
  test::expect_one_line_error(
      run_gnnperf("eval --db " + fixture() + " --model " + model + " --split random"),
      "was trained with split 'family:odd'");
  test::expect_one_line_error(
      run_gnnperf("train --db " + fixture() + " --out " + dir + "/n.gnn --split family:none"),
      "no timed pipeline of family 'none'");
}

TEST(ModelCli, EvalBadInputGetsOneClearLine) {
  const std::string dir = test::scratch_dir("evalbad");
  const std::string model = dir + "/m.gnn";
  ASSERT_EQ(run_gnnperf("train --db " + fixture() + " --out " + model + " --epochs 1").exit_code,
            0);
  test::expect_one_line_error(
      run_gnnperf("eval --db " + fixture() + " --model " + model + " --baselines halide-stok"),
      "unknown baseline 'halide-stok'");
  test::expect_one_line_error(
      run_gnnperf("eval --db " + make_fixture("other") + " --model " + model), "model/DB mismatch");
  test::expect_one_line_error(
      run_gnnperf("eval --db " + fixture() + " --model " + model + " --split halves"),
      "unknown split 'halves'");
  test::write_file(dir + "/not-eval.json", "{\"models\": {}}");
  test::expect_one_line_error(run_gnnperf("report --eval " + dir + "/not-eval.json --db " +
                                          fixture() + " --out " + dir + "/r"),
                              "not an evaluation");
}

}  // namespace
}  // namespace gnnperf
