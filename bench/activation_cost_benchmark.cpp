// Does an activation stage cost the same whatever values flow through it? Times the
// workloads' own ReLU and GELU stages (workloads/layers.h), vectorized 16 wide on one
// thread, over 64K float32 inputs of small magnitude (within [-2, 2]) and of large
// magnitude (within [-2000, 2000]). Halide 14 lowers GELU's tanh to one scalar libm call per lane,
// and libm returns early for large arguments, so GELU's cost depends on the data, which no schedule
// or algorithm feature sees. Ends with each run's CPU time per point and as a ratio to ReLU's on
// small inputs (when that run is among those filtered in).
#include <Halide.h>
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "measure/host_target.h"
#include "measure/random_inputs.h"
#include "recording_reporter.h"
#include "workloads/graph.h"
#include "workloads/layers.h"

namespace gnnperf {
namespace {

constexpr int kPoints = 1 << 16;

// The inputs collection times pipelines with (uniform in [-1, 1]), scaled by `magnitude`.
Halide::Buffer<float> inputs(float magnitude) {
  Halide::Buffer<float> b(kPoints);
  fill_random(b, seed_of_name("in"));
  b.for_each_value([magnitude](float& v) { v *= magnitude; });
  return b;
}

void bm_activation(benchmark::State& state, Activation act, float magnitude) {
  Graph g;
  const Tensor in = g.input("in", {kPoints});
  Tensor out = activation(g, "act", in, act);
  out.func.vectorize(out.func.args().at(0), 16);
  const BuiltPipeline built = g.finish({out});
  Halide::Pipeline p = built.pipeline();
  p.compile_jit(host_target());  // the target collection compiles and times for
  Halide::Buffer<float> x = inputs(magnitude), y(kPoints);
  Halide::ImageParam param = built.inputs.front().param;
  param.set(x);
  for (auto _ : state) p.realize(y);
}

}  // namespace
}  // namespace gnnperf

int main(int argc, char** argv) {
  using gnnperf::Activation;
  const struct {
    const char* name;
    Activation act;
    float magnitude;
  } runs[] = {{"relu/small_inputs", Activation::kRelu, 2.0f},
              {"relu/large_inputs", Activation::kRelu, 2000.0f},
              {"gelu/small_inputs", Activation::kGelu, 2.0f},
              {"gelu/large_inputs", Activation::kGelu, 2000.0f}};
  for (const auto& r : runs)
    benchmark::RegisterBenchmark(r.name, gnnperf::bm_activation, r.act, r.magnitude);
  benchmark::Initialize(&argc, argv);
  gnnperf::RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const auto& times = reporter.times();
  const auto* relu = reporter.find("relu/small_inputs");
  fmt::print("\nCPU time per point, and as a ratio to relu/small_inputs's:\n");
  for (const auto& t : times) {
    fmt::print("  {:<20} {:8.3f} ns", t.name, t.cpu_seconds * 1e9 / gnnperf::kPoints);
    if (relu) fmt::print(" {:8.2f}x", t.cpu_seconds / relu->cpu_seconds);
    fmt::print("\n");
  }
  benchmark::Shutdown();
  return 0;
}
