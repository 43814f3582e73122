// Per-schedule loss weights that balance workload families. Random pipelines are most of
// the reference dataset (7,343 of 8,309 schedules after session 20), so an unweighted loss
// fits them and treats the few convolution and transformer layers as noise; a held-out
// family is judged on how well the model learned its nearest kin.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "graph/graph_batch.h"
#include "graph/pipeline_graph.h"

namespace gnnperf {

// Each family's weight per schedule: (schedules of the family)^-exponent, scaled so that
// the mean weight over every schedule of `pipelines` is 1. Exponent 0 weighs every
// schedule alike; 1 gives every family the same total weight.
std::map<std::string, double> family_weights(const std::vector<const PipelineGraph*>& pipelines,
                                             double exponent);

// The weight of each graph of the batch made from `parts`, in make_batch's graph order
// ([graphs], float64). Throws std::out_of_range for a family `weights` does not hold.
torch::Tensor graph_weights(const std::vector<BatchPart>& parts,
                            const std::map<std::string, double>& weights);

}  // namespace gnnperf
