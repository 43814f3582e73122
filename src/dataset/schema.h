// The dataset schema. Bump kSchemaVersion with any change to the tables below; a
// database of another version is refused rather than misread.
#pragma once

#include <array>

namespace gnnperf {

inline constexpr int kSchemaVersion = 4;

// Tables (documented in docs/dataset.md):
//   meta          key/value: schema_version
//   machines      CPU model, cores, Halide target and version of each timing machine
//   runs          one `gnnperf collect` invocation: machine, command line, parameters
//   pipelines     one per workload name: family, description, number of stages
//   stages        per pipeline, in featurization order: Func, definition, 287 algorithm
//                 features (float32 blob)
//   edges         per pipeline: producer stage -> consumer stage
//   schedules     per pipeline, unique by schedule features: 39 x stages float32 blob,
//                 schedule source, sampling parameters (weights_seed 0 = stock
//                 cost-model weights), Adams2019's own cost
//   measurements  one timing of a schedule in a run; kind is 'sample' (first timing of
//                 the schedule on that machine), 'repeat' (planned re-timing) or
//                 'duplicate' (another task found the same schedule again)
//   failures      a task that produced no timing, with the phase and reason
//   duplicate_tasks  a task whose autoscheduler run gave a schedule already timed on
//                 that machine, so it was neither compiled nor timed again (version 2)
//   output_checks how far a schedule's outputs on a machine are from the plain
//                 schedule's on the same inputs (version 3; measure/output_check.h)
//   value_features per pipeline, kValueFeatures x stages float32 blob: how its values
//                 make its stages' code cost (version 4; features/value_features.h)
extern const char* const kSchemaSql;  // the tables of version 1

// Tables added since version 1, each with the version that added it. An older file is
// upgraded in place when opened for writing, and read as having no rows in the missing
// tables (temporary ones shadow them) when opened read-only.
struct AddedTable {
  int version;
  const char* name;
  const char* columns;  // "(column ..., ...)"
};
extern const std::array<AddedTable, 3> kAddedTables;

}  // namespace gnnperf
