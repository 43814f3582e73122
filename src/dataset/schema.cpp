#include "dataset/schema.h"

namespace gnnperf {

const char* const kSchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE machines(
  id INTEGER PRIMARY KEY,
  cpu_model TEXT NOT NULL,
  cores INTEGER NOT NULL,
  halide_target TEXT NOT NULL,
  halide_version TEXT NOT NULL,
  hostname TEXT NOT NULL,
  first_seen TEXT NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  machine_id INTEGER NOT NULL REFERENCES machines(id),
  started_at TEXT NOT NULL,
  command TEXT NOT NULL,
  parameters TEXT NOT NULL);
CREATE TABLE pipelines(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  family TEXT NOT NULL,
  description TEXT NOT NULL,
  num_stages INTEGER NOT NULL);
CREATE TABLE stages(
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  idx INTEGER NOT NULL,
  func_name TEXT NOT NULL,
  definition INTEGER NOT NULL,
  algorithm_features BLOB NOT NULL,
  PRIMARY KEY(pipeline_id, idx));
CREATE TABLE edges(
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  producer INTEGER NOT NULL,
  consumer INTEGER NOT NULL,
  PRIMARY KEY(pipeline_id, producer, consumer));
CREATE TABLE schedules(
  id INTEGER PRIMARY KEY,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  feature_hash INTEGER NOT NULL,
  schedule_features BLOB NOT NULL,
  schedule_source TEXT NOT NULL,
  beam_size INTEGER NOT NULL,
  random_dropout INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  weights_seed INTEGER NOT NULL,
  is_default INTEGER NOT NULL,
  autoscheduler_cost REAL NOT NULL,
  UNIQUE(pipeline_id, feature_hash));
CREATE TABLE measurements(
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL REFERENCES schedules(id),
  run_id INTEGER NOT NULL REFERENCES runs(id),
  task_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK(kind IN ('sample', 'repeat', 'duplicate')),
  min_ms REAL NOT NULL,
  median_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  samples INTEGER NOT NULL,
  iterations INTEGER NOT NULL,
  threads INTEGER NOT NULL,
  autoschedule_s REAL NOT NULL,
  compile_s REAL NOT NULL,
  timing_s REAL NOT NULL,
  measured_at TEXT NOT NULL);
CREATE INDEX measurements_by_schedule ON measurements(schedule_id);
CREATE TABLE failures(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  pipeline_name TEXT NOT NULL,
  task_key TEXT NOT NULL UNIQUE,
  phase TEXT NOT NULL,
  reason TEXT NOT NULL,
  failed_at TEXT NOT NULL);
)sql";

const std::array<AddedTable, 3> kAddedTables = {{
    {2, "duplicate_tasks", R"sql((
  task_key TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  schedule_id INTEGER NOT NULL REFERENCES schedules(id),
  autoschedule_s REAL NOT NULL,
  found_at TEXT NOT NULL)
)sql"},
    {3, "output_checks", R"sql((
  schedule_id INTEGER NOT NULL REFERENCES schedules(id),
  machine_id INTEGER NOT NULL REFERENCES machines(id),
  max_relative_difference REAL NOT NULL,
  checked_at TEXT NOT NULL,
  PRIMARY KEY(schedule_id, machine_id))
)sql"},
    {4, "value_features", R"sql((
  pipeline_id INTEGER PRIMARY KEY REFERENCES pipelines(id),
  features BLOB NOT NULL,
  measured_at TEXT NOT NULL)
)sql"},
}};

}  // namespace gnnperf
