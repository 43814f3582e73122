// One task run in its own child process: build the pipeline, autoschedule and featurize;
// then, each step only when the parent says so, JIT-compile and time it, and check that
// its outputs equal the plain schedule's (collect/reference_outputs.h).
//
// Isolation is what keeps a collection alive: a schedule that crashes the compiler,
// exhausts memory or hangs takes down only its child, and the parent stores the failure
// with its reason. It also gives every task a fresh process, which Adams2019 needs
// because it reads HL_RANDOM_DROPOUT only once per process. The split into a prepare
// phase and a timing phase lets the parent compile several tasks at once yet time each
// one alone; stopping after featurization lets it skip a schedule already timed.
#pragma once

#include <Halide.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "collect/task_plan.h"
#include "features/featurization.h"
#include "features/stage_graph.h"
#include "measure/timing.h"

namespace gnnperf {

struct PreparedSample {
  StageGraph graph;
  SplitFeatures features;
  std::string schedule_source;
  double autoscheduler_cost = 0;
  double autoschedule_s = 0;
  double compile_s = 0;
};

// What every task's child needs besides its task.
struct TaskSetup {
  Halide::Target target;
  TimingPolicy policy;
  size_t memory_limit_bytes = size_t{8} << 30;
  std::string reference_dir;  // where the children keep ReferenceOutputs
  bool check_only = false;    // run once and check the outputs, without timing
};

struct TaskFailure {
  std::string phase;  // "prepare", "timing"
  std::string reason;
};

class SampleProcess {
 public:
  // kPreparing: autoscheduling; kFeaturized: waiting for compile() or skip();
  // kCompiling (and computing the pipeline's reference outputs if nobody has); kReady:
  // compiled, waiting for start_timing(); kTiming (or checking only); kFinished.
  enum class Phase { kPreparing, kFeaturized, kCompiling, kReady, kTiming, kFinished };

  // Forks the child, which starts autoscheduling at once.
  SampleProcess(const SampleTask& task, const TaskSetup& setup);
  ~SampleProcess();
  SampleProcess(const SampleProcess&) = delete;
  SampleProcess& operator=(const SampleProcess&) = delete;

  const SampleTask& task() const { return task_; }
  Phase phase() const { return phase_; }
  int fd() const { return from_child_; }
  double seconds_in_phase() const;

  // Consumes what the child wrote; advances the phase on a complete message or exit.
  void on_readable();
  // Tells a featurized child to compile.
  void compile();
  // Ends a featurized child without compiling; the task finishes with no timing.
  void skip();
  // Tells a ready child to start timing (or checking, with TaskSetup::check_only).
  void start_timing();
  // Kills the child and records `reason` as its failure.
  void abort(const std::string& reason);

  const std::optional<PreparedSample>& prepared() const { return prepared_; }
  const std::optional<Timing>& timing() const { return timing_; }
  // max_relative_difference of the outputs against the plain schedule's; unset if the
  // reference could not be computed.
  const std::optional<double>& output_difference() const { return output_difference_; }
  // Whether a check-only child finished its run.
  bool checked() const { return checked_; }
  const std::optional<TaskFailure>& failure() const { return failure_; }
  bool skipped() const { return skipped_; }

 private:
  void handle_message(const std::string& payload);
  void reap();
  void enter(Phase p);
  void tell_child(char command, Phase next);

  SampleTask task_;
  pid_t pid_ = -1;
  int from_child_ = -1, to_child_ = -1, log_fd_ = -1;
  Phase phase_ = Phase::kPreparing;
  std::chrono::steady_clock::time_point phase_start_;
  std::string buffer_;
  std::optional<PreparedSample> prepared_;
  std::optional<Timing> timing_;
  std::optional<double> output_difference_;
  std::optional<TaskFailure> failure_;
  bool skipped_ = false, checked_ = false;
};

}  // namespace gnnperf
