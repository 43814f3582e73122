#include "onnx/op_registry.h"

namespace gnnperf {

const OpTable& op_table() {
  static const OpTable table = [] {
    OpTable t;
    register_elementwise_ops(t);
    register_linear_ops(t);
    register_normalization_ops(t);
    register_pooling_ops(t);
    register_shape_ops(t);
    return t;
  }();
  return table;
}

}  // namespace gnnperf
