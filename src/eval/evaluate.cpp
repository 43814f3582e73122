#include "eval/evaluate.h"

#include <numeric>

namespace gnnperf {

std::vector<PipelineResult> evaluate(const CostModel& model,
                                     const std::vector<const PipelineGraph*>& pipelines) {
  std::vector<PipelineResult> results;
  for (const auto* g : pipelines) {
    PipelineResult r;
    for (const auto& p : model.predict(*g, g->all_rows())) r.predicted_ms.push_back(p.runtime_ms);
    const auto measured = g->runtimes_ms.contiguous();
    r.measured_ms.assign(measured.data_ptr<double>(),
                         measured.data_ptr<double>() + measured.numel());
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace gnnperf
