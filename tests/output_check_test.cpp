// Comparing a schedule's outputs with the plain schedule's, and the inputs that make
// two schedules' outputs comparable.
#include "measure/output_check.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "collect/reference_outputs.h"
#include "measure/host_target.h"
#include "measure/random_inputs.h"
#include "workloads/registry.h"

namespace gnnperf {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(OutputCheck, MaxRelativeDifferenceByHand) {
  EXPECT_EQ(max_relative_difference(std::vector<double>{1, 2, 3}, {1, 2, 3}), 0);
  // |2.2 - 2| / (1 + 2) and |0.01 - 0| / (1 + 0): the larger is 0.0667.
  EXPECT_NEAR(max_relative_difference(std::vector<double>{1, 2.2, 0.01}, {1, 2, 0}), 0.2 / 3,
              1e-12);
  // Relative for large values: 1001 against 1000 is 1/1001.
  EXPECT_NEAR(max_relative_difference(std::vector<double>{1001}, {1000}), 1.0 / 1001, 1e-12);
  EXPECT_EQ(max_relative_difference(std::vector<double>{kNaN, 1}, {kNaN, 1}), 0);
  EXPECT_EQ(max_relative_difference(std::vector<double>{kNaN}, {1}), kInf);
  EXPECT_EQ(max_relative_difference(std::vector<double>{1}, {kNaN}), kInf);
  EXPECT_EQ(max_relative_difference(std::vector<double>{kInf}, {kInf}), 0);
  EXPECT_EQ(max_relative_difference(std::vector<double>{kInf}, {-kInf}), kInf);
  EXPECT_EQ(max_relative_difference(std::vector<double>{1, 2}, {1}), kInf);
  // Over several outputs, the worst one counts; a missing output is infinitely wrong.
  const OutputValues a{{1, 2}, {10}}, b{{1, 2}, {12}};
  EXPECT_NEAR(max_relative_difference(a, b), 2.0 / 13, 1e-12);
  EXPECT_EQ(max_relative_difference(a, OutputValues{{1, 2}}), kInf);
}

TEST(OutputCheck, ValuesOfConvertsEveryElementInStorageOrder) {
  Halide::Buffer<int16_t> ints(3, 2);
  ints.for_each_element([&](int x, int y) { ints(x, y) = static_cast<int16_t>(x - 10 * y); });
  EXPECT_EQ(values_of(Halide::Buffer<>(ints)), (std::vector<double>{0, 1, 2, -10, -9, -8}));
  Halide::Buffer<bool> flags(2);
  flags(0) = true;
  flags(1) = false;
  EXPECT_EQ(values_of(Halide::Buffer<>(flags)), (std::vector<double>{1, 0}));
}

TEST(RandomInputs, ValuesDependOnCoordinatesNotOnBounds) {
  // A schedule that over-computes asks for a larger input: the elements both buffers
  // hold must be equal.
  Halide::Buffer<float> nominal(8, 4), larger(15, 8);
  larger.set_min(-2, -1);
  fill_random(nominal, 42);
  fill_random(larger, 42);
  bool all_equal = true, all_in_range = true;
  nominal.for_each_element([&](int x, int y) {
    all_equal &= nominal(x, y) == larger(x, y);
    all_in_range &= nominal(x, y) >= -1 && nominal(x, y) < 1;
  });
  EXPECT_TRUE(all_equal);
  EXPECT_TRUE(all_in_range);
  Halide::Buffer<float> other_seed(8, 4);
  fill_random(other_seed, 43);
  EXPECT_NE(other_seed(3, 2), nominal(3, 2));
  EXPECT_NE(nominal(3, 2), nominal(2, 3));
  Halide::Buffer<int32_t> indices(100);
  fill_random(indices, 1);
  bool small = true;
  indices.for_each_value([&](int32_t v) { small &= v >= 0 && v <= 100; });
  EXPECT_TRUE(small);
}

TEST(ReferenceOutputs, ComputedOnceAndLoadedBack) {
  const Workload fc = find_workload("resnet18.fc");
  const OutputValues direct = compute_reference_outputs(fc, host_target());
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].size(), 1000u);
  double sum_squares = 0;
  for (double v : direct[0]) sum_squares += v * v;
  EXPECT_GT(sum_squares, 0);  // random inputs give a non-trivial output

  const std::string dir = testing::TempDir() + "/gnnperf-reference-test";
  std::filesystem::create_directories(dir);
  const ReferenceOutputs references(dir);
  EXPECT_THROW(references.load(fc.name), std::runtime_error);
  references.ensure(fc, host_target());
  EXPECT_EQ(max_relative_difference(references.load(fc.name), direct), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gnnperf
