// `gnnperf train` and `gnnperf predict` end to end, on a small dataset written through
// the store: 30 three-stage pipelines whose runtimes follow their schedule features.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "dataset/store.h"
#include "test_support.h"

namespace gnnperf {
namespace {

using test::run_gnnperf;

std::string make_fixture() {
  const std::string path = test::scratch_dir("fixture") + "/small.db";
  DatasetStore store(path, false);
  const int64_t run = store.begin_run(
      store.machine_for_collection({"cpu", 1, "x86-64-linux", "14.0.0", "host"}, false), "test",
      "{}");
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0.f, 1.f);
  for (int p = 0; p < 30; ++p) {
    SampleRecord r;
    r.run_id = run;
    r.pipeline_name = "fixture:" + std::to_string(p);
    r.family = "fixture";
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
  return path;
}

const std::string& fixture() {
  static const std::string path = make_fixture();
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
      for (const auto& stage : s["stage_shares"]) share += stage["share"].get<double>();
      EXPECT_NEAR(share, 1.0, 1e-6);
    }
  }
  const int64_t id = j[0]["pipeline_id"];
  auto one = run_gnnperf("predict --model " + model + " --db " + fixture() + " --pipeline " +
                         std::to_string(id));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("predicted"), std::string::npos);
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
  test::write_file(dir + "/bad.json", "{\"hidden\": 8, \"dropout\": 0.5}");
  test::expect_one_line_error(run_gnnperf("train --db " + fixture() + " --out " + dir +
                                          "/m.gnn --config " + dir + "/bad.json"),
                              "unknown config key 'dropout'");
  test::expect_one_line_error(
      run_gnnperf("train --db " + fixture() + " --out " + dir + "/m.gnn --resume"),
      "no checkpoint");
  test::expect_one_line_error(
      run_gnnperf("predict --model " + dir + "/junk.gnn --db " + dir + "/other.db"),
      "truncated or corrupt");
}

}  // namespace
}  // namespace gnnperf
