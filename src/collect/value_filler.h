// Measures the value features (features/value_features.h) of stored pipelines that have
// none: those a collection stored before it was killed, and every pipeline collected
// before dataset schema version 4. Each is built again and run once under the plain
// schedule, in this process; its stage graph must be the stored one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace gnnperf {

class DatasetStore;
struct PipelineStages;

struct ValueFillReport {
  int64_t missing = 0;                // pipelines without value features before this run
  int64_t measured = 0;               // value features stored by this run
  int64_t not_rebuildable = 0;        // pipelines `workload_of` cannot build
  std::vector<std::string> failures;  // "<pipeline>: <reason>"
  double wall_s = 0;
  bool interrupted = false;
};

// The workload a stored pipeline name stands for, if it can be built.
using WorkloadLookup = std::function<std::optional<Workload>(const std::string& name)>;

// Measures at most `limit` pipelines (0: all), storing each as it is measured.
ValueFillReport fill_value_features(DatasetStore& store, const WorkloadLookup& workload_of,
                                    int64_t limit);

// Measures the value features of `workload` and stores them as those of the stored
// pipeline `pipeline`. Returns "<pipeline>: <reason>" if that failed.
std::optional<std::string> fill_value_features_of(DatasetStore& store,
                                                  const PipelineStages& pipeline,
                                                  const Workload& workload,
                                                  const Halide::Target& target);

}  // namespace gnnperf
