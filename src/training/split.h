// Train/validation/test split by pipeline: every schedule of a pipeline lands on the same
// side, in every run and every tool, so a model is never tested on a pipeline whose
// schedules it trained on.
//
// Two rules:
//  - "random": a stable hash of the pipeline's name decides (FNV-1a mod 100: below 70
//    train, below 85 validation, else test);
//  - "family:NAME": every pipeline of family NAME is test (generalization to an unseen
//    kind of network); the others are split by the same hash, 82% train, 18% validation,
//    the random rule's train:validation ratio.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/pipeline_graph.h"

namespace gnnperf {

enum class Split { kTrain, kValidation, kTest };

const char* split_name(Split split);

class SplitRule {
 public:
  SplitRule() = default;  // random
  // Parses "random" or "family:NAME"; throws std::invalid_argument otherwise.
  static SplitRule parse(const std::string& spec);

  Split of(const std::string& pipeline_name, const std::string& family) const;
  // The spec parse() accepts, e.g. "family:transformer".
  std::string spec() const;
  std::string description() const;
  const std::string& held_out_family() const { return held_out_family_; }

 private:
  std::string held_out_family_;  // empty: the random rule
};

// The pipelines of one side of a split.
std::vector<const PipelineGraph*> pipelines_in(const std::vector<PipelineGraph>& graphs,
                                               const SplitRule& rule, Split side);

// The split a model was trained with, from its training record ({"split": {"spec": ...}};
// random when absent).
SplitRule split_rule_of(const nlohmann::json& record);

}  // namespace gnnperf
