#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "dataset/sample_export.h"
#include "dataset/schema.h"
#include "dataset/store.h"
#include "features/value_features.h"
#include "test_support.h"

namespace gnnperf {
namespace {

MachineInfo machine(const std::string& cpu) {
  return {cpu, 2, "x86-64-linux-avx2", "14.0.0", "host"};
}

// A two-stage pipeline "p" with a schedule whose features are all `value`.
SampleRecord record(int64_t run, const std::string& key, float value, double ms) {
  SampleRecord r;
  r.run_id = run;
  r.task_key = key;
  r.pipeline_name = "p";
  r.family = "test";
  r.description = "two stages";
  r.graph.stages = {{"out", 0}, {"in", 0}};
  r.graph.edges = {{1, 0}};
  r.features.num_stages = 2;
  r.features.schedule.assign(2 * kScheduleFeatures, value);
  r.features.algorithm.assign(2 * kAlgorithmFeatures, 7.f);
  r.schedule_source = "// schedule";
  r.timing.min_ms = r.timing.median_ms = r.timing.max_ms = ms;
  r.timing.samples = 10;
  r.timing.iterations = 1;
  return r;
}

TEST(DatasetStore, StoresSamplesDetectsDuplicatesAndMeasuresNoise) {
  const std::string db = test::scratch_dir("store") + "/d.db";
  DatasetStore store(db, false);
  const int64_t m = store.machine_for_collection(machine("cpu A"), false);
  const int64_t run = store.begin_run(m, "test", "{}");
  EXPECT_EQ(store.record_sample(record(run, "k1", 1.f, 10.0)), "sample");
  EXPECT_EQ(store.record_sample(record(run, "k2", 2.f, 20.0)), "sample");
  EXPECT_EQ(store.record_sample(record(run, "k3", 1.f, 11.0)), "duplicate");
  auto repeat = record(run, "k1/repeat", 2.f, 19.0);
  repeat.planned_repeat = true;
  EXPECT_EQ(store.record_sample(repeat), "repeat");
  store.record_failure({run, "k4", "p", "compile", "boom"});
  EXPECT_THROW(store.record_sample(record(run, "k1", 3.f, 1.0)), DatasetError);  // key reused

  const DatasetSummary s = store.summary(std::nullopt);
  EXPECT_EQ(s.pipelines, 1);
  EXPECT_EQ(s.schedules, 2);
  EXPECT_EQ(s.samples, 2);
  EXPECT_EQ(s.measurements, 4);
  EXPECT_EQ(s.failures, 1);
  EXPECT_EQ(s.repeat_pairs, 2);
  EXPECT_NEAR(s.noise_median_ape, (0.1 + 0.05) / 2, 1e-9);  // |11-10|/10 and |19-20|/20
  EXPECT_NEAR(s.noise_mean_ape, 0.075, 1e-9);
  EXPECT_EQ(store.finished_tasks(), (std::set<std::string>{"k1", "k2", "k3", "k1/repeat", "k4"}));

  // The fastest timing represents the schedule.
  const auto schedules = store.schedules(std::nullopt);
  ASSERT_EQ(schedules.size(), 2u);
  EXPECT_DOUBLE_EQ(schedules[0].runtime_ms, 10.0);
  EXPECT_DOUBLE_EQ(schedules[1].runtime_ms, 19.0);
  EXPECT_EQ(schedules[0].schedule.size(), 2u * kScheduleFeatures);
  const auto pipelines = store.pipelines(std::nullopt);
  ASSERT_EQ(pipelines.size(), 1u);
  EXPECT_EQ(pipelines[0].algorithm.size(), 2u * kAlgorithmFeatures);
  EXPECT_EQ(pipelines[0].edges, (std::vector<std::pair<int, int>>{{1, 0}}));
}

TEST(DatasetStore, DuplicateTasksFinishWithoutATiming) {
  const std::string db = test::scratch_dir("duplicate-tasks") + "/d.db";
  DatasetStore store(db, false);
  const int64_t a = store.machine_for_collection(machine("cpu A"), false);
  const int64_t run = store.begin_run(a, "test", "{}");
  ASSERT_EQ(store.record_sample(record(run, "k1", 1.f, 10.0)), "sample");
  const std::vector<float> timed(2 * kScheduleFeatures, 1.f), untimed(2 * kScheduleFeatures, 2.f);
  const auto id = store.timed_schedule("p", timed, a);
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(store.timed_schedule("p", untimed, a).has_value());
  EXPECT_FALSE(store.timed_schedule("other", timed, a).has_value());
  // A timing on another machine does not count here.
  const int64_t b = store.machine_for_collection(machine("cpu B"), true);
  EXPECT_FALSE(store.timed_schedule("p", timed, b).has_value());

  store.record_duplicate_task({run, "k2", *id, 0.5});
  EXPECT_EQ(store.finished_tasks(), (std::set<std::string>{"k1", "k2"}));
  EXPECT_TRUE(store.task_found_timed_schedule("k2"));
  EXPECT_TRUE(store.task_found_timed_schedule("k1"));
  EXPECT_FALSE(store.task_found_timed_schedule("k3"));
  const DatasetSummary s = store.summary(std::nullopt);
  EXPECT_EQ(s.duplicate_tasks, 1);
  EXPECT_EQ(s.measurements, 1);
  EXPECT_EQ(store.summary(b).duplicate_tasks, 0);
}

TEST(DatasetStore, UpgradesAVersionOneFileOnlyWhenWriting) {
  const std::string db = test::scratch_dir("upgrade") + "/d.db";
  {
    DatasetStore store(db, false);
    const int64_t m = store.machine_for_collection(machine("cpu A"), false);
    store.record_sample(record(store.begin_run(m, "test", "{}"), "k1", 1.f, 10.0));
    store.connection().exec(
        "DROP TABLE duplicate_tasks; DROP TABLE output_checks; DROP TABLE value_features; UPDATE "
        "meta SET value = '1' WHERE key = 'schema_version'");
  }
  auto version = [&] {
    Connection c(db, true);
    auto q = c.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    q.step();
    return q.text(0);
  };
  {
    DatasetStore reader(db, true);
    EXPECT_EQ(reader.summary(std::nullopt).samples, 1);
    EXPECT_EQ(reader.summary(std::nullopt).duplicate_tasks, 0);
    EXPECT_EQ(reader.summary(std::nullopt).outputs_checked, 0);
    EXPECT_EQ(reader.schedules(std::nullopt).size(), 1u);
    EXPECT_TRUE(reader.pipelines(std::nullopt).at(0).values.empty());
  }
  EXPECT_EQ(version(), "1");
  {
    DatasetStore writer(db, false);
    EXPECT_EQ(writer.finished_tasks(), (std::set<std::string>{"k1"}));
    // The tables added since version 1 exist now.
    writer.record_output_check(writer.schedules(std::nullopt).at(0).schedule_id, 1, 0.0);
    EXPECT_EQ(writer.summary(std::nullopt).outputs_checked, 1);
    const StoredPipeline p = writer.pipelines(std::nullopt).at(0);
    std::vector<float> values(static_cast<size_t>(p.num_stages) * kValueFeatures, 0.25f);
    writer.record_value_features(p.id, values);
    EXPECT_EQ(writer.pipelines(std::nullopt).at(0).values, values);
  }
  EXPECT_EQ(version(), std::to_string(kSchemaVersion));
}

TEST(DatasetStore, SchedulesThatComputedWrongValuesAreCountedAndLeftOut) {
  const std::string db = test::scratch_dir("output-checks") + "/d.db";
  DatasetStore store(db, false);
  const int64_t m = store.machine_for_collection(machine("cpu A"), false);
  const int64_t run = store.begin_run(m, "test", "{}");
  auto right = record(run, "k1", 1.f, 10.0);
  right.output_difference = 1e-6;
  auto wrong = record(run, "k2", 2.f, 5.0);
  wrong.output_difference = 3.5;
  store.record_sample(right);
  store.record_sample(wrong);
  store.record_sample(record(run, "k3", 3.f, 7.0));  // timed before outputs were checked
  auto repeat = record(run, "k2/repeat", 2.f, 5.5);
  repeat.planned_repeat = true;
  repeat.output_difference = 0.0;  // the same code: the first check stays
  store.record_sample(repeat);

  DatasetSummary s = store.summary(std::nullopt);
  EXPECT_EQ(s.schedules, 3);
  EXPECT_EQ(s.outputs_checked, 2);
  EXPECT_EQ(s.outputs_wrong, 1);
  auto runtimes = [&] {
    std::vector<double> out;
    for (const auto& sc : store.schedules(std::nullopt)) out.push_back(sc.runtime_ms);
    return out;
  };
  EXPECT_EQ(runtimes(), (std::vector<double>{10.0, 7.0}));

  // The schedule timed without a check is the one left to check, with its parameters.
  const auto unchecked = store.unchecked_schedules(m);
  ASSERT_EQ(unchecked.size(), 1u);
  EXPECT_EQ(unchecked[0].pipeline_name, "p");
  EXPECT_EQ(unchecked[0].schedule_features, std::vector<float>(2 * kScheduleFeatures, 3.f));
  EXPECT_EQ(unchecked[0].params, SamplingParams{});
  store.record_output_check(unchecked[0].schedule_id, m, 0.5);
  EXPECT_TRUE(store.unchecked_schedules(m).empty());
  EXPECT_EQ(runtimes(), (std::vector<double>{10.0}));
  s = store.summary(std::nullopt);
  EXPECT_EQ(s.outputs_checked, 3);
  EXPECT_EQ(s.outputs_wrong, 2);
  // Another machine has checked nothing.
  EXPECT_EQ(store.summary(m + 1).outputs_checked, 0);
}

TEST(DatasetStore, RefusesAnotherMachineUnlessAskedAndKeepsTheirTimingsApart) {
  const std::string db = test::scratch_dir("machines") + "/d.db";
  DatasetStore store(db, false);
  const int64_t a = store.machine_for_collection(machine("cpu A"), false);
  EXPECT_EQ(store.machine_for_collection(machine("cpu A"), false), a);
  try {
    store.machine_for_collection(machine("cpu B"), false);
    FAIL() << "expected a refusal";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("--separate-machine"), std::string::npos);
  }
  const int64_t b = store.machine_for_collection(machine("cpu B"), true);
  EXPECT_NE(a, b);
  store.record_sample(record(store.begin_run(a, "t", "{}"), "a1", 1.f, 10.0));
  // Same schedule on machine B: a first timing there, not a repeat of A's.
  EXPECT_EQ(store.record_sample(record(store.begin_run(b, "t", "{}"), "b1", 1.f, 30.0)), "sample");
  EXPECT_EQ(store.summary(a).samples, 1);
  EXPECT_EQ(store.summary(b).samples, 1);
  EXPECT_EQ(store.summary(b).repeat_pairs, 0);
  EXPECT_DOUBLE_EQ(store.schedules(b).at(0).runtime_ms, 30.0);
}

TEST(DatasetStore, RefusesAPipelineThatChangedUnderTheSameName) {
  const std::string db = test::scratch_dir("changed") + "/d.db";
  DatasetStore store(db, false);
  const int64_t run =
      store.begin_run(store.machine_for_collection(machine("cpu"), false), "t", "{}");
  store.record_sample(record(run, "a", 1.f, 1.0));
  auto changed = record(run, "b", 2.f, 1.0);
  changed.features.algorithm[3] = 99.f;
  EXPECT_THROW(store.record_sample(changed), DatasetError);
  EXPECT_EQ(store.summary(std::nullopt).measurements, 1);  // the failed transaction left nothing
}

TEST(DatasetStore, ReportsTheThreadCountsOfItsTimings) {
  const std::string db = test::scratch_dir("threads") + "/d.db";
  DatasetStore store(db, false);
  const int64_t run =
      store.begin_run(store.machine_for_collection(machine("cpu"), false), "t", "{}");
  auto one = record(run, "a", 1.f, 1.0);
  one.params.parallelism = 1;
  store.record_sample(one);
  EXPECT_EQ(store.thread_counts(std::nullopt), (std::vector<int64_t>{1}));
  auto two = record(run, "b", 2.f, 1.0);
  two.params.parallelism = 2;
  store.record_sample(two);
  EXPECT_EQ(store.thread_counts(std::nullopt), (std::vector<int64_t>{1, 2}));
}

TEST(DatasetStore, ClearErrorsForBadFiles) {
  const std::string dir = test::scratch_dir("bad");
  auto message = [](const std::string& path, bool read_only) {
    try {
      DatasetStore s(path, read_only);
    } catch (const DatasetError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  test::write_file(dir + "/garbage.db", std::string(4096, 'x'));
  EXPECT_NE(message(dir + "/garbage.db", false).find("is not a gnnperf dataset"),
            std::string::npos);
  EXPECT_NE(message(dir + "/missing.db", true).find("does not exist"), std::string::npos);
  EXPECT_NE(message(dir + "/no/such/dir/d.db", false).find("cannot open database"),
            std::string::npos);
  {
    DatasetStore s(dir + "/old.db", false);
    s.connection().exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  }
  EXPECT_NE(message(dir + "/old.db", true).find("schema version 99"), std::string::npos);
}

TEST(SampleExport, WritesHalideSampleLayout) {
  const std::string dir = test::scratch_dir("export");
  DatasetStore store(dir + "/d.db", false);
  const int64_t run =
      store.begin_run(store.machine_for_collection(machine("cpu"), false), "t", "{}");
  store.record_sample(record(run, "a", 1.f, 2.5));
  ASSERT_EQ(export_samples(store, dir + "/out", std::nullopt), 1);
  std::ifstream list(dir + "/out/samples.txt");
  std::string path;
  std::getline(list, path);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(bytes.size(), 2u * kStageBytes + 12);
  float first_sched, first_algo, runtime;
  std::memcpy(&first_sched, bytes.data(), 4);
  std::memcpy(&first_algo, bytes.data() + kScheduleFeatures * 4, 4);
  std::memcpy(&runtime, bytes.data() + 2 * kStageBytes, 4);
  EXPECT_EQ(first_sched, 1.f);
  EXPECT_EQ(first_algo, 7.f);
  EXPECT_FLOAT_EQ(runtime, 2.5f);
}

}  // namespace
}  // namespace gnnperf
