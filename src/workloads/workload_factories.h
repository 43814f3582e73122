// Factories that wrap layers and blocks into Workloads. Shapes are validated when the
// factory is called (std::invalid_argument naming the workload), so a bad table entry or a
// bad request fails at once rather than at build time.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "workloads/blocks.h"
#include "workloads/layers.h"
#include "workloads/workload.h"

namespace gnnperf {

struct InputSpec {
  std::string name;
  std::vector<int> shape;
};

// Maps the pipeline's input tensors (in InputSpec order) to its output tensors.
using WorkloadBody = std::function<std::vector<Tensor>(Graph&, const std::vector<Tensor>&)>;

// The general factory the others use: float32 inputs, weights as further inputs.
Workload make_workload(std::string name, std::string family, std::string description,
                       std::vector<InputSpec> inputs, WorkloadBody body);

// k x k conv of a (in_c, size, size) image, zero padding k/2, optionally followed by bias
// and relu. Family "pointwise_conv" when k == 1, else "conv".
Workload conv2d_workload(std::string name, int in_c, int out_c, int size, int kernel, int stride,
                         bool bias_relu = false);

// k x k depthwise conv of a (channels, size, size) image; family "depthwise".
Workload depthwise_workload(std::string name, int channels, int size, int kernel, int stride);

enum class PoolKind { kMax, kAvg, kGlobalAvg };

// Pooling of a (channels, size, size) image (kernel/stride/pad unused for kGlobalAvg);
// family "pool".
Workload pool_workload(std::string name, PoolKind kind, int channels, int size, int kernel = 1,
                       int stride = 1, int pad = 0);

// Fully connected layer on `rows` rows of in_features, with bias and `act`; family "fc".
Workload dense_workload(std::string name, int rows, int in_features, int out_features,
                        Activation act);

// Elementwise activation on a tensor of the given shape; family "activation".
Workload activation_workload(std::string name, std::vector<int> shape, Activation act);

// ResNet / MobileNetV2 blocks on a (in_c, size, size) image (see blocks.h).
Workload basic_block_workload(std::string name, int in_c, int out_c, int size, int stride);
Workload bottleneck_workload(std::string name, int in_c, int mid_c, int out_c, int size,
                             int stride);
Workload inverted_residual_workload(std::string name, int in_c, int expand, int out_c, int size,
                                    int stride);

}  // namespace gnnperf
