// Facts about a stage's schedule that Adams2019's featurization leaves out but its
// schedule source states. They mark where Halide 14's lowering departs from the loop
// nest the featurization describes: `gnnperf profile` found a Func computed at a loop
// of its consumer's reduction, with storage hoisted further out, realized 64 times as
// often as its features say (README, "Where the largest errors come from").
#pragma once

#include <array>
#include <string>
#include <vector>

namespace gnnperf {

enum class StructureFeature {
  kComputedAtReductionLoop,  // compute_at a loop over an RVar of a consumer
  kStoredOutsideCompute,     // store_at a level other than compute_at's (sliding, folding)
  kGuardedVectorTail,        // its vectorized split is GuardWithIf: predicated tail vectors
  kReorderedStorage,         // reorder_storage
};
inline constexpr int kStructureFeatures = 4;

// Per stage of `stage_names` (StageNode::name(): "f", "f.update(0)"), in order, the
// kStructureFeatures facts as 0 or 1, row-major. Func-level directives (compute_at,
// store_at, reorder_storage) mark every stage of the Func; a stage absent from the
// source (inlined) gets zeros.
std::vector<float> schedule_structure(const std::string& schedule_source,
                                      const std::vector<std::string>& stage_names);

}  // namespace gnnperf
