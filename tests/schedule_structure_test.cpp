// The schedule-source facts of features/schedule_structure.h, on a source in the form
// Adams2019 writes.
#include "features/schedule_structure.h"

#include <gtest/gtest.h>

namespace gnnperf {
namespace {

const char* kSource = R"(Func out = pipeline.get_func(3);
Func pool = pipeline.get_func(2);
Func pad = pipeline.get_func(1);
Var c(out.get_schedule().dims()[0].var);
Var ci("ci");
RVar pool_r_x(pool.update(0).get_schedule().dims()[0].var);
RVar pool_r_y(pool.update(0).get_schedule().dims()[1].var);
out
    .split(c, c, ci, 16, TailStrategy::GuardWithIf)
    .vectorize(ci)
    .compute_root();
pool
    .split(c, c, ci, 16, TailStrategy::RoundUp)
    .vectorize(ci)
    .compute_at(out, c)
    .reorder_storage(y, c, x);
pool.update(0)
    .split(c, c, ci, 64, TailStrategy::GuardWithIf)
    .vectorize(ci)
    .reorder({ci, pool_r_x, c, pool_r_y});
pad
    .store_in(MemoryType::Stack)
    .split(c, c, ci, 16, TailStrategy::ShiftInwards)
    .vectorize(ci)
    .compute_at(pool, pool_r_y)
    .store_at(pool, c);
)";

TEST(ScheduleStructure, ReadsEachStagesFactsFromTheSource) {
  const auto f = schedule_structure(kSource, {"out", "pool", "pool.update(0)", "pad", "inlined"});
  ASSERT_EQ(f.size(), 5u * kStructureFeatures);
  auto fact = [&](int stage, StructureFeature which) {
    return f[stage * kStructureFeatures + static_cast<int>(which)];
  };
  using S = StructureFeature;
  EXPECT_EQ(fact(0, S::kGuardedVectorTail), 1);
  EXPECT_EQ(fact(0, S::kComputedAtReductionLoop), 0);  // compute_root
  EXPECT_EQ(fact(1, S::kGuardedVectorTail), 0);        // RoundUp
  EXPECT_EQ(fact(1, S::kComputedAtReductionLoop), 0);  // at a pure loop
  EXPECT_EQ(fact(1, S::kReorderedStorage), 1);
  EXPECT_EQ(fact(2, S::kGuardedVectorTail), 1);  // the update's own split
  EXPECT_EQ(fact(2, S::kReorderedStorage), 1);   // a Func-level fact marks every stage
  EXPECT_EQ(fact(3, S::kComputedAtReductionLoop), 1);
  EXPECT_EQ(fact(3, S::kStoredOutsideCompute), 1);
  EXPECT_EQ(fact(3, S::kGuardedVectorTail), 0);
  for (int k = 0; k < kStructureFeatures; ++k) EXPECT_EQ(f[4 * kStructureFeatures + k], 0);
}

}  // namespace
}  // namespace gnnperf
