// What a compiled pipeline really does, per Func, counted with Halide's tracing: how
// often each Func is produced and how many values it stores (vector lanes included,
// so over-computed lanes count). The counterpart of the featurization's
// num_productions and points_computed_total, which describe the loop nest the
// autoscheduler meant; Halide's lowering (sliding windows, tails) can differ.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gnnperf {

struct FuncWork {
  std::string name;
  int64_t productions = 0;
  int64_t stored_values = 0;
};

// Turns on tracing of realizations and stores for every Func that `outputs` depend on,
// recompiles `pipeline` for `target` and runs it once into `realization` (prepared by
// prepare_run, measure/timing.h). The Funcs stay traced: time nothing with them after.
// One entry per Func that was produced, by name.
std::vector<FuncWork> count_work(Halide::Pipeline& pipeline,
                                 const std::vector<Halide::Func>& outputs,
                                 Halide::Realization& realization, const Halide::Target& target);

}  // namespace gnnperf
