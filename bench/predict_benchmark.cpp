// Prediction throughput of the GNN cost model on a batch of 1,024 schedules of a
// 20-stage pipeline (a chain with skip connections, like a small residual network),
// reported as schedules and stage evaluations per second. Baselines side by side: the
// same model without graph convolutions (K = 0), which isolates the cost of message
// passing, and Halide's own Adams2019 cost model (AOT-compiled C, stock weights), the
// model an autoscheduler would otherwise call. Ends with each run's time per batch as a
// ratio to Halide's.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "baselines/halide_cost_model.h"
#include "models/gnn_cost_model.h"
#include "recording_reporter.h"

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

// Predicts the whole batch once per iteration.
void time_predictions(benchmark::State& state, const CostModel& model, const PipelineGraph& g) {
  const std::vector<int64_t> rows = g.all_rows();
  for (auto _ : state) benchmark::DoNotOptimize(model.predict(g, rows));
  state.counters["schedules/s"] =
      benchmark::Counter(kSchedules, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["stages/s"] =
      benchmark::Counter(kSchedules * kStages, benchmark::Counter::kIsIterationInvariantRate);
}

void predict_batch(benchmark::State& state) {
  const PipelineGraph g = twenty_stage_pipeline();
  GnnConfig c;
  c.layers = static_cast<int>(state.range(0));
  const GnnCostModel model(c, FeatureTransform::fit({&g}), GnnModule(c), nlohmann::json::object());
  time_predictions(state, model, g);
}

void predict_batch_halide_stock(benchmark::State& state) {
  const PipelineGraph g = twenty_stage_pipeline();
  time_predictions(state, HalideCostModel::stock(GNNPERF_STOCK_WEIGHTS, 2), g);
}

BENCHMARK(predict_batch)->ArgName("layers")->Arg(0)->Arg(3)->Unit(benchmark::kMillisecond);
BENCHMARK(predict_batch_halide_stock)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gnnperf

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  gnnperf::RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (const auto* halide = reporter.find("predict_batch_halide_stock")) {
    for (const auto& r : reporter.times()) {
      fmt::print("{:<32} {:>8.2f}x the time of Halide's cost model\n", r.name,
                 r.real_seconds / halide->real_seconds);
    }
  }
  benchmark::Shutdown();
}
