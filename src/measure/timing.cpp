#include "measure/timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "measure/random_inputs.h"
#include "workloads/workload.h"

namespace gnnperf {
namespace {

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

Halide::Realization prepare_run(Halide::Pipeline& pipeline, BuiltPipeline& built,
                                const Halide::Target& target) {
  std::vector<Halide::Buffer<>> outputs;
  for (auto& out : built.outputs) outputs.emplace_back(out.func.output_types().at(0), out.extents);
  Halide::Realization realization(outputs);
  pipeline.infer_input_bounds(realization, target);
  for (auto& in : built.inputs) fill_random(in.param.get(), seed_of_name(in.param.name()));
  return realization;
}

Timing time_pipeline(Halide::Pipeline& pipeline, Halide::Realization& outputs,
                     const TimingPolicy& policy) {
  auto start = std::chrono::steady_clock::now();
  auto run_once = [&] {
    auto t = std::chrono::steady_clock::now();
    pipeline.realize(outputs);
    return elapsed_ms(t);
  };
  const double first_ms = run_once();  // warm-up: page faults, thread pool start-up

  Timing timing;
  std::vector<double> per_run;
  if (first_ms >= policy.very_slow_run_ms) {
    per_run.push_back(first_ms);
    timing.iterations = 1;
  } else {
    const double probe_ms = run_once();
    timing.iterations =
        std::max(1, static_cast<int>(std::ceil(policy.min_sample_ms / std::max(probe_ms, 1e-6))));
    const bool slow = probe_ms >= policy.slow_run_ms;
    const int samples = slow ? policy.slow_samples : policy.samples;
    const auto window_start = std::chrono::steady_clock::now();
    while (static_cast<int>(per_run.size()) < samples ||
           (!slow && elapsed_ms(window_start) < policy.min_window_ms)) {
      auto t = std::chrono::steady_clock::now();
      for (int i = 0; i < timing.iterations; ++i) pipeline.realize(outputs);
      per_run.push_back(elapsed_ms(t) / timing.iterations);
    }
  }
  std::sort(per_run.begin(), per_run.end());
  timing.samples = static_cast<int>(per_run.size());
  timing.min_ms = per_run.front();
  timing.max_ms = per_run.back();
  const size_t mid = per_run.size() / 2;
  timing.median_ms = per_run.size() % 2 ? per_run[mid] : 0.5 * (per_run[mid - 1] + per_run[mid]);
  timing.seconds = elapsed_ms(start) / 1000.0;
  return timing;
}

}  // namespace gnnperf
