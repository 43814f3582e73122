// Runs Halide's own Adams2019 autoscheduler (the Debian plugin) on a pipeline.
//
// Adams2019 takes its knobs from environment variables, and reads HL_RANDOM_DROPOUT
// only once per process, so each call with a different dropout must happen in a fresh
// process: the collector runs every sample in its own child (see collect/sample_process.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace Halide {
class Pipeline;
struct Target;
struct MachineParams;
}  // namespace Halide

namespace gnnperf {

struct SamplingParams {
  int beam_size = 1;
  int random_dropout = 100;  // percent chance of keeping each candidate; 100 keeps all
  uint64_t seed = 0;
  int parallelism = 2;        // cores given to the autoscheduler, and threads for timing
  uint64_t weights_seed = 0;  // 0: Halide's stock cost-model weights; else random weights
  bool operator==(const SamplingParams&) const = default;
};

struct AutoscheduleResult {
  std::vector<uint8_t> featurization;
  std::string schedule_source;
  double reported_cost = 0;  // the cost Adams2019 reports for the state it chose
  double seconds = 0;
};

// Machine parameters handed to the autoscheduler, recorded with every run.
Halide::MachineParams machine_params(int parallelism);

// Loads the plugin once per process; throws std::runtime_error if it is missing.
void load_adams2019();

// Schedules `pipeline` in place. Must run in a process that has not autoscheduled with
// a different random_dropout before.
AutoscheduleResult autoschedule(Halide::Pipeline& pipeline, const Halide::Target& target,
                                const SamplingParams& params);

}  // namespace gnnperf
