// Writes stored schedules as Halide `.sample` files, the input of Debian's
// retrain_cost_model: the featurization (float32), then the runtime in ms (float32),
// the pipeline id and the schedule id (int32).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "dataset/store.h"

namespace gnnperf {

// Writes one .sample and one .schedule.h per schedule into `dir` (created if
// missing) and a list of the samples, `dir/samples.txt`, ready to pipe into retrain_cost_model.
// Returns the number of samples.
int64_t export_samples(DatasetStore& store, const std::string& dir,
                       std::optional<int64_t> machine_id);

}  // namespace gnnperf
