// Every metric of src/eval/metrics.h against cases computed by hand.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gnnperf {
namespace {

TEST(Metrics, KendallTauB) {
  EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {40, 30, 20, 10}), -1.0);
  // Pairs: (1,2) C, (1,3) C, (2,3) D -> (2 - 1) / 3.
  EXPECT_NEAR(kendall_tau_b({1, 2, 3}, {1, 3, 2}), 1.0 / 3, 1e-12);
  // A tie in one ranking: pairs (a,b) tied in x; (a,c) C, (b,c) C -> 2 / sqrt(2 * 3).
  EXPECT_NEAR(kendall_tau_b({1, 1, 2}, {1, 2, 3}), 2 / std::sqrt(6.0), 1e-12);
}

TEST(Metrics, PairwiseAccuracy) {
  // Measured 1 < 3 < 2 (by index 0, 2, 1); predicted orders (0,1) right, (0,2) right,
  // (1,2) wrong -> 2/3.
  EXPECT_NEAR(pairwise_accuracy({1, 2, 3}, {1, 3, 2}), 2.0 / 3, 1e-12);
  // A predicted tie counts one half; a measured tie is not a pair.
  EXPECT_NEAR(pairwise_accuracy({1, 1, 2}, {1, 2, 2}), (0.5 + 1) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(pairwise_accuracy({1, 2}, {5, 5}), 0.5);
}

TEST(Metrics, TopKScore) {
  // The model's first pick (predicted 0.5) measured 4; fastest measured 1 -> 1/4.
  const std::vector<double> predicted{0.5, 1, 2, 3, 4, 5, 6};
  const std::vector<double> measured{4, 2, 3, 8, 9, 1, 7};
  EXPECT_DOUBLE_EQ(top_k_score(predicted, measured, 1), 0.25);
  // Its first five picks hold measured 4, 2, 3, 8, 9: best 2 -> 1/2.
  EXPECT_DOUBLE_EQ(top_k_score(predicted, measured, 5), 0.5);
  EXPECT_DOUBLE_EQ(top_k_score(predicted, measured, 7), 1.0);
  EXPECT_DOUBLE_EQ(top_k_score({1, 2}, {3, 6}, 5), 1.0);  // k beyond the schedules
}

TEST(Metrics, AggregatesOverSchedulesAndPipelines) {
  const Metrics m = compute_metrics({{{1.1, 2.0, 2.5}, {1.0, 2.0, 5.0}}, {{3.0}, {4.0}}});
  EXPECT_EQ(m.schedules, 4);
  EXPECT_NEAR(m.mape, (0.1 + 0.0 + 0.5 + 0.25) / 4, 1e-12);
  EXPECT_NEAR(m.median_ape, (0.1 + 0.25) / 2, 1e-12);
  const double l1 = std::log(1.1), l3 = std::log(0.5), l4 = std::log(0.75);
  EXPECT_NEAR(m.rmse_log, std::sqrt((l1 * l1 + l3 * l3 + l4 * l4) / 4), 1e-12);
  EXPECT_EQ(m.pipelines, 1);  // the single-schedule pipeline has no order
  EXPECT_DOUBLE_EQ(m.kendall_tau, 1.0);
  EXPECT_DOUBLE_EQ(m.pairwise_acc, 1.0);
  EXPECT_DOUBLE_EQ(m.top1_score, 1.0);
  EXPECT_DOUBLE_EQ(m.top5_score, 1.0);
  const Metrics wrong_pick = compute_metrics({{{2.0, 1.0}, {1.0, 4.0}}});
  EXPECT_DOUBLE_EQ(wrong_pick.top1_score, 0.25);
  EXPECT_DOUBLE_EQ(wrong_pick.pairwise_acc, 0.0);
  EXPECT_DOUBLE_EQ(wrong_pick.kendall_tau, -1.0);
}

TEST(Metrics, RankingOnlyModelsHaveNoAbsoluteErrors) {
  const auto j = to_json(compute_metrics({{{1, 2}, {1, 2}}}), /*absolute=*/false);
  EXPECT_TRUE(j["mape"].is_null());
  EXPECT_TRUE(j["rmse_log"].is_null());
  EXPECT_DOUBLE_EQ(j["kendall_tau"].get<double>(), 1.0);
}

}  // namespace
}  // namespace gnnperf
