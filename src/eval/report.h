// `gnnperf report`: an HTML page with gnuplot plots of an evaluation (`gnnperf eval
// --json`): predicted vs measured runtime per model, the distribution of absolute
// percentage errors, Kendall tau per test pipeline, and the GNN's per-stage cost shares.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "dataset/store.h"

namespace gnnperf {

// Writes DIR/index.html and its PNGs (and the .dat/.gp files they are drawn from).
// Throws std::runtime_error if gnuplot is missing or fails, std::invalid_argument if
// `evaluation` is not an evaluation.
void write_report(const nlohmann::json& evaluation, const DatasetSummary& dataset,
                  const std::string& dataset_path, const std::string& out_dir);

}  // namespace gnnperf
