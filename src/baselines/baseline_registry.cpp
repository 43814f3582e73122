#include "baselines/baseline_registry.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "baselines/halide_cost_model.h"
#include "baselines/xgboost_cost_model.h"

namespace gnnperf {

std::string known_baselines() {
  std::string known;
  for (const auto& n : baseline_names()) known += (known.empty() ? "" : ",") + n;
  return known;
}

const std::vector<std::string>& baseline_names() {
  static const std::vector<std::string> names = {
      "halide-stock", "halide-retrained", "xgboost-ansor", "xgboost-runtime", "xgboost-flat"};
  return names;
}

std::unique_ptr<CostModel> make_baseline(const std::string& name, const BaselineTrainingSet& set) {
  if (name == "halide-stock") {
    return std::make_unique<HalideCostModel>(
        HalideCostModel::stock(GNNPERF_STOCK_WEIGHTS, set.parallelism));
  }
  if (name == "halide-retrained") {
    return std::make_unique<HalideCostModel>(HalideCostModel::retrained(set));
  }
  if (auto variant = xgboost_variant_from_name(name)) return XGBoostCostModel::train(*variant, set);
  throw std::invalid_argument("unknown baseline '" + name + "' (known: " + known_baselines() + ")");
}

std::vector<std::string> parse_baselines(const std::string& list) {
  if (list.empty()) return baseline_names();
  std::vector<std::string> names;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    if (name.empty()) continue;
    const auto& known = baseline_names();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw std::invalid_argument("unknown baseline '" + name + "' (known: " + known_baselines() +
                                  ")");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw std::invalid_argument("baseline '" + name + "' is listed twice");
    }
    names.push_back(name);
  }
  return names;
}

}  // namespace gnnperf
