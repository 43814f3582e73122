#include "measure/host_target.h"

#include <fstream>
#include <sstream>
#include <string>

namespace gnnperf {
namespace {

bool cpu_has_flag(const std::string& flag) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string w; words >> w;) {
      if (w == flag) return true;
    }
    return false;
  }
  return false;
}

}  // namespace

Halide::Target host_target() {
  Halide::Target target = Halide::get_host_target();
  if (target.has_feature(Halide::Target::AVX512_SapphireRapids) && !cpu_has_flag("avx512_fp16")) {
    target = target.without_feature(Halide::Target::AVX512_SapphireRapids);
  }
  return target;
}

}  // namespace gnnperf
