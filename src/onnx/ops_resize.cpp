// Resize and its predecessor Upsample: nearest and n-linear interpolation on any axes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "onnx/op_registry.h"
#include "onnx/value.h"

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::Var;

// What a Resize computes, whichever op type and opset described it.
struct ResizePlan {
  std::string mode;         // "nearest" or "linear"
  std::string coordinates;  // coordinate_transformation_mode
  std::string rounding;     // nearest_mode; empty for the rule before opset 11
  std::vector<int64_t> out_dims;
  std::vector<double> scales;   // per axis; out / in when the node gives sizes
  std::vector<double> resized;  // the resized lengths the coordinate formulas use
};

void plan_from_scales(const OpContext& ctx, const Value& in, const std::vector<double>& scales,
                      ResizePlan& plan) {
  if (scales.size() != in.dims.size()) {
    ctx.invalid(fmt::format("{} scales for rank {}", scales.size(), in.rank()));
  }
  for (size_t d = 0; d < scales.size(); ++d) {
    if (!(scales[d] > 0)) ctx.invalid(fmt::format("scale {} is not positive", scales[d]));
    // The extent in float arithmetic, as ONNX shape inference (and onnxruntime) compute it.
    const float extent = static_cast<float>(in.dims[d]) * static_cast<float>(scales[d]);
    plan.out_dims.push_back(static_cast<int64_t>(std::floor(extent)));
    plan.scales.push_back(scales[d]);
    // Not the rounded extent: ONNX's reference divides by in * scale, and its tests
    // (test_resize_downsample_scales_linear_align_corners) depend on it.
    plan.resized.push_back(static_cast<double>(in.dims[d]) * scales[d]);
  }
}

void plan_from_sizes(const OpContext& ctx, const Value& in, const std::vector<int64_t>& sizes,
                     ResizePlan& plan) {
  if (sizes.size() != in.dims.size()) {
    ctx.invalid(fmt::format("{} sizes for rank {}", sizes.size(), in.rank()));
  }
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0) ctx.invalid(fmt::format("size {} is negative", sizes[d]));
    if (in.dims[d] == 0 && sizes[d] != 0) ctx.invalid("cannot resize an empty axis");
    plan.out_dims.push_back(sizes[d]);
    plan.scales.push_back(static_cast<double>(sizes[d]) / static_cast<double>(in.dims[d]));
    plan.resized.push_back(static_cast<double>(sizes[d]));
  }
}

// The interpolation mode, which must be one this file builds.
std::string interpolation_mode(const OpContext& ctx) {
  std::string mode = ctx.attr_string("mode", "nearest");
  if (mode != "nearest" && mode != "linear") ctx.unsupported("attribute mode=" + mode);
  return mode;
}

// Upsample (opsets 7-9) and Resize-10: asymmetric coordinates; nearest rounds down when
// enlarging an axis and up when shrinking it, as onnxruntime does and Resize-10's
// tests expect.
ResizePlan plan_legacy(const OpContext& ctx, const Value& in) {
  if (ctx.op_type() == "Upsample" && ctx.opset() < 7) {
    ctx.unsupported("Upsample before opset 7 (attributes height_scale and width_scale)");
  }
  ResizePlan plan;
  plan.mode = interpolation_mode(ctx);
  plan.coordinates = "asymmetric";
  std::vector<double> scales;
  if (ctx.op_type() == "Upsample" && ctx.opset() < 9) {
    const std::vector<float> attr = ctx.attr_floats("scales");
    scales.assign(attr.begin(), attr.end());
  } else {
    scales = ctx.constant_doubles(1);
  }
  plan_from_scales(ctx, in, scales, plan);
  return plan;
}

ResizePlan plan_resize(const OpContext& ctx, const Value& in) {
  ResizePlan plan;
  plan.mode = interpolation_mode(ctx);
  if (ctx.attr_int("antialias", 0) != 0) ctx.unsupported("attribute antialias=1");
  if (ctx.has_attr("axes")) ctx.unsupported("attribute axes");
  const std::string policy = ctx.attr_string("keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch") ctx.unsupported("attribute keep_aspect_ratio_policy=" + policy);
  // cubic_coeff_a, exclude_outside and extrapolation_value only matter to cubic and
  // tf_crop_and_resize: nearest and linear taps outside the input (which
  // exclude_outside would drop) carry the edge value anyway.
  plan.coordinates = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
  const std::string& c = plan.coordinates;
  if (c != "half_pixel" && c != "asymmetric" && c != "align_corners" && c != "pytorch_half_pixel" &&
      c != "tf_half_pixel_for_nn") {
    ctx.unsupported("attribute coordinate_transformation_mode=" + c);
  }
  plan.rounding = ctx.attr_string("nearest_mode", "round_prefer_floor");
  const std::string& r = plan.rounding;
  if (plan.mode == "nearest" && r != "round_prefer_floor" && r != "round_prefer_ceil" &&
      r != "floor" && r != "ceil") {
    ctx.unsupported("attribute nearest_mode=" + r);
  }
  // Opsets 11 and 12 require the scales input, left empty when sizes are given.
  std::vector<double> scales;
  if (ctx.has_input(2)) scales = ctx.constant_doubles(2);
  if (ctx.has_input(3)) {
    if (!scales.empty()) ctx.invalid("both scales and sizes are given");
    plan_from_sizes(ctx, in, ctx.constant_ints(3), plan);
  } else if (!scales.empty()) {
    plan_from_scales(ctx, in, scales, plan);
  } else {
    ctx.invalid("neither scales nor sizes is given");
  }
  return plan;
}

// Whether axis d reads input coordinate x for output coordinate x.
bool is_identity(const ResizePlan& plan, int d) {
  return plan.scales[d] == 1.0 && plan.coordinates != "tf_half_pixel_for_nn";
}

// A literal of the coordinate arithmetic's type: float32 in pipelines, double on the host.
template <typename T>
T literal(double v) {
  if constexpr (std::is_same_v<T, double>) {
    return v;
  } else {
    return Expr(static_cast<float>(v));
  }
}

// The input coordinate that output coordinate x of axis d maps to. T is Expr (float32, as
// onnxruntime computes it) for linear blending, and double for nearest's index tables.
template <typename T>
T source_coordinate(const ResizePlan& plan, int d, int64_t in_extent, const T& x) {
  const T scale = literal<T>(plan.scales[d]);
  const double resized = plan.resized[d];
  const std::string& mode = plan.coordinates;
  if (mode == "half_pixel") return (x + literal<T>(0.5)) / scale - literal<T>(0.5);
  if (mode == "pytorch_half_pixel") {
    return resized > 1 ? (x + literal<T>(0.5)) / scale - literal<T>(0.5) : literal<T>(0);
  }
  if (mode == "align_corners") {
    if (resized == 1) return literal<T>(0);
    return x * literal<T>(static_cast<double>(in_extent - 1)) / literal<T>(resized - 1);
  }
  if (mode == "tf_half_pixel_for_nn") return (x + literal<T>(0.5)) / scale;
  return x / scale;  // asymmetric
}

// The input index nearest_mode picks for output index x of axis d, clamped to the input.
// Computed on the host in double precision, like ONNX's reference: in a pipeline Halide
// turns division by a constant into multiplication by its reciprocal, and a coordinate
// of exactly .5 then rounds the wrong way.
int32_t nearest_index(const ResizePlan& plan, int d, int64_t in_extent, int64_t x) {
  const double c = source_coordinate<double>(plan, d, in_extent, static_cast<double>(x));
  const double below = std::floor(c);
  const double fraction = c - below;
  double chosen;
  if (plan.rounding == "round_prefer_floor") {
    chosen = fraction <= 0.5 ? below : below + 1;
  } else if (plan.rounding == "round_prefer_ceil") {
    chosen = fraction < 0.5 ? below : below + 1;
  } else if (plan.rounding == "floor") {
    chosen = below;
  } else if (plan.rounding == "ceil") {
    chosen = std::ceil(c);
  } else {  // before opset 11
    chosen = plan.scales[d] < 1 ? std::ceil(c) : below;
  }
  return static_cast<int32_t>(std::clamp<double>(chosen, 0, static_cast<double>(in_extent - 1)));
}

// One gather; indices clamp to the input, which is also what ONNX's edge padding gives.
Value resize_nearest(const OpContext& ctx, const Value& in, const ResizePlan& plan) {
  const std::vector<Var> vars = onnx_vars(in.rank());
  std::vector<Expr> index = as_exprs(vars);
  for (int d = 0; d < in.rank(); ++d) {
    if (is_identity(plan, d)) continue;
    HostTensor table = make_host_tensor({plan.out_dims[d]}, Halide::Int(32));
    auto* entries = static_cast<int32_t*>(table.buffer.data());
    for (int64_t x = 0; x < plan.out_dims[d]; ++x) {
      entries[x] = nearest_index(plan, d, in.dims[d], x);
    }
    const Value lookup = constant_value(ctx.func("index_d" + std::to_string(d)), table);
    // Clamped although the table is in range: bounds inference cannot see its values.
    index[d] = Halide::clamp(lookup.at({vars[d]}), 0, static_cast<int>(in.dims[d]) - 1);
  }
  Func out = ctx.func();
  define(out, vars, in.at(index));
  return Value{out, plan.out_dims, in.type, std::nullopt};
}

// Separable: one stage per resized axis, innermost first, each blending the two input
// neighbours of the source coordinate (clamped to the edge) in floating point. Integer
// inputs are blended in float32 and truncated back, like ONNX's reference.
Value resize_linear(const OpContext& ctx, const Value& in, const ResizePlan& plan) {
  const int rank = in.rank();
  const std::vector<Var> vars = onnx_vars(rank);
  std::vector<int> axes;
  for (int d = rank - 1; d >= 0; --d) {
    if (!is_identity(plan, d)) axes.push_back(d);
  }
  if (axes.empty()) {
    Func out = ctx.func();
    define(out, vars, in.at(as_exprs(vars)));
    return Value{out, in.dims, in.type, std::nullopt};
  }
  const Halide::Type math = in.type == Halide::Float(64) ? Halide::Float(64) : Halide::Float(32);
  Value current{in.func, in.dims, in.type, std::nullopt};
  for (size_t k = 0; k < axes.size(); ++k) {
    const int d = axes[k];
    const bool last = k + 1 == axes.size();
    const Expr x = source_coordinate<Expr>(plan, d, in.dims[d], Halide::cast<float>(vars[d]));
    const Expr below = Halide::floor(x);
    const Expr i = Halide::cast<int>(below);
    const Expr w = Halide::cast(math, x - below);
    const int top = static_cast<int>(in.dims[d]) - 1;
    std::vector<Expr> lo = as_exprs(vars);
    std::vector<Expr> hi = lo;
    lo[d] = Halide::clamp(i, 0, top);
    hi[d] = Halide::clamp(i + 1, 0, top);
    const Expr blend =
        Halide::cast(math, current.at(lo)) * (1.0f - w) + Halide::cast(math, current.at(hi)) * w;
    Func stage = last ? ctx.func() : ctx.func("lerp_d" + std::to_string(d));
    define(stage, vars, last ? Halide::cast(in.type, blend) : blend);
    current.func = stage;
    current.dims[d] = plan.out_dims[d];
    current.type = last ? in.type : math;
  }
  return current;
}

std::vector<Value> build_resize(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const ResizePlan plan =
      ctx.op_type() == "Resize" && ctx.opset() >= 11 ? plan_resize(ctx, in) : plan_legacy(ctx, in);
  return {plan.mode == "nearest" ? resize_nearest(ctx, in, plan) : resize_linear(ctx, in, plan)};
}

}  // namespace

void register_resize_ops(OpTable& table) {
  table["Resize"] = build_resize;
  table["Upsample"] = build_resize;
}

}  // namespace gnnperf
