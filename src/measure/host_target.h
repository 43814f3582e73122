// The Halide target that schedules are compiled for and timed on.
#pragma once

#include <Halide.h>

namespace gnnperf {

// Halide's host target, minus features this CPU cannot run. Halide 14 reports
// avx512_sapphirerapids on AMD Zen 4, which lacks AVX512-FP16; LLVM then emits
// instructions that die with SIGILL.
Halide::Target host_target();

}  // namespace gnnperf
