#include "collect/value_filler.h"

#include <fmt/format.h>

#include "collect/child_processes.h"
#include "dataset/store.h"
#include "features/value_features.h"
#include "measure/host_target.h"
#include "util/progress.h"

namespace gnnperf {

std::optional<std::string> fill_value_features_of(DatasetStore& store,
                                                  const PipelineStages& pipeline,
                                                  const Workload& workload,
                                                  const Halide::Target& target) {
  try {
    const MeasuredValues measured = measure_value_features(workload, target);
    if (measured.graph.stage_names() != pipeline.stage_names)
      throw std::runtime_error("its stage graph is not the stored one (workload code changed)");
    store.record_value_features(pipeline.id, measured.features);
    return std::nullopt;
  } catch (const std::exception& e) {
    return fmt::format("{}: {}", pipeline.name, e.what());
  }
}

ValueFillReport fill_value_features(DatasetStore& store, const WorkloadLookup& workload_of,
                                    int64_t limit) {
  std::vector<PipelineStages> pending = store.pipelines_without_value_features();
  ValueFillReport report;
  report.missing = static_cast<int64_t>(pending.size());
  if (pending.empty()) return report;  // no progress line for nothing to do
  if (limit > 0 && static_cast<int64_t>(pending.size()) > limit) pending.resize(limit);
  const Halide::Target target = host_target();
  InterruptGuard guard;
  ProgressLine progress("values", static_cast<int64_t>(pending.size()));
  int64_t done = 0;
  for (const auto& p : pending) {
    if (InterruptGuard::interrupted()) break;
    if (const auto workload = workload_of(p.name)) {
      if (auto failure = fill_value_features_of(store, p, *workload, target)) {
        report.failures.push_back(std::move(*failure));
      } else {
        ++report.measured;
      }
    } else {
      ++report.not_rebuildable;
    }
    progress.update(++done, static_cast<int64_t>(report.failures.size()), p.name);
  }
  progress.finish();
  report.interrupted = InterruptGuard::interrupted();
  report.wall_s = progress.elapsed_seconds();
  return report;
}

}  // namespace gnnperf
