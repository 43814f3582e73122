// Normalizations (BatchNormalization for inference, InstanceNormalization,
// LayerNormalization) and Softmax/LogSoftmax: each rescales every element by statistics
// over some axes, given (BatchNormalization) or reduced here (the others).
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onnx/host_tensor.h"
#include "onnx/onnx_error.h"
#include "onnx/op_registry.h"
#include "onnx/value.h"
#include "onnx/window.h"

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::Type;
using Halide::Var;

Expr lit(Type t, double v) { return Halide::cast(t, Expr(v)); }

void require_float(const OpContext& ctx, const Value& v) {
  if (!v.type.is_float()) ctx.unsupported("element type " + halide_type_name(v.type));
}

// Input i, a per-channel parameter of shape [channels], read at channel c in type t.
// (Opset 15 BatchNormalization lets parameters have another float type than X.)
Expr channel_param(const OpContext& ctx, int i, int64_t channels, const Expr& c, Type t) {
  const Value& v = ctx.input(i);
  if (v.dims != std::vector<int64_t>{channels}) {
    ctx.invalid(fmt::format("input {} does not have shape [{}]", i, channels));
  }
  require_float(ctx, v);
  return Halide::cast(t, v.at({c}));
}

// Input i, of type t, which must broadcast to `dims` without growing them.
const Value& broadcast_input(const OpContext& ctx, int i, const std::vector<int64_t>& dims,
                             Type t) {
  const Value& v = ctx.input(i);
  bool fits;
  try {
    fits = broadcast_dims(v.dims, dims) == dims;
  } catch (const OnnxError&) {
    fits = false;
  }
  if (!fits) ctx.invalid(fmt::format("input {} does not broadcast to the input's shape", i));
  if (v.type != t) ctx.invalid(fmt::format("input {} has type {}", i, halide_type_name(v.type)));
  return v;
}

// A reduction over the axes [first, last) of a tensor: make_reduction's RDom over them,
// and the axes it keeps.
struct AxesReduction {
  Reduction over;
  std::vector<Var> vars;  // one per axis, ONNX order
  std::vector<Var> kept;  // the vars outside [first, last)
  std::vector<int64_t> kept_dims;
  std::vector<Expr> index;  // vars, with over.index on the axes [first, last)
  int64_t size = 1;         // points reduced
};

AxesReduction reduction(const std::vector<int64_t>& dims, int first, int last,
                        const std::string& name) {
  AxesReduction red;
  red.vars = onnx_vars(static_cast<int>(dims.size()));
  red.over = make_reduction({dims.begin() + first, dims.begin() + last}, name);
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    if (i >= first && i < last) {
      red.index.push_back(red.over.index[i - first]);
      red.size *= dims[i];
    } else {
      red.index.push_back(red.vars[i]);
      red.kept.push_back(red.vars[i]);
      red.kept_dims.push_back(dims[i]);
    }
  }
  return red;
}

// f over the kept axes: the sum of `term`, an expression in red.index.
Value reduce_sum(Func f, const AxesReduction& red, Type t, const Expr& term) {
  define_reduction(f, red.kept, lit(t, 0), red.over,
                   [&](const Expr& so_far) { return so_far + Halide::cast(t, term); });
  return Value{f, red.kept_dims, t, std::nullopt};
}

Value reduce_max(Func f, const AxesReduction& red, Type t, const Expr& term) {
  define_reduction(f, red.kept, t.min(), red.over,
                   [&](const Expr& so_far) { return Halide::max(so_far, Halide::cast(t, term)); });
  return Value{f, red.kept_dims, t, std::nullopt};
}

// A Func over red.kept holding e.
Value over_kept(Func f, const AxesReduction& red, Type t, const Expr& e) {
  define(f, red.kept, e);
  return Value{f, red.kept_dims, t, std::nullopt};
}

std::vector<Value> build_batch_normalization(const OpContext& ctx) {
  if (ctx.attr_int("training_mode", 0) != 0) ctx.unsupported("attribute training_mode=1");
  if (ctx.opset() < 9 && ctx.attr_int("spatial", 1) == 0) ctx.unsupported("attribute spatial=0");
  if (ctx.num_outputs() > 1) ctx.unsupported("the running statistics outputs of training");
  const Value& x = ctx.input(0);
  require_float(ctx, x);
  if (x.rank() < 2) ctx.invalid("input X has rank below 2");
  const Type t = x.type;
  const int64_t channels = x.dims[1];
  const std::vector<Var> cv = onnx_vars(1);
  const Expr c = cv[0];
  const auto param = [&](int i) { return channel_param(ctx, i, channels, c, t); };
  // The statistics are fixed, so they fold into one scale and one shift per channel.
  const double epsilon = ctx.attr_float("epsilon", 1e-5f);
  Func scale_f = ctx.func("scale");
  define(scale_f, cv, param(1) / Halide::sqrt(param(4) + lit(t, epsilon)));
  const Value scale{scale_f, {channels}, t, std::nullopt};
  Func shift_f = ctx.func("shift");
  define(shift_f, cv, param(2) - param(3) * scale.at({c}));
  const Value shift{shift_f, {channels}, t, std::nullopt};
  const std::vector<Var> vars = onnx_vars(x.rank());
  const std::vector<Expr> channel = {vars[1]};
  Func y = ctx.func();
  define(y, vars, x.at(as_exprs(vars)) * scale.at(channel) + shift.at(channel));
  return {Value{y, x.dims, t, std::nullopt}};
}

// Mean and variance over all axes from 2 on, per batch item and channel.
std::vector<Value> build_instance_normalization(const OpContext& ctx) {
  const Value& x = ctx.input(0);
  require_float(ctx, x);
  if (x.rank() < 3) ctx.invalid("input X has rank below 3");
  const Type t = x.type;
  Func y = ctx.func();
  const AxesReduction red = reduction(x.dims, 2, x.rank(), y.name() + "_r");
  const std::vector<Expr> kept = as_exprs(red.kept);  // (n, c)
  const Expr inv_n = lit(t, 1.0 / static_cast<double>(red.size));
  const Value mean = reduce_sum(ctx.func("mean"), red, t, x.at(red.index) * inv_n);
  const Expr deviation = x.at(red.index) - mean.at(kept);
  const Value variance = reduce_sum(ctx.func("var"), red, t, deviation * deviation * inv_n);
  const double epsilon = ctx.attr_float("epsilon", 1e-5f);
  const Expr scale = channel_param(ctx, 1, x.dims[1], kept[1], t);
  const Value factor = over_kept(ctx.func("scale"), red, t,
                                 scale / Halide::sqrt(variance.at(kept) + lit(t, epsilon)));
  const std::vector<Expr> index = as_exprs(red.vars);
  const Expr bias = channel_param(ctx, 2, x.dims[1], index[1], t);
  define(y, red.vars, (x.at(index) - mean.at(kept)) * factor.at(kept) + bias);
  return {Value{y, x.dims, t, std::nullopt}};
}

// Normalizes over the axes from `axis` on, computing the statistics in stash_type.
std::vector<Value> build_layer_normalization(const OpContext& ctx) {
  const Value& x = ctx.input(0);
  require_float(ctx, x);
  const Type t = x.type;
  const Type u = halide_type_of_onnx(static_cast<int32_t>(ctx.attr_int("stash_type", 1)));
  if (!u.is_float()) ctx.unsupported("stash_type " + halide_type_name(u));
  const int axis = ctx.axis(ctx.attr_int("axis", -1), x.rank());
  Func y = ctx.func();
  const AxesReduction red = reduction(x.dims, axis, x.rank(), y.name() + "_r");
  const std::vector<Expr> kept = as_exprs(red.kept);
  const Expr inv_n = lit(u, 1.0 / static_cast<double>(red.size));
  const Value mean = reduce_sum(ctx.func("mean"), red, u, Halide::cast(u, x.at(red.index)) * inv_n);
  const Expr deviation = Halide::cast(u, x.at(red.index)) - mean.at(kept);
  const Value variance = reduce_sum(ctx.func("var"), red, u, deviation * deviation * inv_n);
  const double epsilon = ctx.attr_float("epsilon", 1e-5f);
  const Value inv_std_dev =
      over_kept(ctx.func("inv_std_dev"), red, u,
                lit(u, 1) / Halide::sqrt(variance.at(kept) + lit(u, epsilon)));

  const std::vector<Expr> index = as_exprs(red.vars);
  Expr e = Halide::cast(t, (Halide::cast(u, x.at(index)) - mean.at(kept)) * inv_std_dev.at(kept));
  if (ctx.has_input(1)) e = e * broadcast_at(broadcast_input(ctx, 1, x.dims, t), red.vars);
  if (ctx.has_input(2)) e = e + broadcast_at(broadcast_input(ctx, 2, x.dims, t), red.vars);
  define(y, red.vars, e);
  std::vector<Value> outputs{Value{y, x.dims, t, std::nullopt}};

  // The optional Mean and InvStdDev outputs keep X's rank, with extent 1 on the
  // normalized axes.
  const auto statistic = [&](const Value& v, const std::string& suffix) {
    Func f = ctx.func(suffix);
    define(f, red.vars, v.at(kept));
    std::vector<int64_t> dims = red.kept_dims;
    dims.resize(x.dims.size(), 1);
    return Value{f, dims, u, std::nullopt};
  };
  if (ctx.num_outputs() > 1) outputs.push_back(statistic(mean, "mean_output"));
  if (ctx.num_outputs() > 2) outputs.push_back(statistic(inv_std_dev, "inv_std_dev_output"));
  return outputs;
}

// Before opset 13 the input is coerced to 2-D at `axis` (default 1) and the softmax runs
// over all axes from `axis` on; from opset 13 it runs over `axis` (default -1) alone.
std::vector<Value> build_softmax(const OpContext& ctx, bool log_softmax) {
  const Value& x = ctx.input(0);
  require_float(ctx, x);
  const Type t = x.type;
  const bool coerced = ctx.opset() < 13;
  const int axis = ctx.axis(ctx.attr_int("axis", coerced ? 1 : -1), x.rank());
  Func y = ctx.func();
  const AxesReduction red = reduction(x.dims, axis, coerced ? x.rank() : axis + 1, y.name() + "_r");
  const std::vector<Expr> kept = as_exprs(red.kept);
  const std::vector<Expr> index = as_exprs(red.vars);
  // Subtracting the maximum keeps exp from overflowing.
  const Value largest = reduce_max(ctx.func("max"), red, t, x.at(red.index));
  const Expr shifted = x.at(index) - largest.at(kept);
  if (log_softmax) {
    const Value sum =
        reduce_sum(ctx.func("sum"), red, t, Halide::exp(x.at(red.index) - largest.at(kept)));
    define(y, red.vars, shifted - Halide::log(sum.at(kept)));
  } else {
    Func exp_f = ctx.func("exp");
    define(exp_f, red.vars, Halide::exp(shifted));
    const Value exps{exp_f, x.dims, t, std::nullopt};
    const Value sum = reduce_sum(ctx.func("sum"), red, t, exps.at(red.index));
    define(y, red.vars, exps.at(index) / sum.at(kept));
  }
  return {Value{y, x.dims, t, std::nullopt}};
}

}  // namespace

void register_normalization_ops(OpTable& table) {
  table["BatchNormalization"] = build_batch_normalization;
  table["InstanceNormalization"] = build_instance_normalization;
  table["LayerNormalization"] = build_layer_normalization;
  table["Softmax"] = [](const OpContext& ctx) { return build_softmax(ctx, /*log_softmax=*/false); };
  table["LogSoftmax"] = [](const OpContext& ctx) {
    return build_softmax(ctx, /*log_softmax=*/true);
  };
}

}  // namespace gnnperf
