// Elementwise ops: activations and unary math, arithmetic and comparisons with numpy
// broadcasting, Clip, Cast, Where, and the trivial Identity, Dropout and Constant.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "onnx/host_tensor.h"
#include "onnx/onnx_error.h"
#include "onnx/op_registry.h"
#include "onnx/value.h"

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::Type;
using Halide::Var;

// The element types an op accepts. Float means float32 and float64: Values never hold
// 16-bit floats.
enum class Accepts { kFloat, kNumeric, kAny };

void check_type(const OpContext& ctx, Type t, Accepts accepts) {
  const bool ok =
      accepts == Accepts::kAny || (accepts == Accepts::kFloat ? t.is_float() : !t.is_bool());
  if (!ok) ctx.unsupported("element type " + halide_type_name(t));
}

void check_same_type(const OpContext& ctx, const Value& a, const Value& b) {
  if (a.type != b.type) {
    ctx.invalid(fmt::format("inputs have different types {} and {}", halide_type_name(a.type),
                            halide_type_name(b.type)));
  }
}

// Opsets before 7 could align the second input at an `axis` instead of at the end.
void check_no_legacy_broadcast(const OpContext& ctx) {
  if (ctx.opset() < 7 && ctx.has_attr("axis")) {
    ctx.unsupported("legacy broadcasting with attribute axis");
  }
}

Expr lit(Type t, double v) { return Halide::cast(t, Expr(v)); }

// A Func over the numpy broadcast of the inputs' shapes whose element is fn(the inputs'
// elements), cast to `type`.
Value elementwise(const OpContext& ctx, const std::vector<const Value*>& inputs, Type type,
                  const std::function<Expr(const std::vector<Expr>&)>& fn) {
  std::vector<int64_t> dims;
  try {
    for (const Value* v : inputs) dims = broadcast_dims(dims, v->dims);
  } catch (const OnnxError& e) {
    ctx.invalid(e.what());
  }
  const std::vector<Var> vars = onnx_vars(static_cast<int>(dims.size()));
  std::vector<Expr> elements;
  elements.reserve(inputs.size());
  for (const Value* v : inputs) elements.push_back(broadcast_at(*v, vars));
  Func f = ctx.func();
  define(f, vars, Halide::cast(type, fn(elements)));
  return Value{f, dims, type, std::nullopt};
}

// ---- Unary ops: fn(element, its type), keeping the type.

using UnaryFn = std::function<Expr(const Expr& x, Type t)>;

std::vector<Value> map_input(const OpContext& ctx, Accepts accepts, const UnaryFn& fn) {
  const Value& x = ctx.input(0);
  check_type(ctx, x.type, accepts);
  return {
      elementwise(ctx, {&x}, x.type, [&](const std::vector<Expr>& e) { return fn(e[0], x.type); })};
}

OpBuilder unary(Accepts accepts, UnaryFn fn) {
  return
      [accepts, fn = std::move(fn)](const OpContext& ctx) { return map_input(ctx, accepts, fn); };
}

Expr sigmoid(const Expr& x, Type t) { return lit(t, 1) / (lit(t, 1) + Halide::exp(-x)); }

Expr hard_sigmoid(const Expr& x, Type t, double alpha, double beta) {
  return Halide::clamp(lit(t, alpha) * x + lit(t, beta), lit(t, 0), lit(t, 1));
}

// Halide's erf exists for float32 only.
Expr erf_of(const Expr& x, Type t) {
  return t == Halide::Float(32) ? Halide::erf(x)
                                : Halide::cast(t, Halide::erf(Halide::cast<float>(x)));
}

Expr abs_of(const Expr& x, Type t) {
  if (t.is_uint()) return x;
  // Halide's abs of a signed integer is unsigned; casting back wraps the minimum like C.
  return Halide::cast(t, Halide::abs(x));
}

// log(1 + exp(x)), written so that exp cannot overflow.
Expr softplus(const Expr& x, Type t) {
  return Halide::max(x, lit(t, 0)) + Halide::log(lit(t, 1) + Halide::exp(-Halide::abs(x)));
}

std::vector<Value> build_leaky_relu(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 0.01f);
  return map_input(ctx, Accepts::kFloat, [&](const Expr& x, Type t) {
    return Halide::select(x < lit(t, 0), lit(t, alpha) * x, x);
  });
}

std::vector<Value> build_hard_sigmoid(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 0.2f);
  const double beta = ctx.attr_float("beta", 0.5f);
  return map_input(ctx, Accepts::kFloat,
                   [&](const Expr& x, Type t) { return hard_sigmoid(x, t, alpha, beta); });
}

std::vector<Value> build_elu(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 1.0f);
  return map_input(ctx, Accepts::kFloat, [&](const Expr& x, Type t) {
    return Halide::select(x < lit(t, 0), lit(t, alpha) * (Halide::exp(x) - lit(t, 1)), x);
  });
}

std::vector<Value> build_selu(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 1.67326319217681884765625f);
  const double gamma = ctx.attr_float("gamma", 1.05070102214813232421875f);
  return map_input(ctx, Accepts::kFloat, [&](const Expr& x, Type t) {
    return lit(t, gamma) *
           Halide::select(x > lit(t, 0), x, lit(t, alpha) * Halide::exp(x) - lit(t, alpha));
  });
}

// Gelu is opset 20, but exporters emit it into older opsets too.
std::vector<Value> build_gelu(const OpContext& ctx) {
  const std::string approximate = ctx.attr_string("approximate", "none");
  if (approximate != "none" && approximate != "tanh") {
    ctx.unsupported("attribute approximate=" + approximate);
  }
  return map_input(ctx, Accepts::kFloat, [&](const Expr& x, Type t) {
    Expr inner;
    if (approximate == "none") {
      inner = erf_of(x * lit(t, 1 / std::numbers::sqrt2), t);
    } else {
      const double k = std::numbers::sqrt2 * std::numbers::inv_sqrtpi;  // sqrt(2 / pi)
      inner = Halide::tanh(lit(t, k) * (x + lit(t, 0.044715) * x * x * x));
    }
    return lit(t, 0.5) * x * (lit(t, 1) + inner);
  });
}

// ---- Ops over several inputs of one type, broadcast together.

using ElementsFn = std::function<Expr(const std::vector<Expr>& elements, Type t)>;

// `arity` 0 takes one or more inputs. The result has the inputs' type unless `result`
// names another.
OpBuilder broadcasting(int arity, Accepts accepts, std::optional<Type> result, ElementsFn fn) {
  return [=](const OpContext& ctx) {
    if (arity > 0 ? ctx.num_inputs() != arity : ctx.num_inputs() == 0) {
      ctx.invalid(fmt::format("has {} inputs", ctx.num_inputs()));
    }
    check_no_legacy_broadcast(ctx);
    std::vector<const Value*> inputs;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      inputs.push_back(&ctx.input(i));
      check_same_type(ctx, *inputs[0], *inputs.back());
    }
    const Type t = inputs[0]->type;
    check_type(ctx, t, accepts);
    return std::vector<Value>{elementwise(ctx, inputs, result.value_or(t),
                                          [&](const std::vector<Expr>& e) { return fn(e, t); })};
  };
}

OpBuilder binary(Accepts accepts, std::function<Expr(const Expr&, const Expr&, Type)> fn) {
  return broadcasting(
      2, accepts, std::nullopt,
      [fn = std::move(fn)](const std::vector<Expr>& e, Type t) { return fn(e[0], e[1], t); });
}

OpBuilder comparison(Accepts accepts, std::function<Expr(const Expr&, const Expr&)> fn) {
  return broadcasting(
      2, accepts, Halide::Bool(),
      [fn = std::move(fn)](const std::vector<Expr>& e, Type) { return fn(e[0], e[1]); });
}

OpBuilder variadic(Accepts accepts, std::function<Expr(const Expr&, const Expr&)> combine,
                   bool mean = false) {
  return broadcasting(0, accepts, std::nullopt,
                      [combine = std::move(combine), mean](const std::vector<Expr>& e, Type t) {
                        Expr acc = e[0];
                        for (size_t i = 1; i < e.size(); ++i) acc = combine(acc, e[i]);
                        return mean ? acc / lit(t, static_cast<double>(e.size())) : acc;
                      });
}

// ONNX divides integers like C, rounding towards zero, while Halide's signed division is
// Euclidean. Fix the quotient up rather than use div_round_to_zero, which traps on zero.
Expr divide(const Expr& a, const Expr& b, Type t) {
  Expr q = a / b;
  if (!t.is_int()) return q;
  const Expr zero = lit(t, 0);
  const Expr toward_zero = q + Halide::select(b > zero, lit(t, 1), lit(t, -1));
  return Halide::select(a < zero && q * b != a, toward_zero, q);
}

// The exponent may have any numeric type; the result has the base's.
std::vector<Value> build_pow(const OpContext& ctx) {
  check_no_legacy_broadcast(ctx);
  const Value& base = ctx.input(0);
  const Value& exponent = ctx.input(1);
  check_type(ctx, base.type, Accepts::kNumeric);
  check_type(ctx, exponent.type, Accepts::kNumeric);
  const Type t = base.type;
  return {elementwise(ctx, {&base, &exponent}, t, [&](const std::vector<Expr>& e) {
    if (t.is_float()) return Halide::pow(e[0], Halide::cast(t, e[1]));
    // Halide's float32 pow goes through exp and log; float64 pow is libm's, exact for
    // integer powers up to 2^53, and the cast truncates like numpy's astype.
    return Halide::pow(Halide::cast<double>(e[0]), Halide::cast<double>(e[1]));
  })};
}

std::vector<Value> build_where(const OpContext& ctx) {
  const Value& condition = ctx.input(0);
  const Value& x = ctx.input(1);
  const Value& y = ctx.input(2);
  if (!condition.type.is_bool()) ctx.invalid("condition is not bool");
  check_same_type(ctx, x, y);
  return {elementwise(ctx, {&condition, &x, &y}, x.type,
                      [](const std::vector<Expr>& e) { return Halide::select(e[0], e[1], e[2]); })};
}

// ---- Ops with their own inputs or attributes.

// A Clip bound from input i: an immediate when known at import time (the usual case),
// else a read of the scalar.
Expr clip_bound(const OpContext& ctx, int i, Type t) {
  const Value& v = ctx.input(i);
  if (v.num_elements() != 1) ctx.invalid(fmt::format("input {} is not a scalar", i));
  if (v.type != t) ctx.invalid(fmt::format("input {} has type {}", i, halide_type_name(v.type)));
  if (!v.constant) return v.at(std::vector<Expr>(v.dims.size(), Expr(0)));
  return t.is_float() ? lit(t, ctx.constant_doubles(i)[0])
                      : Halide::cast(t, Expr(ctx.constant_ints(i)[0]));
}

std::vector<Value> build_clip(const OpContext& ctx) {
  const Value& x = ctx.input(0);
  Expr lo, hi;  // undefined when absent
  if (ctx.opset() < 11) {
    check_type(ctx, x.type, Accepts::kFloat);
    if (ctx.has_attr("min")) lo = lit(x.type, ctx.attr_float("min", 0));
    if (ctx.has_attr("max")) hi = lit(x.type, ctx.attr_float("max", 0));
  } else {
    check_type(ctx, x.type, Accepts::kNumeric);
    if (ctx.has_input(1)) lo = clip_bound(ctx, 1, x.type);
    if (ctx.has_input(2)) hi = clip_bound(ctx, 2, x.type);
  }
  // An absent bound is the type's limit, which clamps nothing: leave it out.
  return {elementwise(ctx, {&x}, x.type, [&](const std::vector<Expr>& e) {
    Expr y = e[0];
    if (lo.defined()) y = Halide::max(y, lo);
    if (hi.defined()) y = Halide::min(y, hi);
    return y;
  })};
}

std::vector<Value> build_cast(const OpContext& ctx) {
  if (!ctx.has_attr("to")) ctx.invalid("attribute to is missing");
  const Value& x = ctx.input(0);
  const Type to = halide_type_of_onnx(static_cast<int32_t>(ctx.attr_int("to", 0)));
  return {elementwise(ctx, {&x}, to, [&](const std::vector<Expr>& e) {
    // Any nonzero number is true; say so rather than rely on how Halide narrows to 1 bit.
    return (to.is_bool() && !x.type.is_bool()) ? e[0] != lit(x.type, 0) : e[0];
  })};
}

// Runtimes elide Identity and inference Dropout, so their output is the input's Value
// itself rather than a copying stage (NetworkBuilder copes with a Func under two names).
std::vector<Value> build_identity(const OpContext& ctx) { return {ctx.input(0)}; }

// Inference only: the data passes through and the mask keeps everything.
std::vector<Value> build_dropout(const OpContext& ctx) {
  if (ctx.has_input(2)) {
    const std::vector<int64_t> training_mode = ctx.constant_ints(2);
    if (std::any_of(training_mode.begin(), training_mode.end(), [](int64_t m) { return m != 0; })) {
      ctx.unsupported("training_mode=1");
    }
  }
  const Value& x = ctx.input(0);
  std::vector<Value> outputs{x};
  if (ctx.num_outputs() > 1) {
    // Before opset 10 the mask had the data's type.
    if (ctx.opset() < 10) ctx.unsupported("the mask output before opset 10");
    Func mask = ctx.func("mask");
    define(mask, onnx_vars(x.rank()), Halide::cast(Halide::Bool(), 1));
    outputs.push_back(Value{mask, x.dims, Halide::Bool(), std::nullopt});
  }
  return outputs;
}

template <typename T>
HostTensor host_tensor_of(const std::vector<int64_t>& dims, const std::vector<T>& values) {
  HostTensor t = make_host_tensor(dims, Halide::type_of<T>());
  std::copy(values.begin(), values.end(), reinterpret_cast<T*>(t.buffer.data()));
  return t;
}

HostTensor constant_attribute(const OpContext& ctx) {
  if (ctx.has_attr("value")) return decode_tensor(ctx.attr_tensor("value"));
  if (ctx.has_attr("value_float")) {
    return host_tensor_of<float>({}, {ctx.attr_float("value_float", 0)});
  }
  if (ctx.has_attr("value_floats")) {
    const std::vector<float> v = ctx.attr_floats("value_floats");
    return host_tensor_of<float>({static_cast<int64_t>(v.size())}, v);
  }
  if (ctx.has_attr("value_int")) return host_tensor_of<int64_t>({}, {ctx.attr_int("value_int", 0)});
  if (ctx.has_attr("value_ints")) {
    const std::vector<int64_t> v = ctx.attr_ints("value_ints");
    return host_tensor_of<int64_t>({static_cast<int64_t>(v.size())}, v);
  }
  ctx.unsupported("only value, value_float(s) and value_int(s) constants are supported");
}

std::vector<Value> build_constant(const OpContext& ctx) {
  return {constant_value(ctx.func(), constant_attribute(ctx))};
}

}  // namespace

void register_elementwise_ops(OpTable& table) {
  table["Identity"] = build_identity;
  table["Dropout"] = build_dropout;
  table["Constant"] = build_constant;
  table["Cast"] = build_cast;
  table["Clip"] = build_clip;
  table["Where"] = build_where;

  table["Relu"] =
      unary(Accepts::kNumeric, [](const Expr& x, Type t) { return Halide::max(x, lit(t, 0)); });
  table["LeakyRelu"] = build_leaky_relu;
  table["PRelu"] = binary(Accepts::kNumeric, [](const Expr& x, const Expr& slope, Type t) {
    return Halide::select(x < lit(t, 0), slope * x, x);
  });
  table["Elu"] = build_elu;
  table["Selu"] = build_selu;
  table["Sigmoid"] = unary(Accepts::kFloat, sigmoid);
  table["HardSigmoid"] = build_hard_sigmoid;
  table["HardSwish"] = unary(
      Accepts::kFloat, [](const Expr& x, Type t) { return x * hard_sigmoid(x, t, 1.0 / 6, 0.5); });
  table["Tanh"] = unary(Accepts::kFloat, [](const Expr& x, Type) { return Halide::tanh(x); });
  table["Softplus"] = unary(Accepts::kFloat, softplus);
  table["Erf"] = unary(Accepts::kFloat, erf_of);
  table["Gelu"] = build_gelu;

  table["Neg"] = unary(Accepts::kNumeric, [](const Expr& x, Type) { return -x; });
  table["Abs"] = unary(Accepts::kNumeric, abs_of);
  table["Exp"] = unary(Accepts::kFloat, [](const Expr& x, Type) { return Halide::exp(x); });
  table["Log"] = unary(Accepts::kFloat, [](const Expr& x, Type) { return Halide::log(x); });
  table["Sqrt"] = unary(Accepts::kFloat, [](const Expr& x, Type) { return Halide::sqrt(x); });
  table["Reciprocal"] = unary(Accepts::kFloat, [](const Expr& x, Type t) { return lit(t, 1) / x; });
  table["Floor"] = unary(Accepts::kFloat, [](const Expr& x, Type) { return Halide::floor(x); });
  table["Ceil"] = unary(Accepts::kFloat, [](const Expr& x, Type) { return Halide::ceil(x); });

  table["Add"] =
      binary(Accepts::kNumeric, [](const Expr& a, const Expr& b, Type) { return a + b; });
  table["Sub"] =
      binary(Accepts::kNumeric, [](const Expr& a, const Expr& b, Type) { return a - b; });
  table["Mul"] =
      binary(Accepts::kNumeric, [](const Expr& a, const Expr& b, Type) { return a * b; });
  table["Div"] = binary(Accepts::kNumeric, divide);
  table["Pow"] = build_pow;

  const auto larger = [](const Expr& a, const Expr& b) { return Halide::max(a, b); };
  const auto smaller = [](const Expr& a, const Expr& b) { return Halide::min(a, b); };
  const auto plus = [](const Expr& a, const Expr& b) { return a + b; };
  table["Max"] = variadic(Accepts::kNumeric, larger);
  table["Min"] = variadic(Accepts::kNumeric, smaller);
  table["Sum"] = variadic(Accepts::kNumeric, plus);
  table["Mean"] = variadic(Accepts::kFloat, plus, /*mean=*/true);

  table["Equal"] = comparison(Accepts::kAny, [](const Expr& a, const Expr& b) { return a == b; });
  table["Less"] = comparison(Accepts::kNumeric, [](const Expr& a, const Expr& b) { return a < b; });
  table["LessOrEqual"] =
      comparison(Accepts::kNumeric, [](const Expr& a, const Expr& b) { return a <= b; });
  table["Greater"] =
      comparison(Accepts::kNumeric, [](const Expr& a, const Expr& b) { return a > b; });
  table["GreaterOrEqual"] =
      comparison(Accepts::kNumeric, [](const Expr& a, const Expr& b) { return a >= b; });
}

}  // namespace gnnperf
