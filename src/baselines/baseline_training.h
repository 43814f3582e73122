// What every trainable baseline gets to learn from: the GNN's own training and validation
// pipelines, and its epoch budget for models trained by epochs, so that comparisons are
// fair.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/pipeline_graph.h"

namespace gnnperf {

struct BaselineTrainingSet {
  std::vector<const PipelineGraph*> train, validation;
  int epochs = 200;     // passes over `train` (the GNN's budget)
  uint64_t seed = 1;    // for weight initialisation and shuffling
  int parallelism = 1;  // threads the schedules were timed with (Halide's num_cores)
  std::function<void(const std::string&)> progress;  // one line per epoch or round; may be empty
};

}  // namespace gnnperf
