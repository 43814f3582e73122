// Times a compiled pipeline on real buffers.
//
// Protocol: one warm-up run, then repeated samples, each made of enough back-to-back
// runs to last about `min_sample_ms`, so short pipelines are not dominated by timer
// resolution. Sampling goes on for at least `min_window_ms`: on a shared virtual machine
// a neighbour slows memory-bound code by up to 1.8x for periods of 0.1 to 3 s, so the
// minimum over a window of about a second lands in a quiet period far more often than
// the minimum over a burst of ten samples (see README, "Timing noise"). Slow schedules
// are capped: once a single run is long, fewer samples are taken so that one bad
// schedule cannot eat the collection budget.
#pragma once

#include <Halide.h>

namespace gnnperf {

struct BuiltPipeline;

struct TimingPolicy {
  double min_sample_ms = 1.0;
  int samples = 10;             // at least this many samples...
  double min_window_ms = 1000;  // ...and sampling for at least this long
  double slow_run_ms = 100;     // runs this long: only `slow_samples` samples
  int slow_samples = 3;
  double very_slow_run_ms = 1000;  // runs this long: the warm-up run is the only sample
};

struct Timing {
  double min_ms = 0;
  double median_ms = 0;
  double max_ms = 0;
  int samples = 0;
  int iterations = 0;  // runs per sample
  double seconds = 0;  // wall time spent timing, warm-up included
};

// Allocates output buffers of the pipeline's shape and the input buffers this schedule
// needs for them (Halide's bounds query: a schedule that over-computes reads past the
// nominal input shape), binds the inputs of `built` (which must not be bound yet) and
// fills them with fill_random, seeded by each input's name. Returns the outputs.
Halide::Realization prepare_run(Halide::Pipeline& pipeline, BuiltPipeline& built,
                                const Halide::Target& target);

// Times `pipeline`, compiled and prepared by prepare_run; `outputs` holds what the last
// run computed.
Timing time_pipeline(Halide::Pipeline& pipeline, Halide::Realization& outputs,
                     const TimingPolicy& policy);

}  // namespace gnnperf
