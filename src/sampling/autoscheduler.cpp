#include "sampling/autoscheduler.h"

#include <Halide.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "sampling/random_weights.h"

namespace gnnperf {
namespace {

constexpr const char* kPluginPath =
    "/usr/lib/x86_64-linux-gnu/halide14/libautoschedule_adams2019.so";

// Adams2019 reports its chosen cost only in its debug log, on stderr. We divert
// stderr to a temporary file for the duration of the call and read it back.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    char path[] = "/tmp/gnnperf-as-XXXXXX";
    file_ = mkstemp(path);
    if (file_ < 0) throw std::runtime_error("cannot create a temporary file in /tmp");
    unlink(path);
    saved_ = dup(STDERR_FILENO);
    dup2(file_, STDERR_FILENO);
  }
  ~StderrCapture() { restore(); }
  std::string finish() {
    restore();
    std::string text;
    lseek(file_, 0, SEEK_SET);
    char buf[65536];
    ssize_t n;
    while ((n = read(file_, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    return text;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  int file_ = -1;
  int saved_ = -1;
};

double parse_best_cost(const std::string& log) {
  static const std::regex best(R"(Best cost: ([0-9.eE+-]+))");
  double cost = 0;
  for (std::sregex_iterator it(log.begin(), log.end(), best), end; it != end; ++it) {
    cost = std::stod((*it)[1]);  // the last one is the final pass's choice
  }
  return cost;
}

}  // namespace

Halide::MachineParams machine_params(int parallelism) {
  // Halide's generic cache size and balance; only the core count is machine-specific.
  return Halide::MachineParams(parallelism, uint64_t{16} * 1024 * 1024, 40);
}

void load_adams2019() {
  static bool loaded = false;
  if (loaded) return;
  if (access(kPluginPath, R_OK) != 0) {
    throw std::runtime_error(std::string("Adams2019 plugin not found at ") + kPluginPath +
                             " (install libhalide14-0-dev)");
  }
  Halide::load_plugin(kPluginPath);
  loaded = true;
}

AutoscheduleResult autoschedule(Halide::Pipeline& pipeline, const Halide::Target& target,
                                const SamplingParams& params) {
  load_adams2019();
  setenv("HL_SEED", std::to_string(params.seed).c_str(), 1);
  setenv("HL_BEAM_SIZE", std::to_string(params.beam_size).c_str(), 1);
  setenv("HL_RANDOM_DROPOUT", std::to_string(params.random_dropout).c_str(), 1);
  setenv("HL_DEBUG_AUTOSCHEDULE", "1", 1);
  std::string weights;
  if (params.weights_seed != 0) {
    weights =
        "/tmp/gnnperf-" + std::to_string(getpid()) + ".weights";  // Adams2019 wants the suffix
    write_random_weights(params.weights_seed, weights);
    setenv("HL_WEIGHTS_DIR", weights.c_str(), 1);
  } else {
    unsetenv("HL_WEIGHTS_DIR");
  }

  auto start = std::chrono::steady_clock::now();
  StderrCapture capture;
  auto results = pipeline.auto_schedule("Adams2019", target, machine_params(params.parallelism));
  std::string log = capture.finish();
  if (!weights.empty()) unlink(weights.c_str());

  AutoscheduleResult out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.featurization = std::move(results.featurization);
  out.schedule_source = std::move(results.schedule_source);
  out.reported_cost = parse_best_cost(log);
  return out;
}

}  // namespace gnnperf
