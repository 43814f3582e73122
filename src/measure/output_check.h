// Whether a schedule computed the right values. Halide 14 miscompiles some Adams2019
// schedules (docs/halide14-bugs.md), and a timing of code that computes garbage is not
// a timing of the schedule the features describe; so each timed schedule's outputs are
// compared with those of the plain schedule on the same inputs.
#pragma once

#include <Halide.h>

#include <vector>

namespace gnnperf {

// The outputs of one run, each flattened to doubles in storage order.
using OutputValues = std::vector<std::vector<double>>;

// Schedules whose outputs differ from the plain schedule's by more than this (in
// max_relative_difference) computed wrong values. Correct schedules differ only by
// float reassociation; wrong ones by orders of magnitude more (see docs/dataset.md).
inline constexpr double kWrongOutputDifference = 1e-2;

std::vector<double> values_of(const Halide::Buffer<>& buffer);
OutputValues values_of(const Halide::Realization& outputs);

// The largest |a - b| / (1 + |b|) over the elements, b being the reference: relative
// for large values, absolute for small ones. NaN on both sides counts as equal; NaN on
// one side, or sizes that differ, give infinity.
double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b);
double max_relative_difference(const OutputValues& a, const OutputValues& b);

}  // namespace gnnperf
