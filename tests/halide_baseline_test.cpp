// Halide's Adams2019 cost model as a baseline: it must reproduce the cost the
// autoscheduler itself reports, read and write Halide's weights files exactly, and learn.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numeric>
#include <thread>

#include "baselines/halide_cost_model.h"
#include "baselines/halide_weights.h"
#include "features/featurization.h"
#include "measure/host_target.h"
#include "sampling/autoscheduler.h"
#include "sampling/random_weights.h"
#include "test_support.h"
#include "workloads/registry.h"

// Halide's stock weights, vendored in the repository (data/halide14-baseline.weights);
// CMake passes the absolute path.
#ifndef GNNPERF_STOCK_WEIGHTS
#define GNNPERF_STOCK_WEIGHTS GNNPERF_SOURCE_DIR "/data/halide14-baseline.weights"
#endif

namespace gnnperf {
namespace {

const std::string kStockWeights = GNNPERF_STOCK_WEIGHTS;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// One schedule of one pipeline, straight from Adams2019's featurization.
PipelineGraph graph_from_featurization(const std::string& name,
                                       const std::vector<uint8_t>& featurization) {
  const SplitFeatures split = split_featurization(featurization);
  PipelineGraph g;
  g.id = 1;
  g.name = name;
  g.family = "test";
  g.num_stages = split.num_stages;
  for (int s = 0; s < g.num_stages; ++s) g.stage_names.push_back("s" + std::to_string(s));
  g.algorithm = torch::from_blob(const_cast<float*>(split.algorithm.data()),
                                 {split.num_stages, kAlgorithmFeatures}, torch::kFloat32)
                    .clone();
  g.schedules = torch::from_blob(const_cast<float*>(split.schedule.data()),
                                 {1, split.num_stages, kScheduleFeatures}, torch::kFloat32)
                    .clone();
  g.runtimes_ms = torch::full({1}, 1.0, torch::kFloat64);
  g.schedule_ids = {1};
  return g;
}

// A 4-stage chain with random features of realistic magnitudes and runtimes that grow
// with the work and memory traffic of each stage.
PipelineGraph synthetic_pipeline(int64_t id, int schedules, uint64_t seed) {
  torch::manual_seed(seed);
  PipelineGraph g;
  g.id = id;
  g.name = "synthetic:" + std::to_string(id);
  g.family = "test";
  g.num_stages = 4;
  g.edges = {{3, 2}, {2, 1}, {1, 0}};
  for (int s = 0; s < g.num_stages; ++s) g.stage_names.push_back("f" + std::to_string(s));
  g.algorithm = torch::floor(torch::rand({4, kAlgorithmFeatures}) * 8);
  g.schedules = torch::floor(torch::pow(10.0, torch::rand({schedules, 4, kScheduleFeatures}) * 4));
  const auto work = g.schedules.select(2, 4) + 0.1 * g.schedules.select(2, 11);  // points, bytes
  g.runtimes_ms = (work.sum(1) * 1e-5).to(torch::kFloat64) + 1e-3;
  for (int i = 0; i < schedules; ++i) g.schedule_ids.push_back(i + 1);
  return g;
}

TEST(HalideBaseline, PluginExportsTheExpectedCostModelPipelines) {
  EXPECT_NO_THROW(load_halide_cost_model_library());
}

// Adams2019 prints "Best cost: C" for the state it chose, where C is the cost model's
// prediction for that complete state (State::calculate_cost enqueues the state and
// DefaultCostModel stores the network's output as its cost). With beam 1 there is one
// pass and no coarse-to-fine penalty (which multiplies costs only when beam > 1 and
// passes > 1), so C is exactly the network's output on the returned featurization with
// num_cores = the parallelism given to the autoscheduler. Running the network on that
// featurization with the stock weights file must therefore give C back.
TEST(HalideBaseline, StockModelReproducesTheAutoschedulersReportedCost) {
  const HalideCostModel model = HalideCostModel::stock(kStockWeights, 2);
  EXPECT_EQ(model.name(), "halide-stock");
  for (const std::string name : {"resnet18.fc", "random:2", "random:7"}) {
    SCOPED_TRACE(name);
    BuiltPipeline built = find_workload(name).build();
    Halide::Pipeline pipeline = built.pipeline();
    // Greedy, stock weights (weights_seed 0): beam 1, no dropout, seed 0, 2 cores.
    const AutoscheduleResult result = autoschedule(pipeline, host_target(), {1, 100, 0, 2});
    ASSERT_GT(result.reported_cost, 0);
    const PipelineGraph g = graph_from_featurization(name, result.featurization);
    const auto predicted = model.predict(g, {0});
    ASSERT_EQ(predicted.size(), 1u);
    EXPECT_TRUE(predicted[0].stage_cost_ms.empty());
    EXPECT_NEAR(predicted[0].runtime_ms, result.reported_cost, 1e-3 * result.reported_cost);
  }
}

TEST(HalideBaseline, PredictionsDoNotDependOnBatchOrThread) {
  // More than one 1024-schedule batch; single schedules take Halide's small-batch path.
  const PipelineGraph g = synthetic_pipeline(1, 1100, 3);
  const HalideCostModel model(random_halide_weights(9), 2, "random");
  const std::vector<int64_t> rows = g.all_rows();
  const auto all = model.predict(g, rows);
  ASSERT_EQ(all.size(), rows.size());
  for (const auto& p : all) {
    EXPECT_TRUE(std::isfinite(p.runtime_ms));
    EXPECT_GE(p.runtime_ms, 0);
  }
  const std::vector<int64_t> some = {1099, 3, 17, 512, 1023, 1024, 8, 9, 10, 0};
  const auto picked = model.predict(g, some);
  for (size_t i = 0; i < some.size(); ++i) {
    const double want = all[static_cast<size_t>(some[i])].runtime_ms;
    EXPECT_NEAR(picked[i].runtime_ms, want, 1e-5 * std::abs(want)) << "row " << some[i];
    const auto one = model.predict(g, {some[i]});
    EXPECT_NEAR(one[0].runtime_ms, want, 1e-5 * std::abs(want)) << "row " << some[i];
  }

  std::vector<std::vector<SchedulePrediction>> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] { results[t] = model.predict(g, rows); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.size(), all.size());
    for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].runtime_ms, all[i].runtime_ms);
  }

  EXPECT_THROW(model.predict(g, {1100}), std::out_of_range);
  EXPECT_THROW(HalideCostModel::stock(kStockWeights, 0), std::invalid_argument);
}

TEST(HalideWeightsFile, StockWeightsHaveHalidesShapesAndSaveBackIdentically) {
  const HalideWeights w = load_halide_weights(kStockWeights);
  EXPECT_EQ(w.pipeline_features_version, 3u);
  EXPECT_EQ(w.schedule_features_version, 3u);
  ASSERT_EQ(w.buffers.size(), 6u);
  const std::vector<std::vector<int>> shapes = {{8, 40, 7}, {8}, {24, 39}, {24}, {32, 32}, {32}};
  for (size_t i = 0; i < shapes.size(); ++i) {
    ASSERT_EQ(w.buffers[i].dimensions(), static_cast<int>(shapes[i].size())) << i;
    for (size_t d = 0; d < shapes[i].size(); ++d) {
      EXPECT_EQ(w.buffers[i].dim(static_cast<int>(d)).extent(), shapes[i][d]) << i;
    }
  }
  const std::string path = test::scratch_dir("halide-weights") + "/stock-copy.weights";
  save_halide_weights(w, path);
  EXPECT_EQ(read_bytes(path), read_bytes(kStockWeights));
}

TEST(HalideWeightsFile, SaveThenLoadRoundTripsExactly) {
  const std::string dir = test::scratch_dir("halide-weights-roundtrip");
  const HalideWeights w = random_halide_weights(42);
  save_halide_weights(w, dir + "/a.weights");
  const HalideWeights back = load_halide_weights(dir + "/a.weights");
  ASSERT_EQ(back.buffers.size(), w.buffers.size());
  for (size_t i = 0; i < w.buffers.size(); ++i) {
    const auto& a = w.buffers[i];
    const auto& b = back.buffers[i];
    ASSERT_EQ(a.dimensions(), b.dimensions());
    for (int d = 0; d < a.dimensions(); ++d) EXPECT_EQ(a.dim(d).extent(), b.dim(d).extent());
    ASSERT_EQ(a.number_of_elements(), b.number_of_elements());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.number_of_elements() * sizeof(float)), 0) << i;
    for (size_t k = 0; k < a.number_of_elements(); ++k) {
      EXPECT_GE(a.data()[k], -0.5f);
      EXPECT_LT(a.data()[k], 0.5f);
    }
  }
  save_halide_weights(back, dir + "/b.weights");
  EXPECT_EQ(read_bytes(dir + "/a.weights"), read_bytes(dir + "/b.weights"));

  // The sampler's random weights are the same file; a seed always gives the same weights.
  write_random_weights(42, dir + "/sampler.weights");
  EXPECT_EQ(read_bytes(dir + "/sampler.weights"), read_bytes(dir + "/a.weights"));
  save_halide_weights(random_halide_weights(43), dir + "/c.weights");
  EXPECT_NE(read_bytes(dir + "/c.weights"), read_bytes(dir + "/a.weights"));

  // clone() is a deep copy.
  HalideWeights copy = w.clone();
  copy.buffers[0].data()[0] += 1.0f;
  EXPECT_NE(copy.buffers[0].data()[0], w.buffers[0].data()[0]);
}

void expect_load_error(const std::string& path, const std::string& fragment) {
  try {
    load_halide_weights(path);
    ADD_FAILURE() << "no error loading " << path;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

TEST(HalideWeightsFile, BadFilesNameTheFileAndTheProblem) {
  const std::string dir = test::scratch_dir("halide-weights-bad");
  const std::string good = read_bytes(kStockWeights);
  ASSERT_EQ(good.size(), 17136u);

  write_bytes(dir + "/truncated.weights", good.substr(0, good.size() - 10));
  expect_load_error(dir + "/truncated.weights", "truncated");
  write_bytes(dir + "/header.weights", good.substr(0, 10));
  expect_load_error(dir + "/header.weights", "truncated");
  write_bytes(dir + "/empty.weights", "");
  expect_load_error(dir + "/empty.weights", "truncated");

  std::string bad_signature = good;
  bad_signature[0] = 'X';
  write_bytes(dir + "/signature.weights", bad_signature);
  expect_load_error(dir + "/signature.weights", "not a Halide weights file");

  std::string bad_shape = good;
  bad_shape[20] = 9;  // head1_filter's first extent: 8 -> 9
  write_bytes(dir + "/shape.weights", bad_shape);
  expect_load_error(dir + "/shape.weights", "head1_filter");

  write_bytes(dir + "/trailing.weights", good + "xyz");
  expect_load_error(dir + "/trailing.weights", "trailing");

  expect_load_error(dir + "/missing.weights", "cannot open");
}

TEST(HalideBaseline, RetrainingLowersTheTrainingLoss) {
  // The third pipeline has more schedules than one training batch takes.
  std::vector<PipelineGraph> pipelines = {
      synthetic_pipeline(1, 24, 1), synthetic_pipeline(2, 24, 2), synthetic_pipeline(3, 300, 3)};
  std::vector<const PipelineGraph*> all;
  for (const auto& p : pipelines) all.push_back(&p);

  BaselineTrainingSet set;
  set.train = all;
  set.validation = all;
  set.epochs = 20;
  set.seed = 5;
  set.parallelism = 2;
  std::vector<std::string> lines;
  set.progress = [&](const std::string& line) { lines.push_back(line); };

  // Retraining starts from random_halide_weights(set.seed).
  const double before =
      HalideCostModel(random_halide_weights(set.seed), 2, "initial").mean_loss(all);
  const HalideCostModel trained = HalideCostModel::retrained(set, 1e-3);
  const double after = trained.mean_loss(all);
  EXPECT_EQ(trained.name(), "halide-retrained");
  EXPECT_TRUE(std::isfinite(after));
  EXPECT_LT(after, before);

  ASSERT_EQ(lines.size(), 20u);
  EXPECT_EQ(lines.front().rfind("epoch 1/20 loss ", 0), 0u) << lines.front();
  EXPECT_NE(lines.front().find(" val "), std::string::npos) << lines.front();
  EXPECT_EQ(lines.back().rfind("epoch 20/20 loss ", 0), 0u) << lines.back();

  BaselineTrainingSet empty = set;
  empty.train.clear();
  EXPECT_THROW(HalideCostModel::retrained(empty), std::invalid_argument);
}

}  // namespace
}  // namespace gnnperf
