#include "features/schedule_structure.h"

#include <map>
#include <regex>
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

}  // namespace

std::vector<float> schedule_structure(const std::string& schedule_source,
                                      const std::vector<std::string>& stage_names) {
  static const std::regex rvar_declaration(R"((^|\n)RVar (\w+)\()");
  static const std::regex compute_at(R"(\.compute_at\(\w+, (\w+)\))");
  static const std::regex store_at(R"(\.store_at\(\w+, \w+\))");
  static const std::regex guarded_vector(R"(TailStrategy::GuardWithIf\)\n\s*\.vectorize)");
  std::set<std::string> rvars;
  for (std::sregex_iterator it(schedule_source.begin(), schedule_source.end(), rvar_declaration);
       it != std::sregex_iterator(); ++it) {
    rvars.insert((*it)[2]);
  }
  const auto blocks = directive_blocks(schedule_source);
  std::map<std::string, Flags> func_flags, stage_flags;
  for (const auto& [stage, block] : blocks) {
    Flags& f = func_flags[func_of(stage)];
    std::smatch m;
    if (std::regex_search(block, m, compute_at) && rvars.count(m[1]))
      set(f, StructureFeature::kComputedAtReductionLoop);
    if (std::regex_search(block, store_at)) set(f, StructureFeature::kStoredOutsideCompute);
    if (block.find(".reorder_storage(") != std::string::npos)
      set(f, StructureFeature::kReorderedStorage);
    if (std::regex_search(block, guarded_vector))
      set(stage_flags[stage], StructureFeature::kGuardedVectorTail);
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
