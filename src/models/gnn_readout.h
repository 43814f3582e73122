// How the GNN's readout turns into a stage's cost. The readout gives one log
// coefficient per work term, and a stage's cost is
//   sum over terms of exp(coefficient) x base cost x (1 + count),
// where each count is read from the stage's raw schedule features. This is how Halide's
// own cost model works: learned per-unit costs times counts of work. With counts as
// factors, costs scale with layer sizes never trained on; a readout that must learn that
// scaling over-predicted the small layers of unseen families by up to 13x (README).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace gnnperf {

enum class Readout {
  plain,       // one term without a count: the readout is the stage's log cost in ms
  per_point,   // one term: the cost of one computed point (points_computed_total)
  work_terms,  // a per-stage overhead plus per-unit costs of compute, memory and loops
  // work_terms plus the points of every production computed whole. A Func stored outside
  // the loop it is computed at counts its points as if Halide's sliding window reused
  // all values of the previous production; when the slide fails, every production
  // computes its whole region, up to 20x the points (README, "Where the over-predicted
  // schedules' cost sits"). With both counts the network can learn which applies.
  sliding_work_terms,
};

// Throws std::invalid_argument naming the known readouts.
Readout parse_readout(const std::string& name);
std::string readout_name(Readout readout);

// What each term counts ("overhead", "points", ...), in the readout's order.
std::vector<std::string> readout_term_names(Readout readout);
int readout_terms(Readout readout);

// [nodes, terms]: log((1 + count) x base cost in ms) of each term, from the raw
// schedule features [nodes, 39]. A readout of zero means every unit costs its base.
torch::Tensor log_work(Readout readout, const torch::Tensor& raw_schedule);

}  // namespace gnnperf
