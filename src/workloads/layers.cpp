#include "workloads/layers.h"

#include <cmath>
#include <stdexcept>

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::RDom;
using Halide::Var;

void require(bool ok, const std::string& name, const std::string& what) {
  if (!ok) throw std::invalid_argument("layer '" + name + "': " + what);
}

void require_rank(const std::string& name, const Tensor& t, int rank) {
  require(
      t.rank() == rank, name,
      "expects a rank-" + std::to_string(rank) + " input, got rank " + std::to_string(t.rank()));
}

// Loads a value as float32, so that layers accept inputs of any type.
Expr load_float(const Tensor& t, const std::vector<Expr>& args) {
  Expr v = t.func(args);
  return t.type() == Halide::Float(32) ? v : Halide::cast<float>(v);
}

std::vector<Expr> exprs(const std::vector<Var>& vars) { return {vars.begin(), vars.end()}; }

// The arguments `vars` with dimension 0 replaced by `first`.
std::vector<Expr> with_first(const std::vector<Var>& vars, Expr first) {
  std::vector<Expr> args = exprs(vars);
  args[0] = std::move(first);
  return args;
}

Expr apply(Activation act, Expr v) {
  switch (act) {
    case Activation::kNone:
      return v;
    case Activation::kRelu:
      return Halide::max(v, 0.0f);
    case Activation::kRelu6:
      return Halide::clamp(v, 0.0f, 6.0f);
    case Activation::kGelu: {
      // The tanh approximation used by BERT.
      const float k = std::sqrt(2.0f / static_cast<float>(M_PI));
      return 0.5f * v * (1.0f + Halide::tanh(k * (v + 0.044715f * v * v * v)));
    }
  }
  throw std::logic_error("unknown activation");
}

// Shared shape logic of windowed layers over (c, x, y): padding and output extents.
struct Window {
  int pad, out_w, out_h;
};

Window window(const std::string& name, const Tensor& in, int kernel, int stride, int pad) {
  require_rank(name, in, 3);
  return {pad, window_output_extent(name, in.shape[1], kernel, stride, pad),
          window_output_extent(name, in.shape[2], kernel, stride, pad)};
}

// Reduces `in` with a k x k window; `init` and `combine(acc, value)` define the reduction.
Tensor pool(Graph& g, const std::string& name, const Tensor& in, int kernel, int stride, int pad,
            const Expr& pad_value, const Expr& init,
            const std::function<Expr(const Expr&, const Expr&)>& combine) {
  const Window win = window(name, in, kernel, stride, pad);
  Tensor src = pad > 0 ? pad_xy(g, name + "_pad", in, pad_value) : in;
  Var c("c"), x("x"), y("y");
  RDom r(0, kernel, 0, kernel, name + "_r");
  Func out = g.func(name);
  out(c, x, y) = init;
  out(c, x, y) = combine(out(c, x, y), src.func(c, x * stride + r.x - pad, y * stride + r.y - pad));
  return {out, {in.shape[0], win.out_w, win.out_h}};
}

}  // namespace

int window_output_extent(const std::string& what, int in, int kernel, int stride, int pad) {
  require(in >= 1, what, "input extent " + std::to_string(in) + " must be positive");
  require(kernel >= 1, what, "kernel " + std::to_string(kernel) + " must be positive");
  require(stride >= 1, what, "stride " + std::to_string(stride) + " must be positive");
  require(pad >= 0 && pad <= kernel / 2, what,
          "padding " + std::to_string(pad) + " must be between 0 and kernel/2");
  require(kernel <= in + 2 * pad, what,
          "kernel " + std::to_string(kernel) + " is larger than the padded input " +
              std::to_string(in) + "+2*" + std::to_string(pad));
  return (in + 2 * pad - kernel) / stride + 1;
}

Tensor activation(Graph& g, const std::string& name, const Tensor& in, Activation act) {
  std::vector<Var> v = make_vars(in.rank());
  Func out = g.func(name);
  out(v) = apply(act, load_float(in, exprs(v)));
  return {out, in.shape};
}

Tensor pad_xy(Graph& g, const std::string& name, const Tensor& in, const Expr& value) {
  require_rank(name, in, 3);
  const int w = in.shape[1], h = in.shape[2];
  Var c("c"), x("x"), y("y");
  Func out = g.func(name);
  Expr inside = x >= 0 && x < w && y >= 0 && y < h;
  Expr v = in.func(c, Halide::clamp(x, 0, w - 1), Halide::clamp(y, 0, h - 1));
  out(c, x, y) = Halide::select(inside, v, Halide::cast(in.type(), value));
  return {out, in.shape};
}

Tensor conv2d(Graph& g, const std::string& name, const Tensor& in, int out_c, int kernel,
              int stride) {
  require(out_c >= 1, name, "output channels must be positive");
  const Window win = window(name, in, kernel, stride, kernel / 2);
  const int in_c = in.shape[0];
  Tensor src = win.pad > 0 ? pad_xy(g, name + "_pad", in, 0.0f) : in;
  Func w = g.param(name + "_w", {out_c, in_c, kernel, kernel});
  Var c("c"), x("x"), y("y");
  RDom r(0, in_c, 0, kernel, 0, kernel, name + "_r");
  Func out = g.func(name);
  out(c, x, y) = 0.0f;
  out(c, x, y) += w(c, r.x, r.y, r.z) *
                  load_float(src, {r.x, x * stride + r.y - win.pad, y * stride + r.z - win.pad});
  return {out, {out_c, win.out_w, win.out_h}};
}

Tensor depthwise_conv2d(Graph& g, const std::string& name, const Tensor& in, int kernel,
                        int stride) {
  const Window win = window(name, in, kernel, stride, kernel / 2);
  Tensor src = win.pad > 0 ? pad_xy(g, name + "_pad", in, 0.0f) : in;
  Func w = g.param(name + "_w", {in.shape[0], kernel, kernel});
  Var c("c"), x("x"), y("y");
  RDom r(0, kernel, 0, kernel, name + "_r");
  Func out = g.func(name);
  out(c, x, y) = 0.0f;
  out(c, x, y) +=
      w(c, r.x, r.y) * load_float(src, {c, x * stride + r.x - win.pad, y * stride + r.y - win.pad});
  return {out, {in.shape[0], win.out_w, win.out_h}};
}

Tensor bias_activation(Graph& g, const std::string& name, const Tensor& in, Activation act) {
  Func b = g.param(name + "_b", {in.shape[0]});
  std::vector<Var> v = make_vars(in.rank());
  Func out = g.func(name);
  out(v) = apply(act, load_float(in, exprs(v)) + b(v[0]));
  return {out, in.shape};
}

Tensor batch_norm(Graph& g, const std::string& name, const Tensor& in, Activation act) {
  Func scale = g.param(name + "_scale", {in.shape[0]});
  Func shift = g.param(name + "_shift", {in.shape[0]});
  std::vector<Var> v = make_vars(in.rank());
  Func out = g.func(name);
  out(v) = apply(act, load_float(in, exprs(v)) * scale(v[0]) + shift(v[0]));
  return {out, in.shape};
}

Tensor add(Graph& g, const std::string& name, const Tensor& a, const Tensor& b, Activation act) {
  require(a.shape == b.shape, name, "residual add of tensors of different shapes");
  std::vector<Var> v = make_vars(a.rank());
  Func out = g.func(name);
  out(v) = apply(act, load_float(a, exprs(v)) + load_float(b, exprs(v)));
  return {out, a.shape};
}

Tensor max_pool(Graph& g, const std::string& name, const Tensor& in, int kernel, int stride,
                int pad) {
  Expr lowest = in.type().min();
  return pool(g, name, in, kernel, stride, pad, lowest, lowest,
              [](const Expr& acc, const Expr& v) { return Halide::max(acc, v); });
}

Tensor avg_pool(Graph& g, const std::string& name, const Tensor& in, int kernel, int stride,
                int pad) {
  const float inv = 1.0f / static_cast<float>(kernel * kernel);
  return pool(g, name, in, kernel, stride, pad, Halide::cast(in.type(), 0), 0.0f,
              [inv](const Expr& acc, const Expr& v) { return acc + Halide::cast<float>(v) * inv; });
}

Tensor global_avg_pool(Graph& g, const std::string& name, const Tensor& in) {
  require_rank(name, in, 3);
  const int w = in.shape[1], h = in.shape[2];
  Var x("x"), y("y");
  RDom r(0, w, 0, h, name + "_r");
  Func out = g.func(name);
  out(x, y) = 0.0f;
  out(x, y) += load_float(in, {x, r.x, r.y}) * (1.0f / static_cast<float>(w * h));
  return {out, {in.shape[0], 1}};
}

Tensor matmul(Graph& g, const std::string& name, const Tensor& a, int n) {
  require(a.rank() >= 2, name, "matmul expects a matrix (col, row) input");
  require(n >= 1, name, "output columns must be positive");
  const int k = a.shape[0];
  Func w = g.param(name + "_w", {n, k});
  std::vector<Var> v = make_vars(a.rank());
  RDom r(0, k, name + "_r");
  Func out = g.func(name);
  out(v) = 0.0f;
  out(v) += load_float(a, with_first(v, r)) * w(v[0], r);
  std::vector<int> shape = a.shape;
  shape[0] = n;
  return {out, shape};
}

Tensor dense(Graph& g, const std::string& name, const Tensor& a, int n, Activation act) {
  return bias_activation(g, name + "_bias", matmul(g, name, a, n), act);
}

Tensor softmax(Graph& g, const std::string& name, const Tensor& in) {
  std::vector<Var> v = make_vars(in.rank());
  std::vector<Var> rest(v.begin() + 1, v.end());
  RDom r(0, in.shape[0], name + "_r");
  Func mx = g.func(name + "_max");
  mx(rest) = Halide::Float(32).min();
  mx(rest) = Halide::max(mx(rest), load_float(in, with_first(v, r)));
  Func sum = g.func(name + "_sum");
  sum(rest) = 0.0f;
  sum(rest) += Halide::exp(load_float(in, with_first(v, r)) - mx(rest));
  Func out = g.func(name);
  out(v) = Halide::exp(load_float(in, exprs(v)) - mx(rest)) / sum(rest);
  return {out, in.shape};
}

Tensor layer_norm(Graph& g, const std::string& name, const Tensor& in) {
  const int n = in.shape[0];
  Func gamma = g.param(name + "_gamma", {n});
  Func beta = g.param(name + "_beta", {n});
  std::vector<Var> v = make_vars(in.rank());
  std::vector<Var> rest(v.begin() + 1, v.end());
  RDom r(0, n, name + "_r");
  const float inv_n = 1.0f / static_cast<float>(n);
  Func mean = g.func(name + "_mean");
  mean(rest) = 0.0f;
  mean(rest) += load_float(in, with_first(v, r)) * inv_n;
  Func var = g.func(name + "_var");
  Expr centered = load_float(in, with_first(v, r)) - mean(rest);
  var(rest) = 0.0f;
  var(rest) += centered * centered * inv_n;
  Func out = g.func(name);
  out(v) = (load_float(in, exprs(v)) - mean(rest)) / Halide::sqrt(var(rest) + 1e-5f) * gamma(v[0]) +
           beta(v[0]);
  return {out, in.shape};
}

Tensor attention_scores(Graph& g, const std::string& name, const Tensor& q, const Tensor& k,
                        int heads) {
  require_rank(name, q, 2);
  require(q.shape == k.shape, name, "q and k must have the same shape");
  require(heads >= 1 && q.shape[0] % heads == 0, name, "hidden size must divide into heads");
  const int head_dim = q.shape[0] / heads, seq = q.shape[1];
  Var key("c"), query("x"), head("y");
  RDom r(0, head_dim, name + "_r");
  Func out = g.func(name);
  out(key, query, head) = 0.0f;
  out(key, query, head) += load_float(q, {head * head_dim + r, query}) *
                           load_float(k, {head * head_dim + r, key}) *
                           (1.0f / std::sqrt(static_cast<float>(head_dim)));
  return {out, {seq, seq, heads}};
}

Tensor attention_context(Graph& g, const std::string& name, const Tensor& probs, const Tensor& v,
                         int heads) {
  require_rank(name, probs, 3);
  require_rank(name, v, 2);
  require(probs.shape[2] == heads && v.shape[0] % heads == 0, name,
          "head count does not match the shapes");
  require(probs.shape[0] == v.shape[1], name, "key length differs between probs and values");
  const int head_dim = v.shape[0] / heads;
  Var x("x"), y("y");
  RDom r(0, probs.shape[0], name + "_r");
  Func out = g.func(name);
  out(x, y) = 0.0f;
  out(x, y) += load_float(probs, {r, y, x / head_dim}) * load_float(v, {x, r});
  return {out, {v.shape[0], probs.shape[1]}};
}

}  // namespace gnnperf
