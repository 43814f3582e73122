#include "onnx/flops.h"

#include <onnx/onnx_pb.h>

namespace gnnperf {
namespace {

double elements(const std::vector<int64_t>& dims) {
  double n = 1;
  for (int64_t d : dims) n *= static_cast<double>(d);
  return n;
}

// Product of dims[from:].
double tail(const std::vector<int64_t>& dims, size_t from) {
  double n = 1;
  for (size_t i = from; i < dims.size(); ++i) n *= static_cast<double>(dims[i]);
  return n;
}

std::vector<int64_t> ints_attr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  }
  return {};
}

int64_t int_attr(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.i();
  }
  return fallback;
}

}  // namespace

double node_flops(const onnx::NodeProto& node, const std::vector<std::vector<int64_t>>& in,
                  const std::vector<std::vector<int64_t>>& out) {
  const std::string& op = node.op_type();
  const double out_elements = out.empty() ? 0 : elements(out[0]);
  auto input = [&](size_t i) { return i < in.size() ? in[i] : std::vector<int64_t>{}; };
  if (op == "Conv") return 2 * out_elements * tail(input(1), 1);  // W: M x C/group x k...
  if (op == "ConvTranspose") return 2 * elements(input(0)) * tail(input(1), 1);
  if (op == "MatMul") {
    const auto a = input(0);
    return 2 * out_elements * static_cast<double>(a.empty() ? 1 : a.back());
  }
  if (op == "Gemm") {
    const auto a = input(0);
    const int64_t k = a.size() == 2 ? a[int_attr(node, "transA", 0) ? 0 : 1] : 1;
    return 2 * out_elements * static_cast<double>(k);
  }
  if (op == "MaxPool" || op == "AveragePool") {
    double window = 1;
    for (int64_t k : ints_attr(node, "kernel_shape")) window *= static_cast<double>(k);
    return out_elements * window;
  }
  if (op.starts_with("Global") || op.starts_with("Reduce")) return elements(input(0));
  if (op.find("Normalization") != std::string::npos || op.find("Softmax") != std::string::npos) {
    return 5 * elements(input(0));  // mean, variance (or max, sum), then scale
  }
  return out_elements;
}

}  // namespace gnnperf
