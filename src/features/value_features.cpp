#include "features/value_features.h"

#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>

#include "measure/timing.h"
#include "sampling/plain_schedule.h"
#include "workloads/workload.h"

namespace gnnperf {
namespace {

using Halide::Internal::Call;

constexpr const char* kProbeName = "gnnperf_tanh_probe";

// The probe is a plain function called by JIT code, so its counts are global: one
// measurement at a time holds `measuring`; counts are atomic in case a schedule runs
// stages on Halide's worker threads.
std::mutex measuring;
std::unique_ptr<std::atomic<int64_t>[]> regime_counts;  // stage * kValueFeatures + regime

float tanh_probe(float x, int stage) {
  regime_counts[static_cast<size_t>(stage) * kValueFeatures + static_cast<size_t>(tanh_regime(x))]
      .fetch_add(1, std::memory_order_relaxed);
  return std::tanh(x);
}

// Replaces every call of Halide's tanh by the probe, tagged with the stage.
class ProbeTanh : public Halide::Internal::IRMutator {
 public:
  explicit ProbeTanh(int stage) : stage_(stage) {}

 private:
  using IRMutator::visit;
  Halide::Expr visit(const Call* op) override {
    if (op->name != "tanh_f32") return IRMutator::visit(op);
    return Call::make(Halide::Float(32), kProbeName, {mutate(op->args[0]), Halide::Expr(stage_)},
                      Call::Extern);
  }
  int stage_;
};

}  // namespace

TanhRegime tanh_regime(float x) {
  const float a = std::fabs(x);
  if (a < 0x1p-26f) return TanhRegime::kTiny;
  if (a <= 0.17328679f) return TanhRegime::kSmall;  // 2|x| <= 0.5 ln 2
  if (a < 9.0f) return TanhRegime::kReduced;
  return TanhRegime::kSaturated;  // NaN too: tanhf returns it at once
}

std::vector<float> measure_value_features(BuiltPipeline& built, const StageGraph& graph,
                                          const Halide::Target& target) {
  const std::vector<Halide::Func> outputs = built.output_funcs();
  std::vector<Halide::Internal::Function> functions;
  for (const auto& out : outputs) functions.push_back(out.function());
  auto env = Halide::Internal::build_environment(functions);
  const auto num_stages = static_cast<int>(graph.stages.size());
  for (int i = 0; i < num_stages; ++i) {
    const StageNode& stage = graph.stages[static_cast<size_t>(i)];
    Halide::Internal::Function& f = env.at(stage.func_name);
    ProbeTanh probe(i);
    (stage.definition == 0 ? f.definition() : f.update(stage.definition - 1)).mutate(&probe);
  }
  apply_plain_schedule(outputs);
  Halide::Pipeline pipeline = built.pipeline();
  pipeline.set_jit_externs({{kProbeName, Halide::JITExtern(tanh_probe)}});

  std::lock_guard<std::mutex> lock(measuring);
  const size_t cells = static_cast<size_t>(num_stages) * kValueFeatures;
  regime_counts = std::make_unique<std::atomic<int64_t>[]>(cells);
  Halide::Realization outputs_of_run = prepare_run(pipeline, built, target);
  pipeline.realize(outputs_of_run);

  std::vector<float> fractions(cells, 0.0f);
  for (size_t s = 0; s < static_cast<size_t>(num_stages); ++s) {
    int64_t calls = 0;
    for (size_t r = 0; r < kValueFeatures; ++r) calls += regime_counts[s * kValueFeatures + r];
    if (calls == 0) continue;
    for (size_t r = 0; r < kValueFeatures; ++r) {
      fractions[s * kValueFeatures + r] = static_cast<float>(
          static_cast<double>(regime_counts[s * kValueFeatures + r]) / static_cast<double>(calls));
    }
  }
  regime_counts.reset();
  return fractions;
}

MeasuredValues measure_value_features(const Workload& workload, const Halide::Target& target) {
  BuiltPipeline built = workload.build();
  MeasuredValues measured{build_stage_graph(built.output_funcs()), {}};
  measured.features = measure_value_features(built, measured.graph, target);
  return measured;
}

}  // namespace gnnperf
