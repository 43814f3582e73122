#include "training/split.h"

#include <cstdint>

namespace gnnperf {

Split split_of(const std::string& pipeline_name) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : pipeline_name) h = (h ^ c) * 1099511628211ULL;
  const uint64_t bucket = h % 100;
  if (bucket < 70) return Split::kTrain;
  return bucket < 85 ? Split::kValidation : Split::kTest;
}

const char* split_name(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kValidation:
      return "validation";
    default:
      return "test";
  }
}

}  // namespace gnnperf
