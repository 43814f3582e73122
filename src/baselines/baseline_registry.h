// The baselines `gnnperf eval` can compare the GNN with, by name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "baselines/baseline_training.h"
#include "models/cost_model.h"

namespace gnnperf {

// halide-stock, halide-retrained, xgboost-ansor, xgboost-runtime, xgboost-flat.
const std::vector<std::string>& baseline_names();

// Trains (or, for halide-stock, loads) the named baseline. Throws std::invalid_argument
// for an unknown name, listing the known ones.
std::unique_ptr<CostModel> make_baseline(const std::string& name, const BaselineTrainingSet& set);

// The known names, comma-separated.
std::string known_baselines();

// Parses a comma-separated list (empty: every baseline); every name must be known and
// appear once.
std::vector<std::string> parse_baselines(const std::string& list);

}  // namespace gnnperf
