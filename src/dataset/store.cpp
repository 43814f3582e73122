#include "dataset/store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "dataset/schema.h"
#include "measure/output_check.h"

namespace gnnperf {
namespace {

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// FNV-1a over the schedule features: equal features mean the same schedule.
int64_t feature_hash(const std::vector<float>& values) {
  uint64_t h = 1469598103934665603ULL;
  const auto* bytes = reinterpret_cast<const uint8_t*>(values.data());
  for (size_t i = 0; i < values.size() * sizeof(float); ++i) {
    h = (h ^ bytes[i]) * 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

std::string machine_text(const MachineInfo& m) {
  return fmt::format("CPU '{}', target '{}'", m.cpu_model, m.halide_target);
}

// " AND <column> = <id>" when a machine is selected (ids are integers we produced).
std::string machine_filter(const std::optional<int64_t>& machine_id, const char* column) {
  return machine_id ? fmt::format(" AND {} = {}", column, *machine_id) : std::string();
}

// A subquery for the ids of pipelines with a timing on the machine (any machine if unset).
std::string timed_pipeline_ids(const std::optional<int64_t>& machine_id) {
  return "(SELECT sc.pipeline_id FROM schedules sc JOIN measurements m ON m.schedule_id = sc.id "
         "JOIN runs r ON m.run_id = r.id WHERE 1" +
         machine_filter(machine_id, "r.machine_id") + ")";
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

}  // namespace

DatasetStore::DatasetStore(const std::string& path, bool read_only)
    : path_(path), db_([&] {
        if (read_only && access(path.c_str(), F_OK) != 0) {
          throw DatasetError(fmt::format("database '{}' does not exist", path));
        }
        return Connection(path, read_only);
      }()) {
  int64_t tables = 0;
  try {
    auto q = db_.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    q.step();
    tables = q.integer(0);
  } catch (const DatasetError&) {
    throw DatasetError(
        fmt::format("'{}' is not a gnnperf dataset ({})", path, sqlite3_errmsg(db_.handle())));
  }
  if (!read_only) {
    if (sqlite3_db_readonly(db_.handle(), "main") == 1) {
      throw DatasetError(fmt::format("database '{}' is not writable", path));
    }
    db_.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
  }
  if (tables == 0) {
    if (read_only) throw DatasetError(fmt::format("'{}' is empty, not a gnnperf dataset", path));
    Transaction tx(db_);
    db_.exec(kSchemaSql);
    for (const auto& table : kAddedTables) {
      db_.exec(fmt::format("CREATE TABLE {}{}", table.name, table.columns));
    }
    db_.prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?)")
        .bind(1, std::to_string(kSchemaVersion))
        .step();
    tx.commit();
    return;
  }
  std::string version;
  try {
    auto q = db_.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (q.step()) version = q.text(0);
  } catch (const DatasetError&) {
    throw DatasetError(fmt::format("'{}' is not a gnnperf dataset (no meta table)", path));
  }
  for (int older = 1; older < kSchemaVersion; ++older) {
    if (version == std::to_string(older)) {
      upgrade_from(older, read_only);
      return;
    }
  }
  if (version != std::to_string(kSchemaVersion)) {
    throw DatasetError(
        fmt::format("'{}' has dataset schema version {}; this gnnperf reads version {}", path,
                    version.empty() ? "none" : version, kSchemaVersion));
  }
}

void DatasetStore::upgrade_from(int version, bool read_only) {
  if (read_only) {
    // Temporary tables shadow the missing ones, so readers see no rows in them and the
    // file stays untouched.
    for (const auto& table : kAddedTables) {
      if (table.version > version) {
        db_.exec(fmt::format("CREATE TEMP TABLE {}{}", table.name, table.columns));
      }
    }
    return;
  }
  Transaction tx(db_);
  for (const auto& table : kAddedTables) {
    if (table.version > version) {
      db_.exec(fmt::format("CREATE TABLE {}{}", table.name, table.columns));
    }
  }
  db_.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'")
      .bind(1, std::to_string(kSchemaVersion))
      .step();
  tx.commit();
}

std::vector<MachineRow> DatasetStore::machines() {
  std::vector<MachineRow> out;
  auto q = db_.prepare(
      "SELECT id, cpu_model, cores, halide_target, halide_version, hostname FROM machines ORDER BY "
      "id");
  while (q.step()) {
    MachineRow row;
    row.id = q.integer(0);
    row.info.cpu_model = q.text(1);
    row.info.cores = static_cast<int>(q.integer(2));
    row.info.halide_target = q.text(3);
    row.info.halide_version = q.text(4);
    row.info.hostname = q.text(5);
    out.push_back(row);
  }
  return out;
}

int64_t DatasetStore::machine_for_collection(const MachineInfo& info, bool allow_new_machine) {
  auto known = machines();
  for (const auto& m : known) {
    if (m.info.same_hardware(info)) return m.id;
  }
  if (!known.empty() && !allow_new_machine) {
    throw DatasetError(
        fmt::format("'{}' holds timings from another machine ({}); this machine is {}. Pass "
                    "--separate-machine to collect a separate run here",
                    path_, machine_text(known.front().info), machine_text(info)));
  }
  db_.prepare(fmt::format("INSERT INTO machines(cpu_model, cores, halide_target, halide_version, "
                          "hostname, first_seen) VALUES (?, ?, ?, ?, ?, {})",
                          kNow))
      .bind(1, info.cpu_model)
      .bind(2, int64_t{info.cores})
      .bind(3, info.halide_target)
      .bind(4, info.halide_version)
      .bind(5, info.hostname)
      .step();
  return db_.last_insert_id();
}

int64_t DatasetStore::begin_run(int64_t machine_id, const std::string& command,
                                const std::string& parameters_json) {
  db_.prepare(fmt::format("INSERT INTO runs(machine_id, started_at, command, parameters) "
                          "VALUES (?, {}, ?, ?)",
                          kNow))
      .bind(1, machine_id)
      .bind(2, command)
      .bind(3, parameters_json)
      .step();
  return db_.last_insert_id();
}

std::set<std::string> DatasetStore::finished_tasks() {
  std::set<std::string> keys;
  auto q = db_.prepare(
      "SELECT task_key FROM measurements UNION ALL SELECT task_key FROM failures UNION ALL SELECT "
      "task_key FROM duplicate_tasks");
  while (q.step()) keys.insert(q.text(0));
  return keys;
}

bool DatasetStore::task_found_timed_schedule(const std::string& task_key) {
  auto q = db_.prepare(
      "SELECT 1 FROM measurements WHERE task_key = ?1 UNION ALL SELECT 1 FROM duplicate_tasks "
      "WHERE task_key = ?1");
  q.bind(1, task_key);
  return q.step();
}

std::optional<int64_t> DatasetStore::timed_schedule(const std::string& pipeline_name,
                                                    const std::vector<float>& schedule_features,
                                                    int64_t machine_id) {
  auto q = db_.prepare(
      "SELECT sc.id FROM schedules sc JOIN pipelines p ON sc.pipeline_id = p.id WHERE p.name = ? "
      "AND sc.feature_hash = ? AND EXISTS (SELECT 1 FROM measurements m JOIN runs r ON m.run_id "
      "= r.id WHERE m.schedule_id = sc.id AND r.machine_id = ?)");
  q.bind(1, pipeline_name).bind(2, feature_hash(schedule_features)).bind(3, machine_id);
  if (!q.step()) return std::nullopt;
  return q.integer(0);
}

void DatasetStore::record_duplicate_task(const DuplicateTaskRecord& r) {
  db_.prepare(fmt::format("INSERT INTO duplicate_tasks(task_key, run_id, schedule_id, "
                          "autoschedule_s, found_at) VALUES (?, ?, ?, ?, {})",
                          kNow))
      .bind(1, r.task_key)
      .bind(2, r.run_id)
      .bind(3, r.schedule_id)
      .bind(4, r.autoschedule_s)
      .step();
}

int64_t DatasetStore::ensure_pipeline(const SampleRecord& r) {
  const int num_stages = r.features.num_stages;
  auto find = db_.prepare("SELECT id, num_stages FROM pipelines WHERE name = ?");
  find.bind(1, r.pipeline_name);
  if (find.step()) {
    const int64_t id = find.integer(0);
    // The same name must mean the same algorithm, or schedules would be compared
    // across different pipelines (for example after a change to a workload builder).
    bool same = find.integer(1) == num_stages;
    auto stages =
        db_.prepare("SELECT algorithm_features FROM stages WHERE pipeline_id = ? ORDER BY idx");
    stages.bind(1, id);
    for (int s = 0; same && stages.step(); ++s) {
      auto stored = stages.floats(0);
      same =
          std::equal(stored.begin(), stored.end(),
                     r.features.algorithm.begin() + static_cast<ptrdiff_t>(s) * kAlgorithmFeatures);
    }
    if (!same) {
      throw DatasetError(
          fmt::format("pipeline '{}' in '{}' differs from the one this gnnperf builds",
                      r.pipeline_name, path_));
    }
    return id;
  }
  db_.prepare("INSERT INTO pipelines(name, family, description, num_stages) VALUES (?, ?, ?, ?)")
      .bind(1, r.pipeline_name)
      .bind(2, r.family)
      .bind(3, r.description)
      .bind(4, int64_t{num_stages})
      .step();
  const int64_t id = db_.last_insert_id();
  auto stage = db_.prepare(
      "INSERT INTO stages(pipeline_id, idx, func_name, definition, algorithm_features) VALUES (?, "
      "?, ?, ?, ?)");
  for (int s = 0; s < num_stages; ++s) {
    stage.reset();
    stage.bind(1, id).bind(2, int64_t{s}).bind(3, r.graph.stages[s].func_name);
    stage.bind(4, int64_t{r.graph.stages[s].definition});
    stage.bind(5, std::span<const float>(r.features.algorithm)
                      .subspan(static_cast<size_t>(s) * kAlgorithmFeatures, kAlgorithmFeatures));
    stage.step();
  }
  auto edge = db_.prepare("INSERT INTO edges(pipeline_id, producer, consumer) VALUES (?, ?, ?)");
  for (const auto& [producer, consumer] : r.graph.edges) {
    edge.reset();
    edge.bind(1, id).bind(2, int64_t{producer}).bind(3, int64_t{consumer}).step();
  }
  return id;
}

std::string DatasetStore::record_sample(const SampleRecord& r) {
  if (static_cast<int>(r.graph.stages.size()) != r.features.num_stages) {
    throw DatasetError(
        fmt::format("pipeline '{}': stage graph has {} stages but the featurization {}",
                    r.pipeline_name, r.graph.stages.size(), r.features.num_stages));
  }
  Transaction tx(db_);
  const int64_t pipeline_id = ensure_pipeline(r);
  const int64_t hash = feature_hash(r.features.schedule);

  int64_t schedule_id = 0;
  std::string kind = "sample";
  auto find = db_.prepare("SELECT id FROM schedules WHERE pipeline_id = ? AND feature_hash = ?");
  find.bind(1, pipeline_id).bind(2, hash);
  if (find.step()) {
    schedule_id = find.integer(0);
    auto timed_here = db_.prepare(
        "SELECT 1 FROM measurements m JOIN runs r ON m.run_id = r.id WHERE m.schedule_id = ? "
        "AND r.machine_id = (SELECT machine_id FROM runs WHERE id = ?)");
    timed_here.bind(1, schedule_id).bind(2, r.run_id);
    if (timed_here.step()) kind = r.planned_repeat ? "repeat" : "duplicate";
  } else {
    db_.prepare(
           "INSERT INTO schedules(pipeline_id, feature_hash, schedule_features, schedule_source, "
           "beam_size, random_dropout, seed, weights_seed, is_default, autoscheduler_cost) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, pipeline_id)
        .bind(2, hash)
        .bind(3, std::span<const float>(r.features.schedule))
        .bind(4, r.schedule_source)
        .bind(5, int64_t{r.params.beam_size})
        .bind(6, int64_t{r.params.random_dropout})
        .bind(7, static_cast<int64_t>(r.params.seed))
        .bind(8, static_cast<int64_t>(r.params.weights_seed))
        .bind(9, int64_t{r.is_default})
        .bind(10, r.autoscheduler_cost)
        .step();
    schedule_id = db_.last_insert_id();
  }
  db_
      .prepare(fmt::format(
          "INSERT INTO measurements(schedule_id, run_id, task_key, kind, min_ms, median_ms, "
          "max_ms, samples, iterations, threads, autoschedule_s, compile_s, timing_s, "
          "measured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {})",
          kNow))
      .bind(1, schedule_id)
      .bind(2, r.run_id)
      .bind(3, r.task_key)
      .bind(4, kind)
      .bind(5, r.timing.min_ms)
      .bind(6, r.timing.median_ms)
      .bind(7, r.timing.max_ms)
      .bind(8, int64_t{r.timing.samples})
      .bind(9, int64_t{r.timing.iterations})
      .bind(10, int64_t{r.params.parallelism})
      .bind(11, r.autoschedule_s)
      .bind(12, r.compile_s)
      .bind(13, r.timing.seconds)
      .step();
  if (r.output_difference) {
    // Repeats and duplicates ran the same code: the first check of a schedule stays.
    db_.prepare(fmt::format("INSERT OR IGNORE INTO output_checks(schedule_id, machine_id, "
                            "max_relative_difference, checked_at) VALUES (?, (SELECT machine_id "
                            "FROM runs WHERE id = ?), ?, {})",
                            kNow))
        .bind(1, schedule_id)
        .bind(2, r.run_id)
        .bind(3, *r.output_difference)
        .step();
  }
  tx.commit();
  return kind;
}

void DatasetStore::record_output_check(int64_t schedule_id, int64_t machine_id,
                                       double output_difference) {
  db_.prepare(fmt::format("INSERT OR REPLACE INTO output_checks(schedule_id, machine_id, "
                          "max_relative_difference, checked_at) VALUES (?, ?, ?, {})",
                          kNow))
      .bind(1, schedule_id)
      .bind(2, machine_id)
      .bind(3, output_difference)
      .step();
}

namespace {

// Timed schedules that pass `where` (a condition on sc, p and r), by id, with their
// fastest timing and the thread count they were timed with.
std::vector<ReplayableSchedule> replayable_schedules(Connection& db, const std::string& where) {
  auto q = db.prepare(
      "SELECT sc.id, p.name, sc.schedule_features, sc.beam_size, sc.random_dropout, sc.seed, "
      "sc.weights_seed, sc.is_default, min(m.threads), min(m.min_ms), p.family FROM schedules sc "
      "JOIN "
      "pipelines p ON p.id = sc.pipeline_id JOIN measurements m ON m.schedule_id = sc.id JOIN "
      "runs r ON m.run_id = r.id WHERE " +
      where + " GROUP BY sc.id ORDER BY sc.id");
  std::vector<ReplayableSchedule> out;
  while (q.step()) {
    ReplayableSchedule u;
    u.schedule_id = q.integer(0);
    u.pipeline_name = q.text(1);
    u.schedule_features = q.floats(2);
    u.params.beam_size = static_cast<int>(q.integer(3));
    u.params.random_dropout = static_cast<int>(q.integer(4));
    u.params.seed = static_cast<uint64_t>(q.integer(5));
    u.params.weights_seed = static_cast<uint64_t>(q.integer(6));
    u.is_default = q.integer(7) != 0;
    u.params.parallelism = static_cast<int>(q.integer(8));
    u.runtime_ms = q.real(9);
    u.family = q.text(10);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace

std::vector<ReplayableSchedule> DatasetStore::unchecked_schedules(int64_t machine_id) {
  return replayable_schedules(
      db_, fmt::format("r.machine_id = {0} AND NOT EXISTS (SELECT 1 FROM output_checks oc "
                       "WHERE oc.schedule_id = sc.id AND oc.machine_id = {0})",
                       machine_id));
}

std::optional<ReplayableSchedule> DatasetStore::replayable_schedule(
    int64_t schedule_id, std::optional<int64_t> machine_id) {
  auto found = replayable_schedules(
      db_, fmt::format("sc.id = {}{}", schedule_id, machine_filter(machine_id, "r.machine_id")));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

void DatasetStore::record_failure(const FailureRecord& r) {
  db_.prepare(fmt::format("INSERT INTO failures(run_id, pipeline_name, task_key, phase, reason, "
                          "failed_at) VALUES (?, ?, ?, ?, ?, {})",
                          kNow))
      .bind(1, r.run_id)
      .bind(2, r.pipeline_name)
      .bind(3, r.task_key)
      .bind(4, r.phase)
      .bind(5, r.reason)
      .step();
}

DatasetSummary DatasetStore::summary(std::optional<int64_t> machine_id) {
  DatasetSummary s;
  const std::string on_machine = machine_filter(machine_id, "r.machine_id");
  auto counts = db_.prepare(
      "SELECT count(DISTINCT sc.pipeline_id), count(DISTINCT sc.id), "
      "coalesce(sum(m.kind = 'sample'), 0), count(m.id) FROM measurements m "
      "JOIN runs r ON m.run_id = r.id JOIN schedules sc ON m.schedule_id = sc.id WHERE 1" +
      on_machine);
  counts.step();
  s.pipelines = counts.integer(0);
  s.schedules = counts.integer(1);
  s.samples = counts.integer(2);
  s.measurements = counts.integer(3);
  auto failures = db_.prepare(
      "SELECT count(*) FROM failures f JOIN runs r ON f.run_id = r.id WHERE 1" + on_machine);
  failures.step();
  s.failures = failures.integer(0);
  auto duplicates = db_.prepare(
      "SELECT count(*) FROM duplicate_tasks d JOIN runs r ON d.run_id = r.id WHERE 1" + on_machine);
  duplicates.step();
  s.duplicate_tasks = duplicates.integer(0);
  auto checks = db_.prepare(fmt::format(
      "SELECT count(*), coalesce(sum(max_relative_difference > {}), 0) FROM output_checks "
      "WHERE 1{}",
      kWrongOutputDifference, machine_filter(machine_id, "machine_id")));
  checks.step();
  s.outputs_checked = checks.integer(0);
  s.outputs_wrong = checks.integer(1);

  // Noise floor: every re-timing against the first timing of the same schedule on the
  // same machine.
  auto pairs = db_.prepare(
      "SELECT m.min_ms, first.min_ms FROM measurements m JOIN runs r ON m.run_id = r.id "
      "JOIN measurements first ON first.schedule_id = m.schedule_id AND first.kind = 'sample' "
      "JOIN runs fr ON first.run_id = fr.id AND fr.machine_id = r.machine_id "
      "WHERE m.kind != 'sample'" +
      on_machine);
  std::vector<double> ape;
  while (pairs.step()) ape.push_back(std::abs(pairs.real(0) - pairs.real(1)) / pairs.real(1));
  s.repeat_pairs = static_cast<int64_t>(ape.size());
  s.noise_median_ape = median_of(ape);
  double sum = 0;
  for (double a : ape) sum += a;
  s.noise_mean_ape = ape.empty() ? 0 : sum / static_cast<double>(ape.size());
  return s;
}

std::vector<int64_t> DatasetStore::thread_counts(std::optional<int64_t> machine_id) {
  auto q = db_.prepare(
      "SELECT DISTINCT m.threads FROM measurements m JOIN runs r ON m.run_id = r.id WHERE 1" +
      machine_filter(machine_id, "r.machine_id") + " ORDER BY m.threads");
  std::vector<int64_t> out;
  while (q.step()) out.push_back(q.integer(0));
  return out;
}

void DatasetStore::record_value_features(int64_t pipeline_id, const std::vector<float>& features) {
  db_.prepare(fmt::format("INSERT OR REPLACE INTO value_features(pipeline_id, features, "
                          "measured_at) VALUES (?, ?, {})",
                          kNow))
      .bind(1, pipeline_id)
      .bind(2, std::span<const float>(features))
      .step();
}

std::vector<PipelineStages> DatasetStore::pipelines_without_value_features(
    const std::optional<std::string>& name) {
  auto q =
      db_.prepare("SELECT id, name FROM pipelines WHERE id IN " + timed_pipeline_ids(std::nullopt) +
                  " AND id NOT IN (SELECT pipeline_id FROM value_features)" +
                  (name ? " AND name = ?" : "") + " ORDER BY id");
  if (name) q.bind(1, *name);
  auto stages =
      db_.prepare("SELECT func_name, definition FROM stages WHERE pipeline_id = ? ORDER BY idx");
  std::vector<PipelineStages> out;
  while (q.step()) {
    PipelineStages p{q.integer(0), q.text(1), {}};
    stages.reset();
    stages.bind(1, p.id);
    while (stages.step())
      p.stage_names.push_back(
          StageNode{stages.text(0), static_cast<int>(stages.integer(1))}.name());
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<StoredPipeline> DatasetStore::pipelines(std::optional<int64_t> machine_id) {
  auto q = db_.prepare("SELECT id, name, family, num_stages FROM pipelines WHERE id IN " +
                       timed_pipeline_ids(machine_id) + " ORDER BY id");
  auto stages = db_.prepare(
      "SELECT algorithm_features, func_name, definition FROM stages WHERE pipeline_id = ? ORDER BY "
      "idx");
  auto edges = db_.prepare(
      "SELECT producer, consumer FROM edges WHERE pipeline_id = ? ORDER BY producer, consumer");
  auto values = db_.prepare("SELECT features FROM value_features WHERE pipeline_id = ?");
  std::vector<StoredPipeline> out;
  while (q.step()) {
    StoredPipeline p;
    p.id = q.integer(0);
    p.name = q.text(1);
    p.family = q.text(2);
    p.num_stages = static_cast<int>(q.integer(3));
    stages.reset();
    stages.bind(1, p.id);
    while (stages.step()) {
      auto f = stages.floats(0);
      p.algorithm.insert(p.algorithm.end(), f.begin(), f.end());
      p.stage_names.push_back(
          StageNode{stages.text(1), static_cast<int>(stages.integer(2))}.name());
    }
    edges.reset();
    edges.bind(1, p.id);
    while (edges.step())
      p.edges.emplace_back(static_cast<int>(edges.integer(0)), static_cast<int>(edges.integer(1)));
    values.reset();
    values.bind(1, p.id);
    if (values.step()) p.values = values.floats(0);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<StoredSchedule> DatasetStore::schedules(std::optional<int64_t> machine_id) {
  auto q = db_.prepare(fmt::format(
      "SELECT sc.pipeline_id, sc.id, min(m.min_ms), sc.schedule_features, sc.schedule_source "
      "FROM schedules sc JOIN measurements m ON m.schedule_id = sc.id JOIN runs r ON m.run_id = "
      "r.id WHERE NOT EXISTS (SELECT 1 FROM output_checks oc WHERE oc.schedule_id = sc.id AND "
      "oc.machine_id = r.machine_id AND oc.max_relative_difference > {}){} GROUP BY sc.id "
      "ORDER BY sc.pipeline_id, sc.id",
      kWrongOutputDifference, machine_filter(machine_id, "r.machine_id")));
  std::vector<StoredSchedule> out;
  while (q.step()) {
    StoredSchedule s;
    s.pipeline_id = q.integer(0);
    s.schedule_id = q.integer(1);
    s.runtime_ms = q.real(2);
    s.schedule = q.floats(3);
    s.schedule_source = q.text(4);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace gnnperf
