#include "workloads/workload_factories.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace gnnperf {
namespace {

void require_positive(const std::string& name, std::initializer_list<int> values) {
  for (int v : values) {
    if (v < 1) throw std::invalid_argument("workload '" + name + "': sizes must be positive");
  }
}

// Output extent of a k/2-padded window, validated with the workload's name.
int padded_window(const std::string& name, int size, int kernel, int stride) {
  return window_output_extent(name, size, kernel, stride, kernel / 2);
}

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::kNone:
      return "";
    case Activation::kRelu:
      return " + relu";
    case Activation::kRelu6:
      return " + relu6";
    case Activation::kGelu:
      return " + gelu";
  }
  return "";
}

// A workload whose single input is a (channels, size, size) image.
Workload image_workload(std::string name, std::string family, std::string description, int channels,
                        int size, std::function<Tensor(Graph&, const Tensor&)> f) {
  return make_workload(std::move(name), std::move(family), std::move(description),
                       {{"input", {channels, size, size}}},
                       [f = std::move(f)](Graph& g, const std::vector<Tensor>& in) {
                         return std::vector<Tensor>{f(g, in[0])};
                       });
}

}  // namespace

Workload make_workload(std::string name, std::string family, std::string description,
                       std::vector<InputSpec> inputs, WorkloadBody body) {
  auto build = [inputs = std::move(inputs), body = std::move(body)]() {
    Graph g;
    std::vector<Tensor> tensors;
    for (const InputSpec& spec : inputs) tensors.push_back(g.input(spec.name, spec.shape));
    return g.finish(body(g, tensors));
  };
  return {std::move(name), std::move(family), std::move(description), std::move(build)};
}

Workload conv2d_workload(std::string name, int in_c, int out_c, int size, int kernel, int stride,
                         bool bias_relu) {
  require_positive(name, {in_c, out_c, size});
  const int out = padded_window(name, size, kernel, stride);
  std::string desc =
      fmt::format("conv {}x{}/{} {}->{} @{}x{} -> {}x{}{}", kernel, kernel, stride, in_c, out_c,
                  size, size, out, out, bias_relu ? " + bias + relu" : "");
  return image_workload(std::move(name), kernel == 1 ? "pointwise_conv" : "conv", std::move(desc),
                        in_c, size, [=](Graph& g, const Tensor& in) {
                          Tensor t = conv2d(g, "conv", in, out_c, kernel, stride);
                          return bias_relu ? bias_activation(g, "bias_relu", t, Activation::kRelu)
                                           : t;
                        });
}

Workload depthwise_workload(std::string name, int channels, int size, int kernel, int stride) {
  require_positive(name, {channels, size});
  const int out = padded_window(name, size, kernel, stride);
  std::string desc = fmt::format("depthwise conv {}x{}/{} {} ch @{}x{} -> {}x{}", kernel, kernel,
                                 stride, channels, size, size, out, out);
  return image_workload(std::move(name), "depthwise", std::move(desc), channels, size,
                        [=](Graph& g, const Tensor& in) {
                          return depthwise_conv2d(g, "depthwise", in, kernel, stride);
                        });
}

Workload pool_workload(std::string name, PoolKind kind, int channels, int size, int kernel,
                       int stride, int pad) {
  require_positive(name, {channels, size});
  std::string desc;
  if (kind == PoolKind::kGlobalAvg) {
    desc = fmt::format("global avg pool {} ch @{}x{}", channels, size, size);
  } else {
    const int out = window_output_extent(name, size, kernel, stride, pad);
    desc = fmt::format("{} pool {}x{}/{} pad {} {} ch @{}x{} -> {}x{}",
                       kind == PoolKind::kMax ? "max" : "avg", kernel, kernel, stride, pad,
                       channels, size, size, out, out);
  }
  return image_workload(std::move(name), "pool", std::move(desc), channels, size,
                        [=](Graph& g, const Tensor& in) {
                          switch (kind) {
                            case PoolKind::kMax:
                              return max_pool(g, "pool", in, kernel, stride, pad);
                            case PoolKind::kAvg:
                              return avg_pool(g, "pool", in, kernel, stride, pad);
                            case PoolKind::kGlobalAvg:
                              break;
                          }
                          return global_avg_pool(g, "pool", in);
                        });
}

Workload dense_workload(std::string name, int rows, int in_features, int out_features,
                        Activation act) {
  require_positive(name, {rows, in_features, out_features});
  std::string desc = fmt::format("fully connected {}x{} -> {} + bias{}", rows, in_features,
                                 out_features, activation_name(act));
  return make_workload(std::move(name), "fc", std::move(desc), {{"input", {in_features, rows}}},
                       [=](Graph& g, const std::vector<Tensor>& in) {
                         return std::vector<Tensor>{dense(g, "fc", in[0], out_features, act)};
                       });
}

Workload activation_workload(std::string name, std::vector<int> shape, Activation act) {
  for (int e : shape) require_positive(name, {e});
  std::string desc =
      fmt::format("elementwise{} on {}", activation_name(act), fmt::join(shape, "x"));
  return make_workload(std::move(name), "activation", std::move(desc), {{"input", shape}},
                       [=](Graph& g, const std::vector<Tensor>& in) {
                         return std::vector<Tensor>{activation(g, "act", in[0], act)};
                       });
}

Workload basic_block_workload(std::string name, int in_c, int out_c, int size, int stride) {
  require_positive(name, {in_c, out_c, size});
  padded_window(name, size, 3, stride);
  std::string desc =
      fmt::format("resnet basic block {}->{} @{}x{} stride {}", in_c, out_c, size, size, stride);
  return image_workload(
      std::move(name), "resnet_block", std::move(desc), in_c, size,
      [=](Graph& g, const Tensor& in) { return basic_block(g, in, out_c, stride); });
}

Workload bottleneck_workload(std::string name, int in_c, int mid_c, int out_c, int size,
                             int stride) {
  require_positive(name, {in_c, mid_c, out_c, size});
  padded_window(name, size, 3, stride);
  std::string desc = fmt::format("resnet bottleneck block {}->{}->{} @{}x{} stride {}", in_c, mid_c,
                                 out_c, size, size, stride);
  return image_workload(
      std::move(name), "resnet_block", std::move(desc), in_c, size,
      [=](Graph& g, const Tensor& in) { return bottleneck_block(g, in, mid_c, out_c, stride); });
}

Workload inverted_residual_workload(std::string name, int in_c, int expand, int out_c, int size,
                                    int stride) {
  require_positive(name, {in_c, expand, out_c, size});
  padded_window(name, size, 3, stride);
  std::string desc = fmt::format("inverted residual {}->{}->{} @{}x{} stride {}", in_c,
                                 in_c * expand, out_c, size, size, stride);
  return image_workload(
      std::move(name), "mobilenet_block", std::move(desc), in_c, size,
      [=](Graph& g, const Tensor& in) { return inverted_residual(g, in, expand, out_c, stride); });
}

}  // namespace gnnperf
