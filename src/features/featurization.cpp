#include "features/featurization.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace gnnperf {

SplitFeatures split_featurization(std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes.size() % kStageBytes != 0) {
    throw std::runtime_error("featurization of " + std::to_string(bytes.size()) +
                             " bytes is not a whole number of " + std::to_string(kStageBytes) +
                             "-byte stages");
  }
  SplitFeatures out;
  out.num_stages = static_cast<int>(bytes.size() / kStageBytes);
  out.schedule.resize(static_cast<size_t>(out.num_stages) * kScheduleFeatures);
  out.algorithm.resize(static_cast<size_t>(out.num_stages) * kAlgorithmFeatures);
  for (int s = 0; s < out.num_stages; ++s) {
    const uint8_t* stage = bytes.data() + static_cast<size_t>(s) * kStageBytes;
    std::memcpy(&out.schedule[static_cast<size_t>(s) * kScheduleFeatures], stage,
                kScheduleFeatures * sizeof(float));
    std::memcpy(&out.algorithm[static_cast<size_t>(s) * kAlgorithmFeatures],
                stage + kScheduleFeatures * sizeof(float), kAlgorithmFeatures * sizeof(float));
  }
  return out;
}

std::vector<float> join_featurization(const SplitFeatures& features) {
  std::vector<float> out;
  out.reserve(static_cast<size_t>(features.num_stages) * kStageFeatures);
  for (int s = 0; s < features.num_stages; ++s) {
    auto sched = features.schedule.begin() + static_cast<ptrdiff_t>(s) * kScheduleFeatures;
    auto algo = features.algorithm.begin() + static_cast<ptrdiff_t>(s) * kAlgorithmFeatures;
    out.insert(out.end(), sched, sched + kScheduleFeatures);
    out.insert(out.end(), algo, algo + kAlgorithmFeatures);
  }
  return out;
}

}  // namespace gnnperf
