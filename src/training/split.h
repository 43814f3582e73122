// Train/validation/test split by pipeline. A stable hash of the pipeline's name decides,
// so every schedule of a pipeline lands on the same side, in every run and every tool.
#pragma once

#include <string>

namespace gnnperf {

enum class Split { kTrain, kValidation, kTest };

// 70% train, 15% validation, 15% test (by FNV-1a hash of the name, mod 100).
Split split_of(const std::string& pipeline_name);
const char* split_name(Split split);

}  // namespace gnnperf
