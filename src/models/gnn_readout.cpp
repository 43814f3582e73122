#include "models/gnn_readout.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "features/featurization.h"

namespace gnnperf {
namespace {

torch::Tensor feature(const torch::Tensor& raw, ScheduleFeature f) { return raw.select(1, f); }

// A count of work in a stage and a guess at the cost of one unit of it, so that a
// fresh network starts within an order of magnitude of real runtimes.
struct WorkTerm {
  const char* name;
  torch::Tensor count;  // [nodes]
  double base_ms;
};

std::vector<WorkTerm> work_terms(Readout readout, const torch::Tensor& raw) {
  const auto none = torch::zeros({raw.size(0)}, raw.options());
  switch (readout) {
    case Readout::plain:
      return {{"stage", none, 1.0}};
    case Readout::per_point:
      return {{"points", feature(raw, kPointsComputedTotal), 1e-6}};
    case Readout::work_terms:
    case Readout::sliding_work_terms: {
      std::vector<WorkTerm> terms = {
          {"overhead", none, 1e-3},                              // loop nest and call
          {"points", feature(raw, kPointsComputedTotal), 1e-6},  // arithmetic per value
          {"vectors", feature(raw, kNumVectors), 1e-6},          // vector instructions
          {"scalars", feature(raw, kNumScalars), 1e-6},          // scalar tails and loops
          {"allocations", feature(raw, kNumRealizations), 1e-5},
          {"bytes_loaded",  // from producers
           feature(raw, kNumRealizations) * feature(raw, kUniqueBytesReadPerRealization), 1e-7},
          {"bytes_stored", feature(raw, kNumProductions) * feature(raw, kBytesAtProduction), 1e-7},
      };
      if (readout == Readout::sliding_work_terms)
        terms.push_back({"production_points",
                         feature(raw, kNumProductions) * feature(raw, kPointsComputedPerProduction),
                         1e-6});
      return terms;
    }
  }
  throw std::logic_error("unhandled readout");
}

}  // namespace

Readout parse_readout(const std::string& name) {
  std::vector<std::string> known;
  for (Readout r :
       {Readout::plain, Readout::per_point, Readout::work_terms, Readout::sliding_work_terms}) {
    if (readout_name(r) == name) return r;
    known.push_back(readout_name(r));
  }
  throw std::invalid_argument(
      fmt::format("unknown readout '{}' (known: {})", name, fmt::join(known, ", ")));
}

std::string readout_name(Readout readout) {
  switch (readout) {
    case Readout::plain:
      return "plain";
    case Readout::per_point:
      return "per_point";
    case Readout::work_terms:
      return "work_terms";
    case Readout::sliding_work_terms:
      return "sliding_work_terms";
  }
  throw std::logic_error("unhandled readout");
}

std::vector<std::string> readout_term_names(Readout readout) {
  std::vector<std::string> names;
  for (const auto& term : work_terms(readout, torch::zeros({0, kScheduleFeatures})))
    names.emplace_back(term.name);
  return names;
}

int readout_terms(Readout readout) { return static_cast<int>(readout_term_names(readout).size()); }

torch::Tensor log_work(Readout readout, const torch::Tensor& raw_schedule) {
  std::vector<torch::Tensor> terms;
  for (const auto& term : work_terms(readout, raw_schedule)) {
    // Counts are never negative; clamping keeps a corrupt feature from making a NaN.
    terms.push_back(torch::log1p(term.count.clamp_min(0)) + std::log(term.base_ms));
  }
  return torch::stack(terms, 1);
}

}  // namespace gnnperf
