// Bagging for the ensemble: each member learns from its own bootstrap sample of the
// training pipelines. Members that differ only in their initialization fit the same
// pipelines' quirks; resampling whole pipelines (never schedules, whose pipeline-mates
// share those quirks) makes them disagree where the data is thin, and the geometric
// mean of disagreeing members is what generalizes.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <vector>

#include "graph/graph_batch.h"
#include "graph/pipeline_graph.h"

namespace gnnperf {

// For each pipeline, one weight per member: how often the member's bootstrap sample drew
// it, Poisson(1) distributed (the limit of drawing n of n with replacement), so a member
// leaves out about a third of the pipelines. Fixed by `seed` and the pipelines' order, so
// a resumed run draws the same samples.
using BootstrapWeights = std::map<const PipelineGraph*, std::vector<double>>;
BootstrapWeights bootstrap_weights(const std::vector<const PipelineGraph*>& pipelines, int members,
                                   uint64_t seed);

// [members, graphs] float64: each graph of the batch made from `parts` (in make_batch's
// graph order) weighted by its pipeline's draws. Throws std::out_of_range for a pipeline
// `weights` does not hold.
torch::Tensor member_graph_weights(const std::vector<BatchPart>& parts,
                                   const BootstrapWeights& weights, int members);

}  // namespace gnnperf
