// Conv, ConvTranspose, Gemm and MatMul: sums of products over an RDom, accumulated in the
// element type. Convolutions read their input through a padded stage (spread out by the
// strides, for ConvTranspose) and support any number of spatial axes and groups.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "onnx/onnx_error.h"
#include "onnx/op_registry.h"
#include "onnx/window.h"

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::Var;

// X (N, C, spatial...) and W of the same type and rank, as both convolutions take them.
void check_conv_operands(const OpContext& ctx, const Value& x, const Value& w) {
  require_type(ctx, x.type, false);
  if (w.type != x.type) ctx.invalid("X and W differ in type");
  if (x.rank() < 3 || w.rank() != x.rank()) {
    ctx.invalid(
        fmt::format("X [{}] and W [{}] are not (N, C, spatial...) and a kernel of the "
                    "same rank",
                    fmt::join(x.dims, ","), fmt::join(w.dims, ",")));
  }
}

// A kernel_shape attribute is optional, but when present it must agree with W.
void check_kernel_shape(const OpContext& ctx, const std::vector<int64_t>& kernel) {
  if (ctx.has_attr("kernel_shape") && ctx.attr_ints("kernel_shape") != kernel) {
    ctx.invalid(fmt::format("attribute kernel_shape=[{}] differs from W's kernel [{}]",
                            fmt::join(ctx.attr_ints("kernel_shape"), ","), fmt::join(kernel, ",")));
  }
}

// The optional bias input 2: one value per output channel.
const Value* bias_input(const OpContext& ctx, int64_t channels) {
  if (!ctx.has_input(2)) return nullptr;
  const Value& b = ctx.input(2);
  if (b.dims != std::vector<int64_t>{channels} || b.type != ctx.input(0).type) {
    ctx.invalid(fmt::format("bias [{}] of type {} does not match {} output channels of type {}",
                            fmt::join(b.dims, ","), halide_type_name(b.type), channels,
                            halide_type_name(ctx.input(0).type)));
  }
  return &b;
}

// The input channel that reduction channel rc reads for output channel m when the
// channels are split into `group` groups.
Expr group_channel(const Var& m, const Expr& rc, int64_t group, int64_t m_per_group,
                   int64_t c_per_group) {
  if (group == 1) return rc;
  const Expr g = m_per_group == 1 ? Expr(m) : m / static_cast<int>(m_per_group);
  return c_per_group == 1 ? g : g * static_cast<int>(c_per_group) + rc;
}

// The extents a convolution reduces over: the group's input channels, then the kernel.
std::vector<int64_t> conv_extents(int64_t c_per_group, const std::vector<int64_t>& kernel) {
  std::vector<int64_t> extents = {c_per_group};
  extents.insert(extents.end(), kernel.begin(), kernel.end());
  return extents;
}

std::vector<Value> build_conv(const OpContext& ctx) {
  const Value& x = ctx.input(0);
  const Value& w = ctx.input(1);
  check_conv_operands(ctx, x, w);
  const int64_t group = ctx.attr_int("group", 1);
  const int64_t channels = x.dims[1], out_channels = w.dims[0];
  if (group < 1 || channels % group != 0 || out_channels % group != 0 ||
      w.dims[1] != channels / group) {
    ctx.invalid(fmt::format("group {} does not fit {} input channels and W [{}]", group, channels,
                            fmt::join(w.dims, ",")));
  }
  const std::vector<int64_t> kernel(w.dims.begin() + 2, w.dims.end());
  check_kernel_shape(ctx, kernel);
  const std::vector<WindowAxis> axes =
      window_axes(ctx, std::vector<int64_t>(x.dims.begin() + 2, x.dims.end()), kernel);
  const Value* bias = bias_input(ctx, out_channels);
  const Value src = padded_input(ctx, x, axes, Expr(0));

  // out(n, m, o...) = bias(m) + sum over c, k... of W(m, c, k...) * X(n, channel, window).
  const std::vector<Var> v = onnx_vars(x.rank());
  const int64_t c_per_group = w.dims[1];
  Func out = ctx.func();
  const Reduction r = make_reduction(conv_extents(c_per_group, kernel), out.name() + "_r");
  std::vector<Expr> x_index = {
      v[0], group_channel(v[1], r.index[0], group, out_channels / group, c_per_group)};
  std::vector<Expr> w_index = {v[1], r.index[0]};
  std::vector<int64_t> dims = {x.dims[0], out_channels};
  for (size_t i = 0; i < axes.size(); ++i) {
    x_index.push_back(axes[i].position(v[i + 2], r.index[i + 1]));
    w_index.push_back(r.index[i + 1]);
    dims.push_back(axes[i].out);
  }
  const Expr term = src.at(x_index) * w.at(w_index);
  const Expr init = bias ? bias->at({v[1]}) : Halide::cast(x.type, 0);
  define_reduction(out, v, init, r, [&](const Expr& acc) { return acc + term; });
  return {Value{out, dims, x.type, std::nullopt}};
}

// ConvTranspose as a gather: output position o is position o + pad_begin of the full
// result, where input position i lands at i * stride + k * dilation for each tap k.
struct TransposedAxis {
  int64_t in, kernel, stride, dilation, pad_begin, out;
};

std::vector<TransposedAxis> transposed_axes(const OpContext& ctx, const Value& x,
                                            const std::vector<int64_t>& kernel) {
  const size_t n = kernel.size();
  const std::vector<int64_t> strides = spatial_ints(ctx, "strides", n, 1, 1);
  const std::vector<int64_t> dilations = spatial_ints(ctx, "dilations", n, 1, 1);
  const std::vector<int64_t> output_padding = spatial_ints(ctx, "output_padding", n, 0, 0);
  const std::vector<int64_t> pads = spatial_ints(ctx, "pads", 2 * n, 0, 0);
  std::vector<int64_t> output_shape = ctx.attr_ints("output_shape");
  // Some exporters spell out N and C too.
  if (output_shape.size() == n + 2) {
    output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  }
  if (!output_shape.empty() && output_shape.size() != n) {
    ctx.invalid(fmt::format("attribute output_shape=[{}] does not have {} spatial entries",
                            fmt::join(output_shape, ","), n));
  }
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  if (!same && auto_pad != "NOTSET" && auto_pad != "VALID") {
    ctx.invalid(fmt::format("attribute auto_pad={} is unknown", auto_pad));
  }

  std::vector<TransposedAxis> axes(n);
  for (size_t i = 0; i < n; ++i) {
    TransposedAxis& a = axes[i];
    a.in = x.dims[i + 2];
    a.kernel = kernel[i];
    a.stride = strides[i];
    a.dilation = dilations[i];
    const int64_t span = (a.kernel - 1) * a.dilation + 1;
    const int64_t full = a.stride * (a.in - 1) + output_padding[i] + span;
    int64_t pad_end = 0;
    if (!output_shape.empty()) {
      // Pads from the requested extent; a negative total (a larger output) is not
      // padding but zeros appended at the end, as onnxruntime does.
      a.out = output_shape[i];
      const int64_t total = std::max<int64_t>(0, full - a.out);
      a.pad_begin = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pad_end = total - a.pad_begin;
    } else if (same) {
      // As ONNX shape inference does: out = in * stride unless the kernel is shorter
      // than the stride.
      const int64_t total = std::max<int64_t>(0, span - a.stride);
      a.pad_begin = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pad_end = total - a.pad_begin;
    } else if (auto_pad == "NOTSET") {
      a.pad_begin = pads[i];
      pad_end = pads[i + n];
    }
    if (output_shape.empty()) a.out = full - a.pad_begin - pad_end;
    if (a.out < 1) ctx.invalid(fmt::format("output extent {} is not positive", a.out));
  }
  return axes;
}

// X spread out by the strides with zeros between and around: input position i sits at
// i * stride, so the transposed convolution reads it like a plain convolution.
Value spread_input(const OpContext& ctx, const Value& x, const std::vector<TransposedAxis>& axes) {
  const std::vector<Var> v = onnx_vars(x.rank());
  std::vector<Expr> index = as_exprs(v);
  Expr inside;
  for (size_t i = 0; i < axes.size(); ++i) {
    const TransposedAxis& a = axes[i];
    const Var& j = v[i + 2];
    const int stride = static_cast<int>(a.stride);
    const int64_t lowest = a.pad_begin - (a.kernel - 1) * a.dilation;
    const int64_t highest = a.out - 1 + a.pad_begin;
    if (stride == 1 && lowest >= 0 && highest < a.in) continue;
    Expr on_input = j >= 0 && j <= static_cast<int>((a.in - 1) * a.stride);
    if (stride > 1) on_input = on_input && j % stride == 0;
    index[i + 2] = Halide::clamp(stride > 1 ? j / stride : Expr(j), 0, static_cast<int>(a.in) - 1);
    inside = inside.defined() ? (inside && on_input) : on_input;
  }
  if (!inside.defined()) return x;
  Func f = ctx.func("pad");
  define(f, v, Halide::select(inside, x.at(index), Halide::cast(x.type, 0)));
  return Value{f, x.dims, x.type, std::nullopt};
}

std::vector<Value> build_conv_transpose(const OpContext& ctx) {
  const Value& x = ctx.input(0);
  const Value& w = ctx.input(1);
  check_conv_operands(ctx, x, w);
  const int64_t group = ctx.attr_int("group", 1);
  const int64_t channels = x.dims[1];
  if (group < 1 || channels % group != 0 || w.dims[0] != channels) {
    ctx.invalid(fmt::format("group {} does not fit {} input channels and W [{}]", group, channels,
                            fmt::join(w.dims, ",")));
  }
  const int64_t c_per_group = channels / group, m_per_group = w.dims[1];
  const int64_t out_channels = m_per_group * group;
  const std::vector<int64_t> kernel(w.dims.begin() + 2, w.dims.end());
  check_kernel_shape(ctx, kernel);
  const std::vector<TransposedAxis> axes = transposed_axes(ctx, x, kernel);
  const Value* bias = bias_input(ctx, out_channels);
  const Value src = spread_input(ctx, x, axes);

  // out(n, m, o...) = bias(m) + sum over c, k... of spread(n, channel, o + pad - k * dilation)
  // * W(channel, m within its group, k...).
  const std::vector<Var> v = onnx_vars(x.rank());
  Func out = ctx.func();
  const Reduction r = make_reduction(conv_extents(c_per_group, kernel), out.name() + "_r");
  const Expr channel = group_channel(v[1], r.index[0], group, m_per_group, c_per_group);
  const Expr m_in_group = group == 1 ? Expr(v[1]) : v[1] % static_cast<int>(m_per_group);
  std::vector<Expr> x_index = {v[0], channel};
  std::vector<Expr> w_index = {channel, m_in_group};
  std::vector<int64_t> dims = {x.dims[0], out_channels};
  for (size_t i = 0; i < axes.size(); ++i) {
    const TransposedAxis& a = axes[i];
    const Expr& k = r.index[i + 1];
    Expr p = a.pad_begin == 0 ? Expr(v[i + 2]) : v[i + 2] + static_cast<int>(a.pad_begin);
    if (a.kernel > 1) p = p - (a.dilation == 1 ? k : k * static_cast<int>(a.dilation));
    x_index.push_back(p);
    w_index.push_back(k);
    dims.push_back(a.out);
  }
  const Expr term = src.at(x_index) * w.at(w_index);
  const Expr init = bias ? bias->at({v[1]}) : Halide::cast(x.type, 0);
  define_reduction(out, v, init, r, [&](const Expr& acc) { return acc + term; });
  return {Value{out, dims, x.type, std::nullopt}};
}

// Y = alpha * A' * B' + beta * C, with A' and B' optionally transposed and C broadcast to
// (M, N). The accumulation starts from beta * C, so it is one stage.
std::vector<Value> build_gemm(const OpContext& ctx) {
  const Value& a = ctx.input(0);
  const Value& b = ctx.input(1);
  require_type(ctx, a.type, false);
  if (b.type != a.type) ctx.invalid("A and B differ in type");
  if (a.rank() != 2 || b.rank() != 2) {
    ctx.invalid(fmt::format("A [{}] and B [{}] are not matrices", fmt::join(a.dims, ","),
                            fmt::join(b.dims, ",")));
  }
  const bool trans_a = ctx.attr_int("transA", 0) != 0;
  const bool trans_b = ctx.attr_int("transB", 0) != 0;
  const int64_t m = a.dims[trans_a ? 1 : 0], k = a.dims[trans_a ? 0 : 1];
  const int64_t n = b.dims[trans_b ? 0 : 1];
  if (b.dims[trans_b ? 1 : 0] != k) {
    ctx.invalid(fmt::format("A [{}] and B [{}] disagree on K", fmt::join(a.dims, ","),
                            fmt::join(b.dims, ",")));
  }
  const float alpha = ctx.attr_float("alpha", 1.0f);
  const float beta = ctx.attr_float("beta", 1.0f);
  const std::vector<int64_t> dims = {m, n};
  const std::vector<Var> v = onnx_vars(2);

  Expr init = Halide::cast(a.type, 0);
  if (ctx.has_input(2)) {
    const Value& c = ctx.input(2);
    bool broadcasts = c.type == a.type && c.rank() <= 2;
    for (int i = 0; broadcasts && i < c.rank(); ++i) {
      // Broadcasting aligns C's axes with the output's last ones.
      const int64_t target =
          dims[dims.size() - static_cast<size_t>(c.rank()) + static_cast<size_t>(i)];
      broadcasts = c.dims[static_cast<size_t>(i)] == 1 || c.dims[static_cast<size_t>(i)] == target;
    }
    if (!broadcasts) {
      ctx.invalid(fmt::format("C [{}] of type {} does not broadcast to [{},{}] of type {}",
                              fmt::join(c.dims, ","), halide_type_name(c.type), m, n,
                              halide_type_name(a.type)));
    }
    init = broadcast_at(c, v);
    if (beta != 1.0f) init = init * Halide::cast(a.type, beta);
  }

  Func out = ctx.func();
  const Reduction r = make_reduction({k}, out.name() + "_r");
  const Expr& rk = r.index[0];
  Expr a_ik = trans_a ? a.at({rk, v[0]}) : a.at({v[0], rk});
  if (alpha != 1.0f) a_ik = a_ik * Halide::cast(a.type, alpha);
  const Expr b_kj = trans_b ? b.at({v[1], rk}) : b.at({rk, v[1]});
  define_reduction(out, v, init, r, [&](const Expr& acc) { return acc + a_ik * b_kj; });
  return {Value{out, dims, a.type, std::nullopt}};
}

// The batch part of a MatMul operand's index: its batch axes align with the last of the
// output's nb batch axes, and its extent-1 axes broadcast.
std::vector<Expr> batch_index(const std::vector<int64_t>& batch, const std::vector<Var>& v,
                              size_t nb) {
  std::vector<Expr> index;
  const size_t skip = nb - batch.size();
  for (size_t i = 0; i < batch.size(); ++i) {
    index.push_back(batch[i] == 1 ? Expr(0) : Expr(v[skip + i]));
  }
  return index;
}

// Numpy matmul: a 1-D A is a row (1, K) and a 1-D B a column (K, 1), the added axis
// dropped from the result; the leading batch axes broadcast.
std::vector<Value> build_matmul(const OpContext& ctx) {
  const Value& a = ctx.input(0);
  const Value& b = ctx.input(1);
  require_type(ctx, a.type, true);
  if (b.type != a.type) ctx.invalid("A and B differ in type");
  if (a.rank() < 1 || b.rank() < 1) ctx.invalid("an operand is a scalar");
  const int64_t k = a.dims.back();
  if (b.dims[static_cast<size_t>(std::max(b.rank() - 2, 0))] != k) {
    ctx.invalid(fmt::format("A [{}] and B [{}] disagree on K", fmt::join(a.dims, ","),
                            fmt::join(b.dims, ",")));
  }
  const std::vector<int64_t> a_batch(a.dims.begin(), a.dims.end() - std::min(a.rank(), 2));
  const std::vector<int64_t> b_batch(b.dims.begin(), b.dims.end() - std::min(b.rank(), 2));
  std::vector<int64_t> dims;
  try {
    dims = broadcast_dims(a_batch, b_batch);
  } catch (const OnnxError& e) {
    ctx.invalid(fmt::format("batch axes: {}", e.what()));
  }
  const size_t nb = dims.size();
  if (a.rank() >= 2) dims.push_back(a.dims[a.dims.size() - 2]);
  if (b.rank() >= 2) dims.push_back(b.dims.back());

  const std::vector<Var> v = onnx_vars(static_cast<int>(dims.size()));
  Func out = ctx.func();
  const Reduction r = make_reduction({k}, out.name() + "_r");
  std::vector<Expr> a_index = batch_index(a_batch, v, nb);
  std::vector<Expr> b_index = batch_index(b_batch, v, nb);
  size_t next = nb;
  if (a.rank() >= 2) a_index.push_back(v[next++]);
  a_index.push_back(r.index[0]);
  b_index.push_back(r.index[0]);
  if (b.rank() >= 2) b_index.push_back(v[next++]);
  const Expr term = a.at(a_index) * b.at(b_index);
  define_reduction(out, v, Halide::cast(a.type, 0), r, [&](const Expr& acc) { return acc + term; });
  return {Value{out, dims, a.type, std::nullopt}};
}

}  // namespace

void register_linear_ops(OpTable& table) {
  table["Conv"] = build_conv;
  table["ConvTranspose"] = build_conv_transpose;
  table["Gemm"] = build_gemm;
  table["MatMul"] = build_matmul;
}

}  // namespace gnnperf
