// End-to-end tests of `gnnperf collect` and `gnnperf dataset`, on real Halide
// compilations and timings of small workloads.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "dataset/store.h"
#include "measure/output_check.h"
#include "test_support.h"

extern char** environ;

namespace gnnperf {
namespace {

using test::run_gnnperf;

int64_t count(const std::string& db, const std::string& sql) {
  Connection c(db, true);
  auto q = c.prepare(sql);
  q.step();
  return q.integer(0);
}

// Starts gnnperf in the background with output to files; returns its pid.
pid_t spawn_gnnperf(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv_s{GNNPERF_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir + "/bg.out").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (dir + "/bg.err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits until the DB holds at least `n` measurements (the collector is mid-run).
void wait_for_measurements(const std::string& db, int64_t n) {
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (access(db.c_str(), F_OK) != 0) continue;
    try {
      if (count(db, "SELECT count(*) FROM measurements") >= n) return;
    } catch (const DatasetError&) {  // schema not created yet
    }
  }
  FAIL() << "collector made no progress";
}

struct Counts {
  int64_t samples, schedules, measurements, failures, duplicate_tasks;
  bool operator==(const Counts&) const = default;
};

Counts counts_of(const std::string& db) {
  return {count(db, "SELECT count(*) FROM measurements WHERE kind = 'sample'"),
          count(db, "SELECT count(*) FROM schedules"),
          count(db, "SELECT count(*) FROM measurements"),
          count(db, "SELECT count(*) FROM failures"),
          count(db, "SELECT count(*) FROM duplicate_tasks")};
}

TEST(Collect, SmallCollectionHasExpectedRowsAndPlausibleRuntimes) {
  const std::string dir = test::scratch_dir("small");
  const std::string db = dir + "/d.db";
  auto r = run_gnnperf(
      "collect --db " + db +
      " --workloads resnet18.conv1,resnet18.fc --schedules 3 --seed 7 --timing-window 0.05");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("throughput:"), std::string::npos);
  EXPECT_EQ(count(db, "SELECT count(*) FROM pipelines"), 2);
  // Every task is stored: 2 pipelines x (3 randomized + 1 default), plus any repeats.
  EXPECT_GE(count(db, "SELECT count(*) FROM measurements") +
                count(db, "SELECT count(*) FROM failures") +
                count(db, "SELECT count(*) FROM duplicate_tasks"),
            8);
  EXPECT_GE(count(db, "SELECT count(*) FROM measurements WHERE kind = 'sample'"), 4);
  // Stage rows and feature blobs agree with each pipeline's stage count.
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM pipelines p WHERE num_stages != "
                  "(SELECT count(*) FROM stages s WHERE s.pipeline_id = p.id)"),
            0);
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM schedules sc JOIN pipelines p ON sc.pipeline_id = p.id "
                  "WHERE length(sc.schedule_features) != p.num_stages * 39 * 4"),
            0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM stages WHERE length(algorithm_features) != 287 * 4"),
            0);
  EXPECT_GT(count(db, "SELECT count(*) FROM edges"), 0);
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM measurements WHERE NOT (min_ms > 0.0001 AND min_ms < 60000 "
                  "AND min_ms <= median_ms AND median_ms <= max_ms AND threads = 2)"),
            0);
  // The 7x7 stride-2 conv on 224x224 (118 MFLOP) is slower than a 512x1000 matmul
  // (1 MFLOP) under each pipeline's default schedule.
  Connection c(db, true);
  auto q = c.prepare(
      "SELECT p.name, m.min_ms FROM measurements m JOIN schedules sc ON m.schedule_id = sc.id "
      "JOIN pipelines p ON sc.pipeline_id = p.id WHERE sc.is_default = 1 AND m.kind = 'sample'");
  std::map<std::string, double> default_ms;
  while (q.step()) default_ms[q.text(0)] = q.real(1);
  ASSERT_EQ(default_ms.size(), 2u);
  EXPECT_GT(default_ms["resnet18.conv1"], 3 * default_ms["resnet18.fc"]);
  // Every timed schedule's outputs were compared with the plain schedule's, and agree.
  EXPECT_EQ(count(db, "SELECT count(*) FROM output_checks WHERE max_relative_difference < 1e-3"),
            count(db, "SELECT count(*) FROM schedules"));
  EXPECT_NE(r.out.find("outputs: 0 of the"), std::string::npos) << r.out;

  auto info = run_gnnperf("dataset info --json --db " + db);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  for (const char* key : {"samples", "pipelines", "failures", "noise_median_ape", "noise_mean_ape",
                          "outputs_checked", "outputs_wrong"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["pipelines"], 2);
  EXPECT_EQ(j["machines"].size(), 1u);

  EXPECT_EQ(count(db, "SELECT count(*) FROM value_features"), 2);
  EXPECT_NE(r.out.find("value features of 2 pipelines"), std::string::npos) << r.out;

  // Rerunning the finished command times nothing new, and measures the value features a
  // run killed between a timing and its values would have left missing.
  Connection(db, false).exec("DELETE FROM value_features WHERE pipeline_id = 1");
  const Counts before = counts_of(db);
  auto again = run_gnnperf(
      "collect --db " + db +
      " --workloads resnet18.conv1,resnet18.fc --schedules 3 --seed 7 --timing-window 0.05");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(counts_of(db), before);
  EXPECT_EQ(count(db, "SELECT count(*) FROM value_features"), 2);
  EXPECT_NE(again.out.find("value features of 1 pipelines"), std::string::npos) << again.out;
}

TEST(Collect, DatasetCheckRebuildsSchedulesTimedWithoutACheck) {
  const std::string dir = test::scratch_dir("check");
  const std::string db = dir + "/d.db";
  auto r = run_gnnperf("collect --db " + db +
                       " --workloads resnet18.fc,random:1:5 --schedules 2 --seed 3 "
                       "--timing-window 0.02");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int64_t schedules = count(db, "SELECT count(*) FROM schedules");
  ASSERT_GT(schedules, 2);
  std::map<int64_t, double> collected;
  {
    Connection c(db, false);
    auto q = c.prepare("SELECT schedule_id, max_relative_difference FROM output_checks");
    while (q.step()) collected[q.integer(0)] = q.real(1);
    c.exec("DELETE FROM output_checks");  // as in a dataset collected before the checks
  }
  ASSERT_EQ(static_cast<int64_t>(collected.size()), schedules);

  auto one = run_gnnperf("dataset check --db " + db + " --limit 1");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find(fmt::format("checked the outputs of 1 of {} unchecked", schedules)),
            std::string::npos)
      << one.out;
  auto rest = run_gnnperf("dataset check --db " + db);
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_NE(
      rest.out.find(fmt::format("of {} of {} unchecked schedules", schedules - 1, schedules - 1)),
      std::string::npos)
      << rest.out;
  EXPECT_NE(rest.out.find("0 not reproduced"), std::string::npos) << rest.out;
  // The schedules rebuilt from their stored parameters give the collection's verdicts.
  Connection c(db, true);
  auto q = c.prepare("SELECT schedule_id, max_relative_difference FROM output_checks");
  int64_t rechecked = 0;
  while (q.step()) {
    ++rechecked;
    ASSERT_TRUE(collected.count(q.integer(0)));
    EXPECT_EQ(q.real(1) > kWrongOutputDifference, collected[q.integer(0)] > kWrongOutputDifference);
  }
  EXPECT_EQ(rechecked, schedules);
  auto nothing = run_gnnperf("dataset check --db " + db);
  ASSERT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_NE(nothing.out.find("checked the outputs of 0 of 0"), std::string::npos) << nothing.out;
}

TEST(Collect, AScheduleFoundAgainIsNotTimedAgain) {
  const std::string dir = test::scratch_dir("duplicates");
  const std::string db = dir + "/d.db";
  // Adams2019 gives a 1x1 conv the same schedule whatever the sampling settings.
  auto r = run_gnnperf("collect --db " + db +
                       " --workloads resnet18.conv5_1_ds --schedules 5 --seed 2 --timing-window "
                       "0.05");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("duplicates not timed again"), std::string::npos);
  const int64_t schedules = count(db, "SELECT count(*) FROM schedules");
  const int64_t duplicates = count(db, "SELECT count(*) FROM duplicate_tasks");
  EXPECT_GT(duplicates, 0);
  // Each distinct schedule is timed once (plus planned repeats); every other task that
  // found it is stored as a duplicate task, so the 6 tasks are all accounted for.
  EXPECT_EQ(count(db, "SELECT count(*) FROM measurements WHERE kind = 'sample'"), schedules);
  EXPECT_EQ(count(db, "SELECT count(*) FROM measurements WHERE kind = 'duplicate'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM measurements WHERE kind != 'repeat'") + duplicates +
                count(db, "SELECT count(*) FROM failures"),
            6);
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM duplicate_tasks d JOIN measurements m ON m.schedule_id = "
                  "d.schedule_id AND m.kind = 'sample'"),
            duplicates);
  auto info = run_gnnperf("dataset info --json --db " + db);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(nlohmann::json::parse(info.out)["duplicate_tasks"], duplicates);
}

TEST(Collect, KillNineThenResumeEndsWithTheUninterruptedCount) {
  const std::string dir = test::scratch_dir("resume");
  const std::vector<std::string> args{
      "--workloads", "random:1:24,random:1:55", "--schedules", "4", "--seed",
      "3",           "--timing-window",         "0.05"};
  auto command = [&](const std::string& db) {
    std::vector<std::string> a{"collect", "--db", db};
    a.insert(a.end(), args.begin(), args.end());
    return a;
  };
  auto joined = [](const std::vector<std::string>& a) {
    std::string s;
    for (const auto& w : a) s += w + " ";
    return s;
  };
  ASSERT_EQ(run_gnnperf(joined(command(dir + "/whole.db"))).exit_code, 0);

  const std::string db = dir + "/killed.db";
  const pid_t pid = spawn_gnnperf(command(db), dir);
  wait_for_measurements(db, 2);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  {
    Connection c(db, true);
    auto check = c.prepare("PRAGMA quick_check");
    check.step();
    EXPECT_EQ(check.text(0), "ok");
  }
  auto resumed = run_gnnperf(joined(command(db)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("already stored"), std::string::npos);
  EXPECT_EQ(counts_of(db), counts_of(dir + "/whole.db"));
}

TEST(Collect, CtrlCStopsCleanlyAndKeepsWhatWasStored) {
  const std::string dir = test::scratch_dir("sigint");
  const std::string db = dir + "/d.db";
  const std::vector<std::string> cmd{"collect",
                                     "--db",
                                     db,
                                     "--workloads",
                                     "random:1:24,random:1:55,random:1:36",
                                     "--schedules",
                                     "3",
                                     "--timing-window",
                                     "0.05"};
  const pid_t pid = spawn_gnnperf(cmd, dir);
  wait_for_measurements(db, 1);
  const int64_t stored = count(db, "SELECT count(*) FROM measurements");
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_GE(count(db, "SELECT count(*) FROM measurements"), stored);
  EXPECT_EQ(count(db, "SELECT count(*) FROM failures"),
            0);  // children killed by Ctrl-C are no failures
  // Every pipeline timed before the stop has its value features: training needs them.
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM pipelines WHERE id NOT IN (SELECT pipeline_id FROM "
                  "value_features) AND id IN (SELECT sc.pipeline_id FROM schedules sc JOIN "
                  "measurements m ON m.schedule_id = sc.id)"),
            0);
  EXPECT_GE(count(db, "SELECT count(*) FROM value_features"), 1);
}

TEST(Collect, ExportFeedsHalidesRetrainCostModel) {
  const std::string dir = test::scratch_dir("export");
  const std::string db = dir + "/d.db";
  // retrain_cost_model skips pipelines with fewer than 8 distinct schedules.
  auto r = run_gnnperf("collect --db " + db +
                       " --workloads random:1:36 --schedules 11 --seed 5 --timing-window 0.05");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto e = run_gnnperf("dataset export --db " + db + " --out " + dir + "/samples");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  ASSERT_GE(count(db, "SELECT count(*) FROM schedules"), 8);
  const std::string weights = dir + "/retrained.weights";
  const std::string cmd =
      "/usr/lib/x86_64-linux-gnu/halide14/retrain_cost_model --epochs=3 --rates=0.0001 "
      "--randomize_weights=1 --num_cores=2 --weights_out=" +
      weights + " --best_benchmark=" + dir + "/best.txt --best_schedule=" + dir +
      "/best.schedule.h < " + dir + "/samples/samples.txt > " + dir + "/retrain.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_GT(std::filesystem::file_size(weights), 1000u);
  EXPECT_GT(std::filesystem::file_size(dir + "/best.schedule.h"), 0u);
}

TEST(Collect, BadInputGetsOneClearLine) {
  const std::string dir = test::scratch_dir("badcli");
  test::expect_one_line_error(
      run_gnnperf("collect --db " + dir + "/a.db --workloads resnet51.conv1 --schedules 1"),
      "unknown workload 'resnet51.conv1'");
  test::expect_one_line_error(
      run_gnnperf("collect --db " + dir + "/a.db --workloads 'random:0' --schedules 1"),
      "random:0");
  test::expect_one_line_error(
      run_gnnperf("collect --db " + dir + "/a.db --workloads conv2d:3:0:56:3:1 --schedules 1"),
      "sizes must be positive");
  test::expect_one_line_error(
      run_gnnperf("collect --db " + dir + "/a.db --workloads conv2d:3:64:56 --schedules 1"),
      "malformed conv2d workload spec");
  EXPECT_FALSE(std::filesystem::exists(dir + "/a.db"));  // refused before anything is created
  test::expect_one_line_error(
      run_gnnperf("collect --db /no/such/dir/a.db --workloads resnet18.fc --schedules 1"),
      "cannot open database");
  test::write_file(dir + "/corrupt.db",
                   "this is not sqlite at all, just text that is long enough........");
  test::expect_one_line_error(
      run_gnnperf("collect --db " + dir + "/corrupt.db --workloads resnet18.fc --schedules 1"),
      "not a gnnperf dataset");
  test::expect_one_line_error(run_gnnperf("dataset info --db " + dir + "/corrupt.db"),
                              "not a gnnperf dataset");
  test::expect_one_line_error(run_gnnperf("dataset info --db " + dir + "/missing.db"),
                              "does not exist");
  {
    DatasetStore s(dir + "/v9.db", false);
    s.connection().exec("UPDATE meta SET value = '9' WHERE key = 'schema_version'");
  }
  test::expect_one_line_error(
      run_gnnperf("collect --db " + dir + "/v9.db --workloads resnet18.fc --schedules 1"),
      "schema version 9");
  // The refused files are untouched.
  EXPECT_EQ(count(dir + "/v9.db", "SELECT value FROM meta WHERE key = 'schema_version'"), 9);
}

}  // namespace
}  // namespace gnnperf
