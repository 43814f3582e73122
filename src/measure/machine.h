// A description of the machine timings were taken on. Timings of different machines
// must never be mixed silently, so the dataset store compares these fields.
#pragma once

#include <string>

namespace gnnperf {

struct MachineInfo {
  std::string cpu_model;      // model name with family/model/stepping
  int cores = 0;              // online logical CPUs
  std::string halide_target;  // host target string, e.g. x86-64-linux-avx2-...
  std::string halide_version;
  std::string hostname;
  // Two machines are interchangeable for timing when CPU and target agree.
  bool same_hardware(const MachineInfo& other) const {
    return cpu_model == other.cpu_model && halide_target == other.halide_target;
  }
};

MachineInfo describe_this_machine();

}  // namespace gnnperf
