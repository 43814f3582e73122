#include "eval/evaluate.h"

#include <numeric>

namespace gnnperf {

std::vector<PipelineResult> evaluate(const CostModel& model,
                                     const std::vector<const PipelineGraph*>& pipelines) {
  std::vector<PipelineResult> results;
  for (const auto* g : pipelines) {
    std::vector<int64_t> rows(static_cast<size_t>(g->num_schedules()));
    std::iota(rows.begin(), rows.end(), 0);
    PipelineResult r;
    for (const auto& p : model.predict(*g, rows)) r.predicted_ms.push_back(p.runtime_ms);
    const auto measured = g->runtimes_ms.contiguous();
    r.measured_ms.assign(measured.data_ptr<double>(),
                         measured.data_ptr<double>() + measured.numel());
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace gnnperf
