// The value features of features/value_features.h: tanh arguments counted per regime of
// glibc's tanhf, per stage, on a pipeline whose arguments are known.
#include "features/value_features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dataset/store.h"
#include "measure/host_target.h"
#include "test_support.h"
#include "workloads/workload.h"

namespace gnnperf {
namespace {

TEST(ValueFeatures, TanhRegimesFollowGlibcsBranches) {
  EXPECT_EQ(tanh_regime(0.0f), TanhRegime::kTiny);
  EXPECT_EQ(tanh_regime(-1e-9f), TanhRegime::kTiny);
  EXPECT_EQ(tanh_regime(0.1f), TanhRegime::kSmall);
  EXPECT_EQ(tanh_regime(-0.2f), TanhRegime::kReduced);
  EXPECT_EQ(tanh_regime(8.99f), TanhRegime::kReduced);
  EXPECT_EQ(tanh_regime(-9.0f), TanhRegime::kSaturated);
  EXPECT_EQ(tanh_regime(std::numeric_limits<float>::quiet_NaN()), TanhRegime::kSaturated);
}

TEST(ValueFeatures, CountsEachStagesTanhArgumentsByRegime) {
  Halide::Var x("x");
  Halide::Func g("g"), h("h"), out("out");
  g(x) = Halide::tanh(Halide::cast<float>(x) - 10.0f);  // arguments -10 .. 9
  h(x) = 0.0f;
  h(x) += Halide::tanh(g(x) * 1e-9f);  // every argument below 2^-26
  out(x) = h(x) + g(x);
  BuiltPipeline built;
  built.outputs.push_back({out, {20}});
  apply_estimates(built);
  const StageGraph graph = build_stage_graph({out});
  const auto v = measure_value_features(built, graph, host_target());
  ASSERT_EQ(v.size(), graph.stages.size() * kValueFeatures);
  auto row = [&](const std::string& name) {
    for (size_t i = 0; i < graph.stages.size(); ++i) {
      if (graph.stages[i].name() == name)
        return std::vector<float>(v.begin() + static_cast<long>(i * kValueFeatures),
                                  v.begin() + static_cast<long>((i + 1) * kValueFeatures));
    }
    ADD_FAILURE() << "no stage " << name;
    return std::vector<float>(kValueFeatures);
  };
  // 0 is tiny; 1 .. 8 in magnitude, 16 of them, need the reduction; -10, -9 and 9 saturate.
  const auto gv = row("g");
  EXPECT_NEAR(gv[0], 1.0 / 20, 1e-6);
  EXPECT_NEAR(gv[1], 0.0, 1e-6);
  EXPECT_NEAR(gv[2], 16.0 / 20, 1e-6);
  EXPECT_NEAR(gv[3], 3.0 / 20, 1e-6);
  EXPECT_EQ(row("h"), std::vector<float>(kValueFeatures, 0.0f));
  EXPECT_EQ(row("h.update(0)"), (std::vector<float>{1, 0, 0, 0}));
  EXPECT_EQ(row("out"), std::vector<float>(kValueFeatures, 0.0f));
}

TEST(ValueFeatures, CollectMeasuresThemAndDatasetValuesFillsThoseMissing) {
  // random:39: three stages, the middle one a GELU.
  const std::string db = test::scratch_dir("values") + "/d.db";
  auto c =
      test::run_gnnperf("collect --db " + db +
                        " --workloads random:1:39 --schedules 1 --seed 3 --timing-window 0.02");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("measured the value features of 1 pipelines"), std::string::npos) << c.out;
  {
    // As a file collected before schema version 4 has them.
    DatasetStore store(db, false);
    store.connection().exec("DELETE FROM value_features");
  }
  auto first = test::run_gnnperf("dataset values --db " + db);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("measured the value features of 1 of 1 pipelines"), std::string::npos)
      << first.out;
  {
    DatasetStore store(db, true);
    const auto p = store.pipelines(std::nullopt).at(0);
    ASSERT_EQ(p.values.size(), static_cast<size_t>(p.num_stages) * kValueFeatures);
    int gelu_stages = 0;
    for (int s = 0; s < p.num_stages; ++s) {
      float sum = 0;
      for (int r = 0; r < kValueFeatures; ++r) sum += p.values[s * kValueFeatures + r];
      EXPECT_TRUE(sum == 0 || std::abs(sum - 1) < 1e-5) << p.stage_names[s] << " " << sum;
      gelu_stages += sum > 0;
    }
    EXPECT_EQ(gelu_stages, 1);
  }
  auto again = test::run_gnnperf("dataset values --db " + db);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("of 0 of 0 pipelines"), std::string::npos) << again.out;
  test::expect_one_line_error(test::run_gnnperf("dataset values --db " + db + ".none"),
                              "d.db.none");
}

}  // namespace
}  // namespace gnnperf
