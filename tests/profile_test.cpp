// `gnnperf profile`: a stored schedule rebuilt and run under Halide's profiler, on a
// real collection of one small pipeline; and the profiler report parser.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "dataset/sqlite.h"
#include "measure/stage_profile.h"
#include "test_support.h"

namespace gnnperf {
namespace {

using test::run_gnnperf;

TEST(Profile, ParsesHalidesReport) {
  // As Halide 14's runtime prints it after a JIT realization.
  const std::string text =
      "s17_output\n"
      " total time: 2.150053 ms  samples: 2  runs: 1  time/run: 2.150053 ms\n"
      " heap allocations: 27  peak heap usage: 389936 bytes\n"
      "  halide_malloc:         0.010ms   (0%)    \n"
      "  s2_cast:               0.340ms   (15%)     peak: 40368    num: 1         avg: 40368\n"
      "  s3_stencil:            1.800ms   (84%)  \n";
  const ProfilerReport r = parse_profiler_report(text);
  EXPECT_EQ(r.samples, 2);
  EXPECT_EQ(r.runs, 1);
  ASSERT_EQ(r.funcs.size(), 3u);
  EXPECT_EQ(r.funcs[1].name, "s2_cast");
  EXPECT_DOUBLE_EQ(r.funcs[1].ms, 0.34);
  StageProfile p{r, 2.15};
  const auto shares = p.shares();
  EXPECT_NEAR(shares[0] + shares[1] + shares[2], 1.0, 1e-12);
  EXPECT_NEAR(shares[2], 1.8 / 2.15, 1e-12);
  EXPECT_THROW(parse_profiler_report("no report here\n"), std::runtime_error);
}

struct Collected {
  std::string dir, db;
  int64_t schedule = 0;
  std::set<std::string> funcs;  // of the pipeline's stages
};

const Collected& collected() {
  static const Collected c = [] {
    Collected c;
    c.dir = test::scratch_dir("profile");
    c.db = c.dir + "/d.db";
    auto r = run_gnnperf("collect --db " + c.db +
                         " --workloads random:1:5 --schedules 1 --seed 3 --timing-window 0.02");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Connection db(c.db, true);
    auto q = db.prepare("SELECT min(schedule_id) FROM measurements");
    q.step();
    c.schedule = q.integer(0);
    auto s = db.prepare("SELECT DISTINCT func_name FROM stages");
    while (s.step()) c.funcs.insert(s.text(0));
    return c;
  }();
  return c;
}

TEST(Profile, MeasuresEveryFuncBesideTheModelsSharesAndCountsItsWork) {
  const Collected& c = collected();
  const std::string stmt = c.dir + "/s.stmt";
  auto r = run_gnnperf("profile --db " + c.db + " --schedule " + std::to_string(c.schedule) +
                       " --seconds 0.3 --json --stmt " + stmt + " --model " +
                       GNNPERF_SOURCE_DIR "/data/reference-gnn.pt");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schedule_id"], c.schedule);
  EXPECT_GT(j["runs"].get<int64_t>(), 0);
  EXPECT_GT(j["samples"].get<int64_t>(), 50);  // one per ms of 300 ms, less the reports
  EXPECT_GT(j["profiled_ms_per_run"].get<double>(), 0);
  EXPECT_GT(j["predicted_ms"].get<double>(), 0);
  double measured = 0, predicted = 0;
  std::set<std::string> predicted_funcs;
  int counted = 0;
  for (const auto& f : j["funcs"]) {
    measured += f["measured_share"].get<double>();
    if (f.contains("predicted_share")) {
      predicted += f["predicted_share"].get<double>();
      predicted_funcs.insert(f["name"]);
    }
    if (f.contains("productions")) {  // a Func the code produces, not inlined
      ++counted;
      EXPECT_GE(f["productions"].get<int64_t>(), 1) << f.dump();
      EXPECT_GE(f["stored_values"].get<int64_t>(), 1) << f.dump();
      EXPECT_GE(f["featured_productions"].get<double>(), 1) << f.dump();
    }
    // The output is computed once, as its features say.
    if (f["name"].get<std::string>().ends_with("_output")) {
      EXPECT_EQ(f["productions"].get<int64_t>(), 1) << f.dump();
      EXPECT_EQ(f["featured_productions"].get<double>(), 1) << f.dump();
    }
  }
  EXPECT_GE(counted, 1);
  EXPECT_NEAR(measured, 1.0, 1e-6);
  EXPECT_NEAR(predicted, 1.0, 1e-6);
  EXPECT_EQ(predicted_funcs, c.funcs);  // every stage's Func, once
  std::ifstream in(stmt);
  const std::string lowered((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(lowered.find("produce "), std::string::npos);

  auto text = run_gnnperf("profile --db " + c.db + " --schedule " + std::to_string(c.schedule) +
                          " --seconds 0.05");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("measured ms"), std::string::npos) << text.out;
}

TEST(Profile, BadInputGetsOneClearLine) {
  const Collected& c = collected();
  test::expect_one_line_error(run_gnnperf("profile --db " + c.db + " --schedule 999999"),
                              "no timed schedule with id 999999");
  // A schedule the autoscheduler no longer gives, and a pipeline gnnperf cannot build.
  const std::string changed = c.dir + "/changed.db";
  std::filesystem::copy_file(c.db, changed);
  {
    Connection db(changed, false);
    db.exec("UPDATE schedules SET schedule_features = zeroblob(length(schedule_features))");
  }
  test::expect_one_line_error(
      run_gnnperf("profile --db " + changed + " --schedule " + std::to_string(c.schedule)),
      "no longer gives the stored schedule");
  {
    Connection db(changed, false);
    db.exec("UPDATE pipelines SET name = 'imported.layer0'");
  }
  test::expect_one_line_error(
      run_gnnperf("profile --db " + changed + " --schedule " + std::to_string(c.schedule)),
      "cannot be built again");
}

}  // namespace
}  // namespace gnnperf
