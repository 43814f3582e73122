// The stage graph must line up with Adams2019's featurization row by row; the count
// check below is the invariant the facts doc gives for that.
#include "features/stage_graph.h"

#include <gtest/gtest.h>

#include <set>

#include "features/featurization.h"
#include "measure/host_target.h"
#include "sampling/autoscheduler.h"
#include "workloads/registry.h"

namespace gnnperf {
namespace {

void expect_graph_matches_featurization(const Workload& w) {
  SCOPED_TRACE(w.name);
  BuiltPipeline built = w.build();
  const StageGraph graph = build_stage_graph(built.output_funcs());
  Halide::Pipeline pipeline = built.pipeline();
  // Greedy and deterministic: beam 1 without dropout.
  const auto result = autoschedule(pipeline, host_target(), {1, 100, 0, 2});
  ASSERT_EQ(result.featurization.size() % kStageBytes, 0u);
  EXPECT_EQ(graph.stages.size(), result.featurization.size() / kStageBytes);
  std::set<std::pair<int, int>> unique(graph.edges.begin(), graph.edges.end());
  EXPECT_EQ(unique.size(), graph.edges.size());
  for (const auto& [p, c] : graph.edges) {
    EXPECT_NE(p, c);
    EXPECT_LT(c, static_cast<int>(graph.stages.size()));
  }
}

TEST(StageGraph, MatchesFeaturizationOnEveryNamedWorkload) {
  for (const auto& w : named_workloads()) expect_graph_matches_featurization(w);
}

TEST(StageGraph, MatchesFeaturizationOnRandomPipelines) {
  for (const auto& w : resolve_workloads("random:25,random_large:5")) {
    expect_graph_matches_featurization(w);
  }
}

TEST(StageGraph, OrdersStagesOutputFirstAndUpdatesBeforePure) {
  Halide::ImageParam in(Halide::Float(32), 1, "in");
  Halide::Var x("x");
  Halide::RDom r(0, 3, "r");
  Halide::Func producer("producer"), reduce("reduce");
  producer(x) = in(x)*2.f;
  reduce(x) = 0.f;
  reduce(x) += producer(x + r);
  const StageGraph g = build_stage_graph({reduce});
  ASSERT_EQ(g.stages.size(), 3u);
  EXPECT_EQ(g.stages[0].name(), "reduce.update(0)");
  EXPECT_EQ(g.stages[1].name(), "reduce");
  EXPECT_EQ(g.stages[2].name(), "producer");
  // producer feeds the update; the pure definition precedes the update.
  const std::vector<std::pair<int, int>> expected{{1, 0}, {2, 0}};
  EXPECT_EQ(g.edges, expected);
}

TEST(Featurization, SplitAndJoinRoundTrip) {
  std::vector<float> raw(2 * kStageFeatures);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<float>(i);
  const auto* bytes = reinterpret_cast<const uint8_t*>(raw.data());
  const SplitFeatures split = split_featurization({bytes, raw.size() * sizeof(float)});
  EXPECT_EQ(split.num_stages, 2);
  EXPECT_EQ(split.schedule[kScheduleFeatures], static_cast<float>(kStageFeatures));
  EXPECT_EQ(split.algorithm[0], static_cast<float>(kScheduleFeatures));
  EXPECT_EQ(join_featurization(split), raw);
  EXPECT_THROW(split_featurization({bytes, 1000}), std::runtime_error);
}

}  // namespace
}  // namespace gnnperf
