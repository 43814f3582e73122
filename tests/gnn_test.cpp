#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <string>
#include <thread>

#include "eval/evaluate.h"
#include "features/featurization.h"
#include "graph/graph_batch.h"
#include "models/gnn_cost_model.h"
#include "test_support.h"
#include "training/loss.h"
#include "training/trainer.h"

namespace gnnperf {
namespace {

// A small pipeline: a diamond of 4 stages plus a tail, with random non-negative
// features, and runtimes that depend on the schedule features.
PipelineGraph synthetic_pipeline(int64_t id, int schedules, uint64_t seed) {
  torch::manual_seed(seed);
  PipelineGraph g;
  g.id = id;
  g.name = "synthetic:" + std::to_string(id);
  g.family = "test";
  g.num_stages = 5;
  g.edges = {{4, 3}, {3, 1}, {3, 2}, {1, 0}, {2, 0}};
  for (int s = 0; s < g.num_stages; ++s) g.stage_names.push_back("f" + std::to_string(s));
  g.algorithm = torch::floor(torch::rand({5, kAlgorithmFeatures}) * 100);
  // Log-uniform features, like the counts and sizes of real schedules, and a runtime
  // that is a sum over stages spanning several orders of magnitude: points computed
  // times a cost per point that depends on another schedule feature.
  g.schedules = torch::pow(10.0, torch::rand({schedules, 5, kScheduleFeatures}) * 4);
  const auto work =
      g.schedules.select(2, kPointsComputedTotal) * (1 + g.schedules.select(2, 1) / 1e4);
  g.runtimes_ms = (work.sum(1) / 1000).to(torch::kFloat64) + 0.01;
  for (int i = 0; i < schedules; ++i) g.schedule_ids.push_back(i + 1);
  g.values = torch::zeros({5, kValueFeatures});  // no stage calls tanh
  return g;
}

GnnCostModel untrained_model(const std::vector<const PipelineGraph*>& fit_on, uint64_t seed = 3) {
  torch::manual_seed(seed);
  GnnConfig c;
  c.hidden = 16;
  c.layers = 2;
  return GnnCostModel(c, FeatureTransform::fit(fit_on), GnnModule(c), nlohmann::json::object());
}

TEST(Gnn, PredictionsDoNotDependOnNodeNumbering) {
  const PipelineGraph g = synthetic_pipeline(1, 6, 11);
  const GnnCostModel model = untrained_model({&g});
  // Renumber stages by a permutation: stage s becomes perm[s].
  const std::vector<int64_t> perm = {2, 4, 0, 1, 3};
  std::vector<int64_t> inverse(perm.size());
  for (size_t s = 0; s < perm.size(); ++s)
    inverse[static_cast<size_t>(perm[s])] = static_cast<int64_t>(s);
  PipelineGraph p = g;
  const auto inv = torch::tensor(inverse);
  p.algorithm = g.algorithm.index_select(0, inv);
  p.schedules = g.schedules.index_select(1, inv);
  p.edges.clear();
  for (const auto& [a, b] : g.edges)
    p.edges.emplace_back(perm[static_cast<size_t>(a)], perm[static_cast<size_t>(b)]);

  const auto original = model.predict(g, g.all_rows());
  const auto renumbered = model.predict(p, p.all_rows());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_NEAR(renumbered[i].runtime_ms, original[i].runtime_ms, 1e-5 * original[i].runtime_ms);
    for (size_t s = 0; s < perm.size(); ++s) {
      EXPECT_NEAR(renumbered[i].stage_cost_ms[static_cast<size_t>(perm[s])],
                  original[i].stage_cost_ms[s], 1e-5 * original[i].runtime_ms);
    }
  }
}

TEST(Gnn, StageCostsAreNonNegativeAndSumToTheRuntime) {
  const PipelineGraph g = synthetic_pipeline(1, 4, 12);
  const GnnCostModel model = untrained_model({&g});
  for (const auto& p : model.predict(g, g.all_rows())) {
    double sum = 0;
    for (double c : p.stage_cost_ms) {
      EXPECT_GE(c, 0);
      sum += c;
    }
    EXPECT_NEAR(sum, p.runtime_ms, 1e-5 * p.runtime_ms);  // float32 sums
  }
}

// A narrow ensemble of `members` networks, the last `local_members` without convolutions.
GnnConfig small_ensemble(int members, int local_members) {
  GnnConfig c;
  c.hidden = 8;
  c.members = members;
  c.local_members = local_members;
  return c;
}

// The output of a fresh module whose readouts are zero: every unit of work costs its
// documented base cost.
GnnOutput output_of_zero_readout(Readout readout, const PipelineGraph& g) {
  GnnConfig c = small_ensemble(2, 1);
  c.readout = readout;
  GnnModule module(c);
  torch::NoGradGuard no_grad;
  for (auto& item : module->named_parameters()) {
    if (item.key().find("readout") != std::string::npos) item.value().zero_();
  }
  const GraphBatch batch = make_batch({{&g, g.all_rows()}},
                                      FeatureTransform::fit(std::vector<const PipelineGraph*>{&g}));
  return module->forward(batch);
}

torch::Tensor stage_costs_of_zero_readout(Readout readout, const PipelineGraph& g) {
  return output_of_zero_readout(readout, g).stage_cost_ms;
}

TEST(Gnn, ReadoutsMultiplyBaseCostsByCountsOfWork) {
  const PipelineGraph g = synthetic_pipeline(1, 3, 14);
  const auto raw = g.schedules.reshape({-1, kScheduleFeatures});
  const auto count = [&](ScheduleFeature f) { return raw.select(1, f); };
  const auto ones = torch::ones({raw.size(0)});
  EXPECT_TRUE(torch::allclose(stage_costs_of_zero_readout(Readout::plain, g), ones, 1e-4));
  EXPECT_TRUE(torch::allclose(stage_costs_of_zero_readout(Readout::per_point, g),
                              (1 + count(kPointsComputedTotal)) * 1e-6, 1e-4));
  const auto work_terms =
      1e-3 + 1e-6 * (3 + count(kPointsComputedTotal) + count(kNumVectors) + count(kNumScalars)) +
      1e-5 * (1 + count(kNumRealizations)) +
      1e-7 * (1 + count(kNumRealizations) * count(kUniqueBytesReadPerRealization)) +
      1e-7 * (1 + count(kNumProductions) * count(kBytesAtProduction));
  EXPECT_TRUE(
      torch::allclose(stage_costs_of_zero_readout(Readout::work_terms, g), work_terms, 1e-4));
  const auto sliding_work_terms =
      work_terms + 1e-6 * (1 + count(kNumProductions) * count(kPointsComputedPerProduction));
  EXPECT_TRUE(torch::allclose(stage_costs_of_zero_readout(Readout::sliding_work_terms, g),
                              sliding_work_terms, 1e-4));
  EXPECT_EQ(readout_term_names(Readout::sliding_work_terms).back(), "production_points");
}

TEST(Gnn, TermSharesSplitEachStageCostByItsWork) {
  const PipelineGraph g = synthetic_pipeline(1, 3, 14);
  const auto raw = g.schedules.reshape({-1, kScheduleFeatures});
  const auto count = [&](ScheduleFeature f) { return raw.select(1, f); };
  ASSERT_EQ(readout_term_names(Readout::work_terms),
            (std::vector<std::string>{"overhead", "points", "vectors", "scalars", "allocations",
                                      "bytes_loaded", "bytes_stored"}));
  const GnnOutput out = output_of_zero_readout(Readout::work_terms, g);
  ASSERT_EQ(out.term_share.sizes(), (std::vector<int64_t>{raw.size(0), 7}));
  EXPECT_TRUE(torch::allclose(out.term_share.sum(1), torch::ones({raw.size(0)}), 1e-5));
  EXPECT_TRUE(torch::allclose(out.term_share.select(1, 0), 1e-3 / out.stage_cost_ms, 1e-4));
  EXPECT_TRUE(torch::allclose(out.term_share.select(1, 1),
                              1e-6 * (1 + count(kPointsComputedTotal)) / out.stage_cost_ms, 1e-4));
  // One term without a count is the whole stage.
  const GnnOutput plain = output_of_zero_readout(Readout::plain, g);
  EXPECT_TRUE(torch::allclose(plain.term_share, torch::ones({raw.size(0), 1})));
}

TEST(Gnn, EnsembleStageCostsAreTheMembersGeometricMean) {
  const PipelineGraph g = synthetic_pipeline(1, 4, 15);
  torch::manual_seed(5);
  const GnnConfig c = small_ensemble(3, 1);
  GnnModule module(c);
  const GraphBatch batch = make_batch({{&g, g.all_rows()}},
                                      FeatureTransform::fit(std::vector<const PipelineGraph*>{&g}));
  torch::NoGradGuard no_grad;
  const GnnOutput out = module->forward(batch);
  ASSERT_EQ(out.member_runtime_ms.sizes(), (std::vector<int64_t>{3, 4}));
  // Members start apart, so the ensemble is not one of them.
  EXPECT_GT((out.member_runtime_ms[0] - out.member_runtime_ms[1]).abs().max().item<double>(), 0);
  EXPECT_TRUE(torch::allclose(out.runtime_ms,
                              torch::zeros({4}).index_add(0, batch.node_graph, out.stage_cost_ms)));
  // Stage by stage the geometric mean is at most the arithmetic one, so the ensemble's
  // runtime is at most the members' mean runtime.
  EXPECT_TRUE((out.runtime_ms <= out.member_runtime_ms.mean(0) * (1 + 1e-5)).all().item<bool>());

  // Each member learns from its own predictions: the ensemble loss is their mean.
  const auto measured = batch.runtimes_ms;
  const LossTerms mean =
      ensemble_loss(out.member_runtime_ms, measured, batch.graph_part, {0.5, 0.7});
  double total = 0;
  for (int m = 0; m < 3; ++m)
    total += cost_model_loss(out.member_runtime_ms[m], measured, batch.graph_part, {0.5, 0.7})
                 .total.item<double>();
  EXPECT_NEAR(mean.total.item<double>(), total / 3, 1e-6 * total);  // float32 sums
}

// Stage costs of a one-member module after stage 4's schedule features change: only
// that stage's own cost may move when the member has no graph convolutions.
torch::Tensor stage_costs_after_changing_stage_4(int local_members) {
  const PipelineGraph g = synthetic_pipeline(1, 3, 16);
  torch::manual_seed(6);
  const GnnConfig c = small_ensemble(1, local_members);
  GnnModule module(c);
  GraphBatch batch = make_batch({{&g, g.all_rows()}},
                                FeatureTransform::fit(std::vector<const PipelineGraph*>{&g}));
  torch::NoGradGuard no_grad;
  const auto before = module->forward(batch).stage_cost_ms.view({3, 5});
  // Schedule-major nodes: stage 4 of every schedule.
  batch.schedule_features.view({3, 5, -1}).select(1, 4).add_(1.0);
  return module->forward(batch).stage_cost_ms.view({3, 5}) - before;
}

TEST(Gnn, LocalMembersCostEachStageFromItsOwnFeaturesAlone) {
  const auto local = stage_costs_after_changing_stage_4(1);
  EXPECT_EQ(local.narrow(1, 0, 4).abs().max().item<double>(), 0);
  EXPECT_GT(local.select(1, 4).abs().min().item<double>(), 0);
  // With convolutions stage 3, the changed stage's neighbour, moves too.
  const auto convolved = stage_costs_after_changing_stage_4(0);
  EXPECT_GT(convolved.select(1, 3).abs().min().item<double>(), 0);
}

TEST(Gnn, StructureFactsReachOnlyAModelThatAsksForThem) {
  const PipelineGraph g = synthetic_pipeline(1, 4, 19);  // no schedule source: zeros
  const auto transform = FeatureTransform::fit(std::vector<const PipelineGraph*>{&g});
  auto predict = [&](bool structure, const PipelineGraph& p) {
    torch::manual_seed(7);
    GnnConfig c = small_ensemble(2, 1);
    c.schedule_structure = structure;
    GnnModule m(c);
    m->eval();
    torch::NoGradGuard no_grad;
    return m->forward(make_batch({{&p, p.all_rows()}}, transform)).runtime_ms;
  };
  PipelineGraph flagged = g;
  flagged.structure = torch::zeros({4, 5, kStructureFeatures});
  flagged.structure.select(1, 2).fill_(1);  // every fact of stage 2
  EXPECT_TRUE(torch::equal(predict(false, g), predict(false, flagged)));
  EXPECT_FALSE(torch::equal(predict(true, g), predict(true, flagged)));
}

TEST(Gnn, ValueFeaturesReachOnlyAModelThatAsksForThem) {
  PipelineGraph g = synthetic_pipeline(1, 4, 23);
  g.values = torch::zeros({g.num_stages, kValueFeatures});
  const auto transform = FeatureTransform::fit(std::vector<const PipelineGraph*>{&g});
  auto predict = [&](bool values, const PipelineGraph& p) {
    torch::manual_seed(7);
    GnnConfig c = small_ensemble(2, 1);
    c.value_features = values;
    const GnnCostModel model(c, transform, GnnModule(c), nlohmann::json::object());
    return model.predict(p, p.all_rows()).at(0).runtime_ms;
  };
  PipelineGraph saturated = g;
  saturated.values = g.values.clone();
  saturated.values.select(0, 1)[3] = 1;  // stage 1's tanh arguments all saturate
  EXPECT_EQ(predict(false, g), predict(false, saturated));
  EXPECT_NE(predict(true, g), predict(true, saturated));
  PipelineGraph unmeasured = g;
  unmeasured.values = torch::Tensor();
  EXPECT_NO_THROW(predict(false, unmeasured));
  EXPECT_THROW(
      {
        try {
          predict(true, unmeasured);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("gnnperf dataset values"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
}

TEST(Gnn, DropoutActsOnlyWhileTraining) {
  const PipelineGraph g = synthetic_pipeline(1, 4, 17);
  const GraphBatch batch = make_batch({{&g, g.all_rows()}},
                                      FeatureTransform::fit(std::vector<const PipelineGraph*>{&g}));
  auto module_with = [](double dropout) {
    torch::manual_seed(7);
    GnnConfig c = small_ensemble(2, 1);
    c.dropout = dropout;
    return GnnModule(c);
  };
  GnnModule dropped = module_with(0.5), plain = module_with(0.0);
  torch::NoGradGuard no_grad;
  dropped->train();
  const auto first = dropped->forward(batch).runtime_ms;
  const auto second = dropped->forward(batch).runtime_ms;
  EXPECT_GT((first - second).abs().max().item<double>(), 0);
  // In evaluation the same parameters predict what they predict without dropout.
  dropped->eval();
  plain->eval();
  EXPECT_TRUE(torch::equal(dropped->forward(batch).runtime_ms, plain->forward(batch).runtime_ms));
}

TEST(Loss, TermsMatchHandComputedValues) {
  // Two parts: schedules 0 and 1 of part 0 (1 ms and 2 ms), schedule 2 alone in part 1.
  const auto measured = torch::tensor({1.0, 2.0, 4.0}, torch::kFloat64);
  const auto part = torch::tensor({0, 0, 1});
  const auto predicted = torch::tensor({2.0, 1.0, 100.0 * 4.0}, torch::kFloat64);
  const LossTerms t = cost_model_loss(predicted, measured, part, {0.5, 2.0});
  const double l2 = std::log(2.0), l100 = std::log(100.0);
  EXPECT_NEAR(t.regression.item<double>(), (l2 * l2 + l2 * l2 + l100 * l100) / 3, 1e-12);
  // One ordered pair (0 faster than 1), predicted the wrong way round by a factor 2:
  // softplus(log 2) = log 3.
  EXPECT_NEAR(t.ranking.item<double>(), std::log(3.0), 1e-12);
  // APE 1 and 0.5; the 100x over-prediction counts as 20x, an APE of 19.
  EXPECT_NEAR(t.ape.item<double>(), (1 + 0.5 + 19) / 3, 1e-12);
  EXPECT_NEAR(
      t.total.item<double>(),
      t.regression.item<double>() + 0.5 * t.ranking.item<double>() + 2.0 * t.ape.item<double>(),
      1e-12);
}

TEST(Loss, HuberDeltaMakesFarMissesLinear) {
  const auto measured = torch::tensor({1.0, 2.0, 4.0}, torch::kFloat64);
  const auto part = torch::tensor({0, 1, 2});
  // Log ratios log 2 (inside delta), -log 100 and log 100 (outside, either side).
  const auto predicted = torch::tensor({2.0, 0.02, 400.0}, torch::kFloat64);
  const double d = std::log(4.0), l2 = std::log(2.0), l100 = std::log(100.0);
  const LossTerms t = cost_model_loss(predicted, measured, part, {0.0, 0.0, d});
  EXPECT_NEAR(t.regression.item<double>(), (l2 * l2 + 2 * (2 * d * l100 - d * d)) / 3, 1e-12);
  // At the delta both branches agree; without one the term is the plain square.
  const auto at_delta = torch::tensor({4.0}, torch::kFloat64);
  const auto one = torch::tensor({1.0}, torch::kFloat64);
  EXPECT_NEAR(
      cost_model_loss(at_delta, one, torch::tensor({0}), {0.0, 0.0, d}).regression.item<double>(),
      d * d, 1e-12);
  EXPECT_NEAR(cost_model_loss(predicted, measured, part, {0.0, 0.0, 0.0}).regression.item<double>(),
              (l2 * l2 + 2 * l100 * l100) / 3, 1e-12);
}

TEST(Gnn, GradientMatchesFiniteDifferences) {
  const PipelineGraph g = synthetic_pipeline(1, 4, 13);
  GnnCostModel model = untrained_model({&g});
  GnnModule module = model.module();
  module->to(torch::kFloat64);
  const GraphBatch batch = make_batch({{&g, g.all_rows()}}, model.transform()).to(torch::kFloat64);
  auto loss = [&] {
    auto out = module->forward(batch);
    return cost_model_loss(out.runtime_ms, batch.runtimes_ms, batch.graph_part, {1.0, 0.5}).total;
  };
  module->zero_grad();
  loss().backward();
  torch::NoGradGuard no_grad;
  int checked = 0;
  for (auto& param : module->parameters()) {
    auto flat = param.view({-1});
    auto grad = param.grad().view({-1});
    for (int64_t i = 0; i < flat.numel(); i += std::max<int64_t>(1, flat.numel() / 3)) {
      const double eps = 1e-6, saved = flat[i].item<double>();
      flat[i] = saved + eps;
      const double up = loss().item<double>();
      flat[i] = saved - eps;
      const double down = loss().item<double>();
      flat[i] = saved;
      const double numeric = (up - down) / (2 * eps);
      EXPECT_NEAR(grad[i].item<double>(), numeric, 1e-5 + 1e-4 * std::abs(numeric));
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

TEST(Gnn, SaveThenLoadGivesIdenticalPredictions) {
  const PipelineGraph g = synthetic_pipeline(1, 8, 14);
  const GnnCostModel model = untrained_model({&g});
  const std::string path = test::scratch_dir("save") + "/m.gnn";
  model.save(path);
  const auto loaded = GnnCostModel::load(path);
  const auto a = model.predict(g, g.all_rows());
  const auto b = loaded->predict(g, g.all_rows());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].runtime_ms, b[i].runtime_ms);
    EXPECT_EQ(a[i].stage_cost_ms, b[i].stage_cost_ms);
  }
}

TEST(Gnn, ConcurrentPredictionsMatchSequentialOnes) {
  const PipelineGraph g = synthetic_pipeline(1, 32, 15);
  const GnnCostModel model = untrained_model({&g});
  const auto expected = model.predict(g, g.all_rows());
  std::vector<std::vector<SchedulePrediction>> got(4);
  std::vector<std::thread> threads;
  for (auto& out : got) threads.emplace_back([&] { out = model.predict(g, g.all_rows()); });
  for (auto& t : threads) t.join();
  for (const auto& out : got) {
    for (size_t i = 0; i < out.size(); ++i)
      EXPECT_DOUBLE_EQ(out[i].runtime_ms, expected[i].runtime_ms);
  }
}

std::vector<PipelineGraph> synthetic_dataset() {
  std::vector<PipelineGraph> graphs;
  for (int i = 1; i <= 40; ++i) graphs.push_back(synthetic_pipeline(i, 12, 100 + i));
  return graphs;
}

double mean_squared_log_error(const std::vector<PipelineResult>& results) {
  double sum = 0;
  int n = 0;
  for (const auto& r : results) {
    for (size_t i = 0; i < r.measured_ms.size(); ++i, ++n)
      sum += std::pow(std::log(r.predicted_ms[i] / r.measured_ms[i]), 2);
  }
  return sum / n;
}

TEST(Training, LowersTheLossAndBeatsPredictingTheTrainingMean) {
  const auto graphs = synthetic_dataset();
  TrainOptions o;
  o.model_path = test::scratch_dir("train") + "/m.gnn";
  o.config.hidden = 32;
  o.config.epochs = 40;
  o.config.batch_schedules = 24;  // 480 schedules: 20 optimizer steps an epoch
  o.config.part_schedules = 12;
  std::vector<double> losses;
  o.on_epoch = [&](const EpochReport& r) { losses.push_back(r.loss); };
  const TrainResult r = train_gnn(graphs, o);
  ASSERT_EQ(losses.size(), 40u);
  EXPECT_LT(losses.back(), 0.5 * losses.front());

  // The constant predictor: the geometric mean runtime of the training schedules.
  double log_sum = 0;
  int64_t n = 0;
  for (const auto* g : pipelines_in(graphs, SplitRule{}, Split::kTrain)) {
    log_sum += torch::log(g->runtimes_ms).sum().item<double>();
    n += g->num_schedules();
  }
  const double mean_ms = std::exp(log_sum / static_cast<double>(n));
  // Judged on test pipelines, which no config trains on.
  const auto test = pipelines_in(graphs, SplitRule{}, Split::kTest);
  ASSERT_GE(test.size(), 3u);
  auto gnn = evaluate(*r.model, test);
  auto constant = gnn;
  for (auto& c : constant) std::fill(c.predicted_ms.begin(), c.predicted_ms.end(), mean_ms);
  EXPECT_LT(mean_squared_log_error(gnn), 0.5 * mean_squared_log_error(constant));
  EXPECT_GT(r.test.kendall_tau, 0.3);
  EXPECT_TRUE(std::filesystem::exists(o.model_path));
  EXPECT_FALSE(std::filesystem::exists(o.model_path + ".ckpt"));
  EXPECT_EQ(r.model->record()["split"]["train"].size(),
            pipelines_in(graphs, SplitRule{}, Split::kTrain).size());
}

TEST(Training, AKilledRunResumesToTheSameModel) {
  const auto graphs = synthetic_dataset();
  const std::string dir = test::scratch_dir("resume");
  TrainOptions o;
  o.config.hidden = 16;
  o.config.epochs = 6;
  o.config.final_learning_rate = 1e-4;  // the resumed epochs must take the same decayed steps
  o.config.dropout = 0.3;               // ... and draw the same dropout masks
  o.model_path = dir + "/whole.gnn";
  const TrainResult whole = train_gnn(graphs, o);

  o.model_path = dir + "/killed.gnn";
  o.on_epoch = [](const EpochReport& r) {
    if (r.epoch == 3) throw std::runtime_error("killed");
  };
  EXPECT_THROW(train_gnn(graphs, o), std::runtime_error);
  ASSERT_TRUE(std::filesystem::exists(o.model_path + ".ckpt"));
  o.on_epoch = nullptr;
  o.resume = true;
  const TrainResult resumed = train_gnn(graphs, o);
  EXPECT_EQ(resumed.epochs_run, 6);
  const auto& g = graphs[0];
  const auto a = whole.model->predict(g, g.all_rows());
  const auto b = resumed.model->predict(g, g.all_rows());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i].runtime_ms, b[i].runtime_ms, 1e-4 * a[i].runtime_ms);
}

TEST(Training, KeepingTheLastEpochRunsEveryEpochOnTheDecayedSchedule) {
  const auto graphs = synthetic_dataset();
  TrainOptions o;
  o.model_path = test::scratch_dir("keeplast") + "/m.gnn";
  o.config.hidden = 16;
  o.config.epochs = 5;
  o.config.patience = 1;  // would stop after the first epoch that does not improve
  o.config.keep_last_epoch = true;
  o.config.final_learning_rate = o.config.learning_rate / 10;
  std::vector<double> rates;
  o.on_epoch = [&](const EpochReport& r) { rates.push_back(r.learning_rate); };
  const TrainResult r = train_gnn(graphs, o);
  EXPECT_EQ(r.epochs_run, 5);
  EXPECT_EQ(r.kept_epoch, 5);
  ASSERT_EQ(rates.size(), 5u);
  for (int e = 1; e <= 5; ++e) EXPECT_DOUBLE_EQ(rates[e - 1], o.config.learning_rate_at(e));
  EXPECT_DOUBLE_EQ(rates.back(), o.config.final_learning_rate_or_default());
}

TEST(Training, LearnsFromValidationPipelinesByDefaultAndThenNeedsTheLastEpoch) {
  const auto graphs = synthetic_dataset();
  auto fit_on = pipelines_in(graphs, SplitRule{}, Split::kTrain);
  const auto validation = pipelines_in(graphs, SplitRule{}, Split::kValidation);
  fit_on.insert(fit_on.end(), validation.begin(), validation.end());
  TrainOptions o;
  o.model_path = test::scratch_dir("trainonval") + "/m.gnn";
  o.config.hidden = 8;
  o.config.epochs = 1;
  const TrainResult r = train_gnn(graphs, o);
  // Features are standardized with the statistics of every pipeline trained on.
  EXPECT_TRUE(torch::equal(r.model->transform().schedule_mean,
                           FeatureTransform::fit(fit_on).schedule_mean));
  EXPECT_FALSE(torch::equal(
      r.model->transform().schedule_mean,
      FeatureTransform::fit(pipelines_in(graphs, SplitRule{}, Split::kTrain)).schedule_mean));
  EXPECT_TRUE(r.model->config().train_on_validation);
  // Test pipelines are never trained on, whatever the config.
  EXPECT_EQ(r.model->record()["split"]["test"].size(),
            pipelines_in(graphs, SplitRule{}, Split::kTest).size());

  o.config.keep_last_epoch = false;  // the validation loss would pick an epoch it trained on
  EXPECT_THROW(train_gnn(graphs, o), std::invalid_argument);
}

TEST(Training, TrainFractionKeepsANestedShareOfTrainingPipelinesAndEveryTestOne) {
  const auto graphs = synthetic_dataset();
  auto recorded = [&](double fraction, uint64_t seed) {
    TrainOptions o;
    o.model_path = test::scratch_dir("fraction") + "/m.gnn";
    o.config.hidden = 8;
    o.config.epochs = 1;
    o.config.train_fraction = fraction;
    o.seed = seed;
    return train_gnn(graphs, o).model->record()["split"];
  };
  auto names = [](const nlohmann::json& side) {
    std::set<std::string> out;
    for (const auto& n : side) out.insert(n.get<std::string>());
    return out;
  };
  const auto all = recorded(1.0, 1), half = recorded(0.5, 1), quarter = recorded(0.25, 1);
  const auto train = pipelines_in(graphs, SplitRule{}, Split::kTrain);
  ASSERT_EQ(all["train"].size(), train.size());
  EXPECT_EQ(half["train"].size(), static_cast<size_t>(std::llround(0.5 * train.size())));
  EXPECT_LT(quarter["validation"].size(), half["validation"].size());
  for (const char* side : {"train", "validation"}) {
    const auto q = names(quarter[side]), h = names(half[side]), a = names(all[side]);
    EXPECT_TRUE(std::includes(h.begin(), h.end(), q.begin(), q.end())) << side;
    EXPECT_TRUE(std::includes(a.begin(), a.end(), h.begin(), h.end())) << side;
  }
  EXPECT_EQ(names(half["test"]), names(all["test"]));
  // Another seed draws other pipelines.
  EXPECT_NE(names(recorded(0.5, 2)["train"]), names(half["train"]));
}

TEST(ModelFile, BadFilesGetOneClearError) {
  const std::string dir = test::scratch_dir("badmodel");
  const PipelineGraph g = synthetic_pipeline(1, 4, 16);
  GnnCostModel model = untrained_model({&g});
  model.save(dir + "/good.gnn");
  auto message = [](const std::string& path) {
    try {
      GnnCostModel::load(path);
    } catch (const ModelFileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto size = std::filesystem::file_size(dir + "/good.gnn");
  std::filesystem::copy_file(dir + "/good.gnn", dir + "/truncated.gnn");
  std::filesystem::resize_file(dir + "/truncated.gnn", size / 2);
  EXPECT_NE(message(dir + "/truncated.gnn").find("truncated or corrupt"), std::string::npos);
  test::write_file(dir + "/text.gnn", "not a model");
  EXPECT_NE(message(dir + "/text.gnn").find("truncated or corrupt"), std::string::npos);
  EXPECT_NE(message(dir + "/missing.gnn").find("does not exist"), std::string::npos);

  torch::serialize::OutputArchive other;
  GnnModule module = model.module();
  write_model_parts(other, model.config(), model.transform(), module, {});
  other.write("feature_layout_version", c10::IValue(int64_t{99}));
  other.save_to(dir + "/layout99.gnn");
  EXPECT_NE(message(dir + "/layout99.gnn").find("feature layout 99"), std::string::npos);
}

TEST(ModelFile, FilesWithoutNewerKeysLoadAsTheyWereTrained) {
  // Files written before `local_members` existed hold no such key and only members with
  // graph convolutions; the default for new configs (half the members) must not apply.
  // Nor were they trained with a Huber term, schedule-source facts or value features.
  const std::string dir = test::scratch_dir("oldmodel");
  const PipelineGraph g = synthetic_pipeline(1, 8, 17);
  torch::manual_seed(5);
  GnnConfig c = small_ensemble(2, 0);
  c.schedule_structure = false;
  c.value_features = false;
  GnnModule module(c);
  const GnnCostModel model(c, FeatureTransform::fit({&g}), module, nlohmann::json::object());
  auto old_config = c.to_json();
  old_config.erase("local_members");
  old_config.erase("huber_delta");
  old_config.erase("schedule_structure");
  old_config.erase("value_features");
  torch::serialize::OutputArchive archive;
  write_model_parts(archive, c, model.transform(), module, {});
  archive.write("config", c10::IValue(old_config.dump()));
  archive.save_to(dir + "/old.gnn");
  const auto loaded = GnnCostModel::load(dir + "/old.gnn");
  EXPECT_EQ(loaded->config().local_members_or_default(), 0);
  EXPECT_EQ(loaded->config().huber_delta, 0);
  EXPECT_FALSE(loaded->config().schedule_structure);
  EXPECT_FALSE(loaded->config().value_features);
  const auto a = model.predict(g, g.all_rows());
  const auto b = loaded->predict(g, g.all_rows());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].runtime_ms, b[i].runtime_ms);
}

TEST(Config, RejectsUnknownKeysAndBadValues) {
  EXPECT_THROW(GnnConfig::from_json({{"hiden", 3}}), std::invalid_argument);
  EXPECT_THROW(GnnConfig::from_json({{"layers", -1}}), std::invalid_argument);
  EXPECT_THROW(GnnConfig::from_json({{"hidden", "wide"}}), std::invalid_argument);
  EXPECT_THROW(GnnConfig::from_json({{"readout", 1}}), std::invalid_argument);
  EXPECT_THROW(GnnConfig::from_json({{"readout", "per_pixel"}}), std::invalid_argument);
  EXPECT_THROW(GnnConfig::from_json({{"keep_last_epoch", 1}}), std::invalid_argument);
  EXPECT_FALSE(GnnConfig::from_json({{"keep_last_epoch", false}}).keep_last_epoch);
  EXPECT_EQ(GnnConfig::from_json({{"hidden", 8}}).hidden, 8);
  EXPECT_EQ(GnnConfig::from_json({{"readout", "work_terms"}}).readout, Readout::work_terms);
  EXPECT_EQ(GnnConfig::from_json(GnnConfig{}.to_json()).readout, Readout::sliding_work_terms);
  EXPECT_EQ(GnnConfig::from_json({{"readout", "sliding_work_terms"}}).readout,
            Readout::sliding_work_terms);
  EXPECT_THROW(GnnConfig::from_json({{"train_on_validation", 1}}), std::invalid_argument);
  EXPECT_TRUE(GnnConfig{}.train_on_validation);
  EXPECT_FALSE(GnnConfig::from_json({{"train_on_validation", false}}).train_on_validation);
  // At most every member sees its stages alone.
  EXPECT_THROW(GnnConfig::from_json({{"members", 2}, {"local_members", 3}}), std::invalid_argument);
  EXPECT_EQ(GnnConfig::from_json({{"members", 2}, {"local_members", 2}}).local_members, 2);
  // By default half the members, rounded down, have no convolutions.
  EXPECT_EQ(GnnConfig{}.members, 8);
  EXPECT_EQ(GnnConfig{}.local_members_or_default(), 4);
  EXPECT_EQ(GnnConfig::from_json({{"members", 3}}).local_members_or_default(), 1);
  EXPECT_EQ(GnnConfig::from_json({{"members", 1}}).local_members_or_default(), 0);
  EXPECT_EQ(GnnConfig::from_json(GnnConfig{}.to_json()).local_members_or_default(), 4);
  EXPECT_THROW(GnnConfig::from_json({{"dropout", 1.0}}), std::invalid_argument);
  EXPECT_EQ(GnnConfig{}.dropout, 0.0);
  EXPECT_EQ(GnnConfig::from_json(GnnConfig::from_json({{"dropout", 0.2}}).to_json()).dropout, 0.2);
  GnnConfig too_many;
  too_many.members = 2;
  too_many.local_members = 3;
  EXPECT_THROW(GnnModule{too_many}, std::invalid_argument);
}

TEST(Config, LearningRateDecaysAlongACosineToItsFinalValue) {
  const auto c = GnnConfig::from_json(
      {{"learning_rate", 0.01}, {"final_learning_rate", 0.001}, {"epochs", 5}});
  EXPECT_DOUBLE_EQ(c.learning_rate_at(1), 0.01);
  EXPECT_NEAR(c.learning_rate_at(2), 0.001 + 0.009 * (1 + std::sqrt(0.5)) / 2, 1e-12);
  EXPECT_NEAR(c.learning_rate_at(3), 0.0055, 1e-12);
  EXPECT_DOUBLE_EQ(c.learning_rate_at(5), 0.001);
  // Without a final rate the step size decays to a twentieth of the first.
  const auto decayed = GnnConfig::from_json({{"learning_rate", 0.01}});
  EXPECT_DOUBLE_EQ(decayed.learning_rate_at(1), 0.01);
  EXPECT_DOUBLE_EQ(decayed.learning_rate_at(decayed.epochs), 0.0005);
  const auto constant = GnnConfig::from_json({{"final_learning_rate", GnnConfig{}.learning_rate}});
  EXPECT_DOUBLE_EQ(constant.learning_rate_at(constant.epochs), constant.learning_rate);
}

}  // namespace
}  // namespace gnnperf
