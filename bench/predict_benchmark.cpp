// Prediction throughput of the GNN cost model on a batch of 1,024 schedules of a
// 20-stage pipeline (a chain with skip connections, like a small residual network),
// reported as schedules and stage evaluations per second. Baseline side by side: the
// same model without graph convolutions (K = 0), which isolates the cost of message
// passing.
#include <benchmark/benchmark.h>

#include <numeric>

#include "models/gnn_cost_model.h"

namespace gnnperf {
namespace {

constexpr int kStages = 20;
constexpr int kSchedules = 1024;

PipelineGraph twenty_stage_pipeline() {
  torch::manual_seed(1);
  PipelineGraph g;
  g.name = "bench";
  g.num_stages = kStages;
  for (int s = 1; s < kStages; ++s) {
    g.edges.emplace_back(s, s - 1);
    if (s >= 3 && s % 3 == 0) g.edges.emplace_back(s, s - 3);
  }
  g.stage_names.assign(kStages, "f");
  g.algorithm = torch::rand({kStages, kAlgorithmFeatures}) * 100;
  g.schedules = torch::rand({kSchedules, kStages, kScheduleFeatures}) * 1e4;
  g.runtimes_ms = torch::ones({kSchedules}, torch::kFloat64);
  for (int i = 0; i < kSchedules; ++i) g.schedule_ids.push_back(i);
  return g;
}

void predict_batch(benchmark::State& state) {
  const PipelineGraph g = twenty_stage_pipeline();
  GnnConfig c;
  c.layers = static_cast<int>(state.range(0));
  const GnnCostModel model(c, FeatureTransform::fit({&g}), GnnModule(c), nlohmann::json::object());
  std::vector<int64_t> rows(kSchedules);
  std::iota(rows.begin(), rows.end(), 0);
  for (auto _ : state) benchmark::DoNotOptimize(model.predict(g, rows));
  state.counters["schedules/s"] =
      benchmark::Counter(kSchedules, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["stages/s"] =
      benchmark::Counter(kSchedules * kStages, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(predict_batch)->ArgName("layers")->Arg(0)->Arg(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gnnperf

BENCHMARK_MAIN();
