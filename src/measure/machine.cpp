#include "measure/machine.h"

#include <Halide.h>
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "measure/host_target.h"

namespace gnnperf {
namespace {

// The first value of each "key : value" line of /proc/cpuinfo.
std::map<std::string, std::string> read_cpuinfo() {
  std::map<std::string, std::string> fields;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    auto value = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
    fields.emplace(key, value);
  }
  return fields;
}

}  // namespace

MachineInfo describe_this_machine() {
  auto cpu = read_cpuinfo();
  MachineInfo info;
  // Hypervisors often report a bare brand string ("AMD EPYC"), so family, model and
  // stepping are kept to tell CPU generations apart.
  info.cpu_model = fmt::format("{} (family {} model {} stepping {})", cpu["model name"],
                               cpu["cpu family"], cpu["model"], cpu["stepping"]);
  info.cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  info.halide_target = host_target().to_string();
  info.halide_version = GNNPERF_HALIDE_VERSION;  // from Halide's CMake package
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  info.hostname = host;
  return info;
}

}  // namespace gnnperf
