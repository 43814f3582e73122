// Times a compiled pipeline on real buffers.
//
// Protocol: one warm-up run, then repeated samples, each made of enough back-to-back
// runs to last about `min_sample_ms`, so short pipelines are not dominated by timer
// resolution. Slow schedules are capped: once a single run is long, fewer samples are
// taken so that one bad schedule cannot eat the collection budget.
#pragma once

#include <Halide.h>

#include "workloads/workload.h"

namespace gnnperf {

struct TimingPolicy {
  double min_sample_ms = 1.0;
  int samples = 10;
  double slow_run_ms = 100;       // runs this long: only `slow_samples` samples
  int slow_samples = 3;
  double very_slow_run_ms = 1000; // runs this long: the warm-up run is the only sample
};

struct Timing {
  double min_ms = 0;
  double median_ms = 0;
  double max_ms = 0;
  int samples = 0;
  int iterations = 0;  // runs per sample
  double seconds = 0;  // wall time spent timing, warm-up included
};

// Allocates input and output buffers for `built` (inputs filled with deterministic
// pseudo-random values), binds the inputs, and times `pipeline`, which must already be
// compiled for the host.
Timing time_pipeline(Halide::Pipeline& pipeline, BuiltPipeline& built, const TimingPolicy& policy);

}  // namespace gnnperf
