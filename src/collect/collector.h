// `gnnperf collect`: plans tasks, runs them in isolated children, stores every result.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collect/task_plan.h"

namespace gnnperf {

struct CollectOptions {
  std::string db_path;
  std::string workloads;  // spec, see workloads/registry.h; may be empty with onnx_files
  std::vector<std::string> onnx_files;         // networks whose pipelines are collected too
  std::string onnx_split = "layer";            // whole, layer or block (onnx/onnx_network.h)
  std::vector<std::string> onnx_input_shapes;  // "NAME=1x3x224x224" for dynamic inputs
  int schedules = 10;  // randomized schedules per pipeline (plus its default)
  int default_beam = kDefaultBeam;
  uint64_t seed = 1;
  int jobs = 2;                  // tasks prepared (autoscheduled + compiled) at once
  int parallelism = 2;           // cores for the autoscheduler and threads for timing
  double timeout_s = 300;        // per phase (prepare, timing) of one task
  double timing_window_s = 1.0;  // each timing samples for at least this long
  size_t memory_limit_bytes = size_t{8} << 30;
  bool separate_machine = false;
  std::string command_line;  // recorded with the run
};

struct CollectReport {
  int64_t planned = 0;       // tasks this command stands for
  int64_t already_done = 0;  // stored by an earlier, interrupted run
  int64_t measured = 0, failed = 0, skipped_repeats = 0;
  int64_t duplicates = 0;  // tasks that found an already-timed schedule: not timed again
  // Timed tasks whose outputs differ from the plain schedule's (Halide miscompiles), and
  // those whose reference could not be computed.
  int64_t wrong_outputs = 0, unchecked_outputs = 0;
  // Pipelines whose value features this run measured, and those that failed.
  int64_t values_measured = 0;
  std::vector<std::string> value_failures;
  std::map<std::string, int64_t> kinds;  // stored measurement kinds this run
  double wall_s = 0, autoschedule_s = 0, compile_s = 0, timing_s = 0;
  bool interrupted = false;
};

CollectReport collect(const CollectOptions& options);

}  // namespace gnnperf
