#include "features/schedule_structure.h"

#include <map>
#include <set>
#include <sstream>

namespace gnnperf {
namespace {

using Flags = std::array<bool, kStructureFeatures>;

void set(Flags& f, StructureFeature which) { f[static_cast<size_t>(which)] = true; }

// The Func a stage name belongs to: "f.update(0)" -> "f".
std::string func_of(const std::string& stage) { return stage.substr(0, stage.find('.')); }

// Adams2019 writes one block per stage: its name alone on a line ("f", "f.update(0)"),
// then one indented directive per line.
std::map<std::string, std::string> directive_blocks(const std::string& source) {
  std::map<std::string, std::string> blocks;
  std::istringstream lines(source);
  std::string* current = nullptr;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("    ", 0) == 0) {
      if (current) *current += line + "\n";
    } else if (!line.empty() && line.find_first_of(" ;=") == std::string::npos) {
      current = &blocks[line];
    } else {
      current = nullptr;
    }
  }
  return blocks;
}

// The loop a block's compute_at names: ".compute_at(f, loop)" -> "loop"; empty if none.
std::string compute_at_loop(const std::string& block) {
  const size_t at = block.find(".compute_at(");
  if (at == std::string::npos) return {};
  const size_t comma = block.find(", ", at);
  const size_t close = block.find(')', at);
  if (comma == std::string::npos || close == std::string::npos || comma > close) return {};
  return block.substr(comma + 2, close - comma - 2);
}

// Whether a GuardWithIf split is the one the next directive vectorizes.
bool has_guarded_vector(const std::string& block) {
  static const std::string guarded = "TailStrategy::GuardWithIf)";
  for (size_t at = block.find(guarded); at != std::string::npos; at = block.find(guarded, at + 1)) {
    const size_t next = block.find_first_not_of(" \n", at + guarded.size());
    if (next != std::string::npos && block.compare(next, 10, ".vectorize") == 0) return true;
  }
  return false;
}

// Names of the reduction variables the source declares: "RVar r_x(...)".
std::set<std::string> rvar_names(const std::string& source) {
  std::set<std::string> names;
  std::istringstream lines(source);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("RVar ", 0) == 0) names.insert(line.substr(5, line.find('(') - 5));
  }
  return names;
}

}  // namespace

std::vector<float> schedule_structure(const std::string& schedule_source,
                                      const std::vector<std::string>& stage_names) {
  const std::set<std::string> rvars = rvar_names(schedule_source);
  std::map<std::string, Flags> func_flags, stage_flags;
  for (const auto& [stage, block] : directive_blocks(schedule_source)) {
    Flags& f = func_flags[func_of(stage)];
    if (rvars.count(compute_at_loop(block))) set(f, StructureFeature::kComputedAtReductionLoop);
    if (block.find(".store_at(") != std::string::npos)
      set(f, StructureFeature::kStoredOutsideCompute);
    if (block.find(".reorder_storage(") != std::string::npos)
      set(f, StructureFeature::kReorderedStorage);
    if (has_guarded_vector(block)) set(stage_flags[stage], StructureFeature::kGuardedVectorTail);
  }
  std::vector<float> out;
  out.reserve(stage_names.size() * kStructureFeatures);
  for (const auto& stage : stage_names) {
    const Flags& f = func_flags[func_of(stage)];
    const Flags& s = stage_flags[stage];
    for (size_t k = 0; k < kStructureFeatures; ++k) out.push_back(f[k] || s[k] ? 1.f : 0.f);
  }
  return out;
}

}  // namespace gnnperf
