// Floating-point operation counts of ONNX nodes, for reports (`gnnperf import`).
// Multiply-adds count as two; other elementwise work as one per output element.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class NodeProto;
}

namespace gnnperf {

// `input_dims[i]` and `output_dims[i]` are the node's tensor dims in ONNX order (empty
// for omitted optional inputs).
double node_flops(const onnx::NodeProto& node, const std::vector<std::vector<int64_t>>& input_dims,
                  const std::vector<std::vector<int64_t>>& output_dims);

}  // namespace gnnperf
