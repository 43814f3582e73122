// Turns a collection request into a deterministic list of tasks. Each task has a key
// that is stable across runs, which is what makes a killed collection resumable: a rerun
// plans the same keys and skips the ones the store already holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sampling/autoscheduler.h"
#include "workloads/workload.h"

namespace gnnperf {

struct SampleTask {
  std::string key;
  const Workload* workload = nullptr;
  SamplingParams params;
  bool is_default = false;  // the pipeline's deterministic beam-search reference
  bool is_repeat = false;   // a planned re-timing of the task `repeat_of`
  std::string repeat_of;
};

// Beam of each pipeline's deterministic reference schedule. Halide's own default (32)
// took 135 s for one 3x3 conv on 2 cores and beam 4 up to 86 s on ResNet convs, too
// slow for hundreds of pipelines; the greedy pass (beam 1) takes 0.1 to 3 s.
inline constexpr int kDefaultBeam = 1;

struct PlanRequest {
  uint64_t seed = 1;
  int schedules_per_pipeline = 10;  // randomized schedules; the default comes on top
  int parallelism = 2;
  int64_t machine_id = 0;
  int default_beam = kDefaultBeam;
};

// Roughly one task in `kRepeatEvery` is timed again at the end of the run.
inline constexpr int kRepeatEvery = 20;

// Primary tasks (every pipeline's default, then round-robin over pipelines), then the
// repeats, which the collector starts only once every primary task has finished.
std::vector<SampleTask> plan_tasks(const std::vector<Workload>& workloads,
                                   const PlanRequest& request);

}  // namespace gnnperf
