#include "workloads/registry.h"

#include <fnmatch.h>

#include <charconv>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "workloads/networks.h"
#include "workloads/random_pipeline.h"
#include "workloads/workload_factories.h"

namespace gnnperf {
namespace {

constexpr uint64_t kMaxRandomCount = 100000;

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t pos; (pos = s.find(sep, start)) != std::string::npos; start = pos + 1) {
    parts.push_back(s.substr(start, pos - start));
  }
  parts.push_back(s.substr(start));
  return parts;
}

// Parses a whole string as a decimal uint64; false on anything else.
bool parse_u64(const std::string& s, uint64_t& value) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size();
}

// The generators of random pipelines, by the prefix of their names.
struct RandomGenerator {
  const char* prefix;
  Workload (*make)(uint64_t seed);
};
constexpr RandomGenerator kRandomGenerators[] = {{kRandomPrefix, random_pipeline},
                                                 {kRandomLargePrefix, random_large_pipeline}};

// The generator whose prefix starts `s`, or null.
const RandomGenerator* random_generator(const std::string& s) {
  for (const RandomGenerator& g : kRandomGenerators) {
    if (s.rfind(g.prefix, 0) == 0) return &g;
  }
  return nullptr;
}

constexpr const char* kConvPrefix = "conv2d:";

// "conv2d:IN_C:OUT_C:SIZE:KERNEL:STRIDE", a layer of the user's own shape. The factory
// rejects impossible shapes with a message naming the workload.
Workload custom_conv2d(const std::string& item) {
  const std::vector<std::string> parts = split(item, ':');
  uint64_t v[5] = {};
  bool ok = parts.size() == 6;
  for (size_t i = 0; ok && i < 5; ++i) ok = parse_u64(parts[i + 1], v[i]) && v[i] <= 1u << 20;
  if (!ok) {
    throw std::invalid_argument("malformed conv2d workload spec '" + item +
                                "' (expected conv2d:IN_C:OUT_C:SIZE:KERNEL:STRIDE)");
  }
  auto i = [](uint64_t x) { return static_cast<int>(x); };
  return conv2d_workload(item, i(v[0]), i(v[1]), i(v[2]), i(v[3]), i(v[4]));
}

const std::unordered_map<std::string, const Workload*>& by_name() {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string, const Workload*>();
    for (const Workload& w : named_workloads()) m->emplace(w.name, &w);
    return m;
  }();
  return *index;
}

// "random:N" or "random:N:SEED" (or random_large:...) -> the pipelines, or throws.
std::vector<Workload> expand_random(const RandomGenerator& generator, const std::string& item) {
  const std::vector<std::string> parts = split(item, ':');
  uint64_t count = 0, seed = 1;
  const bool ok = (parts.size() == 2 || parts.size() == 3) && parse_u64(parts[1], count) &&
                  count >= 1 && count <= kMaxRandomCount &&
                  (parts.size() == 2 || parse_u64(parts[2], seed)) && seed + count > seed;
  if (!ok) {
    const std::string prefix = generator.prefix;
    throw std::invalid_argument("malformed random workload spec '" + item + "' (expected " +
                                prefix + "N or " + prefix +
                                "N:SEED with 1 <= N <= " + std::to_string(kMaxRandomCount) + ")");
  }
  std::vector<Workload> out;
  for (uint64_t i = 0; i < count; ++i) out.push_back(generator.make(seed + i));
  return out;
}

std::vector<Workload> expand_item(const std::string& item) {
  if (const RandomGenerator* g = random_generator(item)) return expand_random(*g, item);
  if (item.rfind(kConvPrefix, 0) == 0) return {custom_conv2d(item)};
  if (item.find_first_of("*?[") != std::string::npos) {
    std::vector<Workload> out;
    for (const Workload& w : named_workloads()) {
      if (fnmatch(item.c_str(), w.name.c_str(), 0) == 0) out.push_back(w);
    }
    if (out.empty()) {
      throw std::invalid_argument("workload pattern '" + item +
                                  "' matches nothing (see `gnnperf workloads`)");
    }
    return out;
  }
  return {find_workload(item)};
}

}  // namespace

const std::vector<Workload>& named_workloads() {
  static const std::vector<Workload>* all = [] {
    auto* v = new std::vector<Workload>();
    for (auto* net : {resnet18_workloads, resnet50_workloads, mobilenet_v2_workloads,
                      vgg16_workloads, bert_base_workloads}) {
      for (Workload& w : net()) v->push_back(std::move(w));
    }
    std::set<std::string> names;
    for (const Workload& w : *v) {
      if (!names.insert(w.name).second) {
        throw std::logic_error("duplicate workload name '" + w.name + "'");
      }
    }
    return v;
  }();
  return *all;
}

Workload find_workload(const std::string& name) {
  const auto& index = by_name();
  if (auto it = index.find(name); it != index.end()) return *it->second;
  if (name.rfind(kConvPrefix, 0) == 0) return custom_conv2d(name);
  if (const RandomGenerator* g = random_generator(name)) {
    uint64_t seed = 0;
    if (parse_u64(name.substr(std::string(g->prefix).size()), seed)) return g->make(seed);
  }
  throw std::invalid_argument("unknown workload '" + name + "' (see `gnnperf workloads`)");
}

std::vector<Workload> resolve_workloads(const std::string& spec) {
  std::vector<Workload> out;
  std::set<std::string> seen;
  for (const std::string& raw : split(spec, ',')) {
    const std::string item = trim(raw);
    if (item.empty()) {
      throw std::invalid_argument("empty item in workload spec '" + spec + "'");
    }
    for (Workload& w : expand_item(item)) {
      if (seen.insert(w.name).second) out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace gnnperf
