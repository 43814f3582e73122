// Runs a cost model over pipelines and collects predicted vs measured runtimes.
#pragma once

#include <vector>

#include "eval/metrics.h"
#include "graph/pipeline_graph.h"
#include "models/cost_model.h"

namespace gnnperf {

std::vector<PipelineResult> evaluate(const CostModel& model,
                                     const std::vector<const PipelineGraph*>& pipelines);

}  // namespace gnnperf
