// Keeps a timing on fixed CPUs, so that the scheduler does not move it between cores
// (each has its own L2 cache) in the middle of a measurement.
#pragma once

namespace gnnperf {

// Pins the calling thread, and the threads it creates later (Halide's thread pool), to
// the last `count` online CPUs. Throws std::runtime_error if the kernel refuses.
void pin_to_last_cpus(int count);

}  // namespace gnnperf
