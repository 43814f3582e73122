// The plain schedule: every Func computed at root, serially. It is the simplest
// schedule whose cost does not explode on deep graphs, unlike inlining everything, and
// the one whose outputs serve as the reference when a schedule's outputs are checked.
#pragma once

#include <Halide.h>

#include <vector>

namespace gnnperf {

void apply_plain_schedule(const std::vector<Halide::Func>& outputs);

}  // namespace gnnperf
