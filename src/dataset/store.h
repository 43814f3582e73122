// The dataset store: pipelines, stage graphs, schedules and their timings in SQLite.
//
// Crash safety: every measured sample is written in one transaction (WAL journal,
// synchronous=FULL), so `kill -9` loses at most the sample in flight. Work is keyed by
// task: a rerun of the same command skips every task already stored and so ends with
// the same rows as an uninterrupted run.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dataset/sqlite.h"
#include "features/featurization.h"
#include "features/stage_graph.h"
#include "measure/machine.h"
#include "measure/timing.h"
#include "sampling/autoscheduler.h"

namespace gnnperf {

// Everything a successful task produced.
struct SampleRecord {
  int64_t run_id = 0;
  std::string task_key;
  bool planned_repeat = false;
  std::string pipeline_name, family, description;
  StageGraph graph;
  SplitFeatures features;
  std::string schedule_source;
  SamplingParams params;
  bool is_default = false;
  double autoscheduler_cost = 0;
  double autoschedule_s = 0, compile_s = 0;
  Timing timing;
  std::optional<double> output_difference;  // against the plain schedule; unset: unchecked
};

struct FailureRecord {
  int64_t run_id = 0;
  std::string task_key, pipeline_name, phase, reason;
};

// A task whose schedule was already timed on the machine: stored instead of a timing.
struct DuplicateTaskRecord {
  int64_t run_id = 0;
  std::string task_key;
  int64_t schedule_id = 0;
  double autoschedule_s = 0;
};

struct MachineRow {
  int64_t id = 0;
  MachineInfo info;
};

struct DatasetSummary {
  int64_t pipelines = 0;
  int64_t schedules = 0;
  int64_t samples = 0;       // first timings of a schedule on a machine
  int64_t measurements = 0;  // all timings, repeats included
  int64_t failures = 0;
  int64_t duplicate_tasks = 0;  // tasks that found an already-timed schedule
  int64_t repeat_pairs = 0;     // re-timings compared with the first timing
  int64_t outputs_checked = 0;  // schedules whose outputs were compared with the plain one's
  int64_t outputs_wrong = 0;    // ...and differed (kWrongOutputDifference): Halide miscompiles
  double noise_median_ape = 0;  // fractions: 0.01 = 1%
  double noise_mean_ape = 0;
};

// A pipeline with its stage graph and algorithm features (shared by its schedules).
struct StoredPipeline {
  int64_t id = 0;
  std::string name, family;
  int num_stages = 0;
  std::vector<float> algorithm;  // num_stages * kAlgorithmFeatures
  std::vector<std::pair<int, int>> edges;
  std::vector<std::string> stage_names;  // StageNode::name() of each stage
  // num_stages * kValueFeatures (features/value_features.h); empty until measured.
  std::vector<float> values;
};

// A stored pipeline's identity and stage names, without its features.
struct PipelineStages {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> stage_names;  // StageNode::name() of each stage
};

// A timed schedule with all it takes to autoschedule it again (sampling/schedule_replay.h).
struct ReplayableSchedule {
  int64_t schedule_id = 0;
  std::string pipeline_name, family;
  std::vector<float> schedule_features;
  SamplingParams params;  // parallelism: the thread count it was timed with
  bool is_default = false;
  double runtime_ms = 0;  // fastest timing on the machine
};

// One timed schedule: its schedule features and runtime.
struct StoredSchedule {
  int64_t pipeline_id = 0, schedule_id = 0;
  double runtime_ms = 0;        // fastest timing on the selected machine
  std::vector<float> schedule;  // num_stages * kScheduleFeatures
  std::string schedule_source;
};

class DatasetStore {
 public:
  // Opens (creating if allowed) and checks the schema version. Throws DatasetError
  // with one line naming the problem: unwritable path, not a database, other version.
  DatasetStore(const std::string& path, bool read_only);

  const std::string& path() const { return path_; }

  // Returns the id of the stored machine equal to `info` (same hardware), adding it if
  // new. Timings of another machine are refused unless `allow_new_machine`.
  int64_t machine_for_collection(const MachineInfo& info, bool allow_new_machine);
  std::vector<MachineRow> machines();

  int64_t begin_run(int64_t machine_id, const std::string& command,
                    const std::string& parameters_json);

  // Task keys already finished (measured, failed or found a duplicate), so a rerun can
  // skip them.
  std::set<std::string> finished_tasks();
  // Whether the task ended with a timed schedule (its own timing or a duplicate's).
  bool task_found_timed_schedule(const std::string& task_key);

  // The schedule of `pipeline_name` with exactly these schedule features, if it has a
  // timing on the machine.
  std::optional<int64_t> timed_schedule(const std::string& pipeline_name,
                                        const std::vector<float>& schedule_features,
                                        int64_t machine_id);
  void record_duplicate_task(const DuplicateTaskRecord& record);

  // Stores one measured task in a single transaction; returns the kind it was stored as.
  std::string record_sample(const SampleRecord& record);
  void record_failure(const FailureRecord& record);

  // Counts and noise floor, optionally for one machine only.
  DatasetSummary summary(std::optional<int64_t> machine_id);

  // The Halide thread counts timings were taken with (on the machine, if given).
  std::vector<int64_t> thread_counts(std::optional<int64_t> machine_id);

  // Records how far a schedule's outputs are from the plain schedule's on the machine.
  void record_output_check(int64_t schedule_id, int64_t machine_id, double output_difference);
  // Timed schedules on the machine without an output check, by schedule id.
  std::vector<ReplayableSchedule> unchecked_schedules(int64_t machine_id);
  // The schedule with this id if it has a timing on the machine (any machine if unset).
  std::optional<ReplayableSchedule> replayable_schedule(int64_t schedule_id,
                                                        std::optional<int64_t> machine_id);

  // Stores a pipeline's value features (replacing any stored before).
  void record_value_features(int64_t pipeline_id, const std::vector<float>& features);
  // Pipelines with at least one timing (on any machine) and no value features, by id;
  // only the one of that name, if given.
  std::vector<PipelineStages> pipelines_without_value_features(
      const std::optional<std::string>& name = std::nullopt);

  // Pipelines with at least one timing on the machine (all machines if unset), by id.
  std::vector<StoredPipeline> pipelines(std::optional<int64_t> machine_id);
  // Every schedule with at least one timing on the machine, by pipeline then schedule id,
  // except those whose outputs were found wrong: their timings are of code that does not
  // compute the pipeline.
  std::vector<StoredSchedule> schedules(std::optional<int64_t> machine_id);

  Connection& connection() { return db_; }

 private:
  void upgrade_from(int version, bool read_only);
  int64_t ensure_pipeline(const SampleRecord& record);
  std::string path_;
  Connection db_;
};

}  // namespace gnnperf
