#include "measure/stage_profile.h"

#include <algorithm>
#include <chrono>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace gnnperf {
namespace {

// The JIT runtime prints the report through this handler at the end of each
// realization; being a plain function, it writes to the one profiling in progress.
std::string* captured = nullptr;

void capture_print(Halide::JITUserContext*, const char* text) {
  if (captured) *captured += text;
}

void add_report(ProfilerReport& total, const ProfilerReport& one) {
  total.samples += one.samples;
  total.runs += one.runs;
  for (const FuncTime& f : one.funcs) {
    auto it = std::find_if(total.funcs.begin(), total.funcs.end(),
                           [&](const FuncTime& t) { return t.name == f.name; });
    if (it == total.funcs.end()) {
      total.funcs.push_back(f);
    } else {
      it->ms += f.ms;
    }
  }
}

}  // namespace

ProfilerReport parse_profiler_report(const std::string& text) {
  static const std::regex header(R"(total time: ([0-9.]+) ms\s+samples: (\d+)\s+runs: (\d+))");
  static const std::regex func(R"(^  ([^\s:]+):\s+([0-9.]+)ms)");
  ProfilerReport r;
  bool found = false;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, header)) {
      found = true;
      r.samples += std::stoll(m[2]);
      r.runs += std::stoll(m[3]);
    } else if (found && std::regex_search(line, m, func)) {
      r.funcs.push_back({m[1], std::stod(m[2])});
    }
  }
  if (!found) throw std::runtime_error("no Halide profiler report in the pipeline's output");
  return r;
}

std::vector<double> StageProfile::shares() const {
  double total = 0;
  for (const FuncTime& f : report.funcs) total += f.ms;
  std::vector<double> out;
  for (const FuncTime& f : report.funcs) out.push_back(total > 0 ? f.ms / total : 0.0);
  return out;
}

StageProfile profile_pipeline(Halide::Pipeline& pipeline, Halide::Realization& outputs,
                              double seconds) {
  using Clock = std::chrono::steady_clock;
  std::string text;
  captured = &text;
  pipeline.jit_handlers().custom_print = capture_print;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  StageProfile p;
  int64_t runs = 0;
  double running_s = 0;  // in realize() only: parsing the reports is not the pipeline's
  const auto start = Clock::now();
  do {
    text.clear();
    const auto run_start = Clock::now();
    pipeline.realize(outputs);
    running_s += seconds_since(run_start);
    add_report(p.report, parse_profiler_report(text));
    ++runs;
  } while (seconds_since(start) < seconds);
  captured = nullptr;
  pipeline.jit_handlers().custom_print = nullptr;
  p.ms_per_run = 1000 * running_s / static_cast<double>(runs);
  return p;
}

}  // namespace gnnperf
