#include "training/split.h"

#include <cstdint>
#include <stdexcept>

namespace gnnperf {
namespace {

uint64_t bucket_of(const std::string& name) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  return h % 100;
}

}  // namespace

const char* split_name(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kValidation:
      return "validation";
    default:
      return "test";
  }
}

SplitRule SplitRule::parse(const std::string& spec) {
  SplitRule rule;
  if (spec == "random") return rule;
  const std::string prefix = "family:";
  if (spec.starts_with(prefix) && spec.size() > prefix.size()) {
    rule.held_out_family_ = spec.substr(prefix.size());
    return rule;
  }
  throw std::invalid_argument("unknown split '" + spec + "' (expected 'random' or 'family:NAME')");
}

Split SplitRule::of(const std::string& pipeline_name, const std::string& family) const {
  const uint64_t bucket = bucket_of(pipeline_name);
  if (held_out_family_.empty()) {
    if (bucket < 70) return Split::kTrain;
    return bucket < 85 ? Split::kValidation : Split::kTest;
  }
  if (family == held_out_family_) return Split::kTest;
  return bucket < 82 ? Split::kTrain : Split::kValidation;
}

std::string SplitRule::spec() const {
  return held_out_family_.empty() ? "random" : "family:" + held_out_family_;
}

std::string SplitRule::description() const {
  if (held_out_family_.empty())
    return "fnv1a64(pipeline name) % 100: < 70 train, < 85 validation, else test";
  return "family " + held_out_family_ +
         " is test; others fnv1a64(pipeline name) % 100: < 82 train, else validation";
}

SplitRule split_rule_of(const nlohmann::json& record) {
  const auto split = record.find("split");
  if (split == record.end() || !split->contains("spec")) return SplitRule{};
  return SplitRule::parse(split->at("spec").get<std::string>());
}

std::vector<const PipelineGraph*> pipelines_in(const std::vector<PipelineGraph>& graphs,
                                               const SplitRule& rule, Split side) {
  std::vector<const PipelineGraph*> out;
  for (const auto& g : graphs) {
    if (rule.of(g.name, g.family) == side) out.push_back(&g);
  }
  return out;
}

}  // namespace gnnperf
