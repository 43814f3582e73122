// Pooling and reductions: MaxPool and AveragePool slide a window over the spatial axes
// (read through a padded stage); GlobalAveragePool, GlobalMaxPool and Reduce* fold whole
// axes with one RDom.
#include <fmt/format.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "onnx/op_registry.h"
#include "onnx/window.h"

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::Var;

// The window of a MaxPool or AveragePool over x (N, C, spatial...).
std::vector<WindowAxis> pool_axes(const OpContext& ctx, const Value& x) {
  if (x.rank() < 3) {
    ctx.invalid(fmt::format("input [{}] is not (N, C, spatial...)", fmt::join(x.dims, ",")));
  }
  if (!ctx.has_attr("kernel_shape")) ctx.invalid("attribute kernel_shape is missing");
  const std::vector<int64_t> in(x.dims.begin() + 2, x.dims.end());
  return window_axes(ctx, in, spatial_ints(ctx, "kernel_shape", in.size(), 1, 1));
}

// A pool's reduction (over the kernel taps), the index of x that output position v reads
// at each tap, and the output dims.
struct PoolWindow {
  Reduction r;
  std::vector<Expr> index;
  std::vector<int64_t> dims;
};

PoolWindow pool_window(const Value& x, const std::vector<WindowAxis>& axes,
                       const std::vector<Var>& v, const std::string& rdom_name) {
  std::vector<int64_t> kernel;
  kernel.reserve(axes.size());
  for (const WindowAxis& a : axes) kernel.push_back(a.kernel);
  PoolWindow w{make_reduction(kernel, rdom_name), {v[0], v[1]}, {x.dims[0], x.dims[1]}};
  for (size_t i = 0; i < axes.size(); ++i) {
    w.index.push_back(axes[i].position(v[i + 2], w.r.index[i]));
    w.dims.push_back(axes[i].out);
  }
  return w;
}

std::vector<Value> build_max_pool(const OpContext& ctx) {
  if (ctx.num_outputs() > 1) ctx.unsupported("output Indices");
  const Value& x = ctx.input(0);
  require_type(ctx, x.type, true);
  const std::vector<WindowAxis> axes = pool_axes(ctx, x);
  const Value src = padded_input(ctx, x, axes, x.type.min());
  const std::vector<Var> v = onnx_vars(x.rank());
  Func out = ctx.func();
  const PoolWindow w = pool_window(x, axes, v, out.name() + "_r");
  const Expr value = src.at(w.index);
  define_reduction(out, v, x.type.min(), w.r,
                   [&](const Expr& acc) { return Halide::max(acc, value); });
  return {Value{out, w.dims, x.type, std::nullopt}};
}

// How many of axis a's taps at output position o read positions in [lo, hi].
Expr taps_within(const WindowAxis& a, const Var& o, int64_t lo, int64_t hi) {
  if (-a.pad_begin >= lo && a.last_read() <= hi) return static_cast<int>(a.kernel);
  // Taps k with lo <= start + k * dilation <= hi; Halide's division rounds down.
  const int d = static_cast<int>(a.dilation);
  const Expr start = a.start(o);
  const Expr first = Halide::max((static_cast<int>(lo) - start + (d - 1)) / d, 0);
  const Expr last = Halide::min((static_cast<int>(hi) - start) / d, static_cast<int>(a.kernel) - 1);
  return Halide::max(last - first + 1, 0);
}

// The sum of the window's taps, divided by how many of them lie inside the input (or,
// with count_include_pad, inside the padded input).
std::vector<Value> build_average_pool(const OpContext& ctx) {
  const Value& x = ctx.input(0);
  require_type(ctx, x.type, false);
  const std::vector<WindowAxis> axes = pool_axes(ctx, x);
  const bool include_pad = ctx.attr_int("count_include_pad", 0) != 0;
  const Value src = padded_input(ctx, x, axes, Expr(0));
  const std::vector<Var> v = onnx_vars(x.rank());

  Func sum = ctx.func("sum");
  const PoolWindow w = pool_window(x, axes, v, sum.name() + "_r");
  const Expr value = src.at(w.index);
  define_reduction(sum, v, Halide::cast(x.type, 0), w.r,
                   [&](const Expr& acc) { return acc + value; });

  Expr count;
  for (size_t i = 0; i < axes.size(); ++i) {
    const WindowAxis& a = axes[i];
    const Expr taps = include_pad ? taps_within(a, v[i + 2], -a.pad_begin, a.in + a.pad_end - 1)
                                  : taps_within(a, v[i + 2], 0, a.in - 1);
    count = count.defined() ? count * taps : taps;
  }
  Func out = ctx.func();
  const Value summed{sum, w.dims, x.type, std::nullopt};
  define(out, v, summed.at(as_exprs(v)) / Halide::cast(x.type, count));
  return {Value{out, w.dims, x.type, std::nullopt}};
}

enum class Reducer { kSum, kMean, kMax, kMin, kProd };

// x reduced over the axes flagged in `reduced`, which keepdims keeps as extent-1 axes.
// A mean sums into the stage ctx.func("sum") and divides in the main one.
Value reduce(const OpContext& ctx, const Value& x, const std::vector<bool>& reduced, bool keepdims,
             Reducer kind) {
  std::vector<int64_t> dims, extents;
  for (int a = 0; a < x.rank(); ++a) {
    if (reduced[a]) extents.push_back(x.dims[a]);
    if (!reduced[a] || keepdims) dims.push_back(reduced[a] ? 1 : x.dims[a]);
  }
  const std::vector<Var> v = onnx_vars(static_cast<int>(dims.size()));
  Func acc = ctx.func(kind == Reducer::kMean ? "sum" : "");
  const Reduction r = make_reduction(extents, acc.name() + "_r");
  std::vector<Expr> index;
  size_t next_var = 0, next_r = 0;
  for (int a = 0; a < x.rank(); ++a) {
    if (reduced[a]) {
      index.push_back(r.index[next_r++]);
      if (keepdims) ++next_var;
    } else {
      index.push_back(v[next_var++]);
    }
  }
  const Expr value = x.at(index);

  Expr init;
  std::function<Expr(const Expr&)> combine;
  switch (kind) {
    case Reducer::kSum:
    case Reducer::kMean:
      init = Halide::cast(x.type, 0);
      combine = [&](const Expr& a) { return a + value; };
      break;
    case Reducer::kMax:
      init = x.type.min();
      combine = [&](const Expr& a) { return Halide::max(a, value); };
      break;
    case Reducer::kMin:
      init = x.type.max();
      combine = [&](const Expr& a) { return Halide::min(a, value); };
      break;
    case Reducer::kProd:
      init = Halide::cast(x.type, 1);
      combine = [&](const Expr& a) { return a * value; };
      break;
  }
  define_reduction(acc, v, init, r, combine);
  if (kind != Reducer::kMean) return Value{acc, dims, x.type, std::nullopt};

  int64_t n = 1;
  for (int64_t e : extents) n *= e;
  const Expr count(static_cast<double>(n));
  const Expr total = Value{acc, dims, x.type, std::nullopt}.at(as_exprs(v));
  // An integer mean truncates the exact quotient, as numpy's mean cast back does.
  const Expr mean = x.type.is_float()
                        ? total / Halide::cast(x.type, count)
                        : Halide::cast(x.type, Halide::cast(Halide::Float(64), total) / count);
  Func out = ctx.func();
  define(out, v, mean);
  return Value{out, dims, x.type, std::nullopt};
}

std::vector<Value> build_global_pool(const OpContext& ctx, Reducer kind) {
  const Value& x = ctx.input(0);
  require_type(ctx, x.type, kind == Reducer::kMax);
  if (x.rank() < 3) {
    ctx.invalid(fmt::format("input [{}] is not (N, C, spatial...)", fmt::join(x.dims, ",")));
  }
  std::vector<bool> spatial(static_cast<size_t>(x.rank()), true);
  spatial[0] = false;
  spatial[1] = false;
  return {reduce(ctx, x, spatial, true, kind)};
}

// Reduce* with keepdims (default 1) and axes from the attribute or, for ReduceSum from
// opset 13, from the optional input 1. No axes means all of them, unless
// noop_with_empty_axes makes the op an identity.
std::vector<Value> build_reduce(const OpContext& ctx, Reducer kind) {
  const Value& x = ctx.input(0);
  require_type(ctx, x.type, true);
  std::vector<int64_t> axes = ctx.attr_ints("axes");
  if (ctx.has_input(1)) {
    // An empty axes tensor needs no contents, so it may be a graph input.
    axes = ctx.input(1).num_elements() == 0 ? std::vector<int64_t>{} : ctx.constant_ints(1);
  }
  const bool keepdims = ctx.attr_int("keepdims", 1) != 0;
  if (axes.empty() && ctx.attr_int("noop_with_empty_axes", 0) != 0) {
    const std::vector<Var> v = onnx_vars(x.rank());
    Func out = ctx.func();
    define(out, v, x.at(as_exprs(v)));
    return {Value{out, x.dims, x.type, std::nullopt}};
  }
  std::vector<bool> reduced(static_cast<size_t>(x.rank()), axes.empty());
  for (int64_t axis : axes) {
    const int a = ctx.axis(axis, x.rank());
    if (reduced[static_cast<size_t>(a)]) ctx.invalid(fmt::format("axis {} is repeated", axis));
    reduced[static_cast<size_t>(a)] = true;
  }
  return {reduce(ctx, x, reduced, keepdims, kind)};
}

// The OpBuilder running `build` with reducer `kind`.
OpBuilder bind_reducer(std::vector<Value> (*build)(const OpContext&, Reducer), Reducer kind) {
  return [build, kind](const OpContext& ctx) { return build(ctx, kind); };
}

}  // namespace

void register_pooling_ops(OpTable& table) {
  table["MaxPool"] = build_max_pool;
  table["AveragePool"] = build_average_pool;
  table["GlobalAveragePool"] = bind_reducer(build_global_pool, Reducer::kMean);
  table["GlobalMaxPool"] = bind_reducer(build_global_pool, Reducer::kMax);
  table["ReduceSum"] = bind_reducer(build_reduce, Reducer::kSum);
  table["ReduceMean"] = bind_reducer(build_reduce, Reducer::kMean);
  table["ReduceMax"] = bind_reducer(build_reduce, Reducer::kMax);
  table["ReduceMin"] = bind_reducer(build_reduce, Reducer::kMin);
  table["ReduceProd"] = bind_reducer(build_reduce, Reducer::kProd);
}

}  // namespace gnnperf
