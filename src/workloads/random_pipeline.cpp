#include "workloads/random_pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>

#include "workloads/layers.h"

namespace gnnperf {
namespace {

using Halide::Expr;
using Halide::Func;
using Halide::Type;
using Halide::Var;

constexpr int kMinFuncs = 2;
constexpr int kMaxFuncs = 30;

// What sets a family's sizes; everything else (ops, their odds, structure) is shared.
struct SizeClass {
  const char* prefix;
  const char* family;
  int64_t max_points;  // elements of any one stage
  // Upper bound on (elements x operations per element, everything inlined) summed over
  // the values still waiting to reach an output: bounds an unscheduled pipeline's run.
  double max_work;
  std::vector<int> input_channels;
  int min_extent;  // of an input's x and y
  int max_extent;
  std::vector<int> conv_channels;
  int max_matmul_channels;
  uint64_t seed_mix;  // xor'ed into the seed, so that random_large:N is not random:N grown
};

// "random": stages of at most 64K elements, cache-resident; an unscheduled pipeline runs
// well under 0.5 s. Changing any of it changes every stored random:N pipeline.
const SizeClass kSmall{.prefix = kRandomPrefix,
                       .family = "random",
                       .max_points = int64_t{64} * 1024,
                       .max_work = 1e7,
                       .input_channels = {1, 2, 3, 4, 8, 16, 32},
                       .min_extent = 8,
                       .max_extent = 96,
                       .conv_channels = {1, 2, 4, 8, 16},
                       .max_matmul_channels = 32,
                       .seed_mix = 0};
// "random_large": stages up to 1M elements over 16 to 384 channels, the sizes of the
// named networks' layers (a depthwise layer of MobileNet holds 48K to 451K), whose
// working sets leave the caches that the small ones fit in.
const SizeClass kLarge{.prefix = kRandomLargePrefix,
                       .family = "random_large",
                       .max_points = int64_t{1} << 20,
                       .max_work = 1.6e8,
                       .input_channels = {16, 32, 64, 96, 144, 192, 384},
                       .min_extent = 7,
                       .max_extent = 128,
                       .conv_channels = {8, 16, 32, 64},
                       .max_matmul_channels = 128,
                       .seed_mix = 0x9E3779B97F4A7C15ULL};

// Uniform draws by modulo: a negligible bias, but the same numbers on every standard
// library (std::uniform_int_distribution is implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  int range(int lo, int hi) {
    return lo + static_cast<int>(gen_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return range(0, 99) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[range(0, static_cast<int>(v.size()) - 1)];
  }

 private:
  std::mt19937_64 gen_;
};

using Make = std::function<Tensor(Graph&, const std::vector<Tensor>&)>;

// One value of the plan: an input or a stage, with what is needed to build it later.
struct Node {
  std::string name;  // Func name (layers add suffixes for their helper Funcs)
  std::string op;
  std::vector<int> operands;  // indices of earlier nodes
  std::vector<int> shape;     // (c, x, y)
  Type type;
  int funcs = 0;           // Funcs the node creates
  double per_point = 0.0;  // operations per element with every producer inlined
  Make make;

  int64_t points() const { return int64_t{shape[0]} * shape[1] * shape[2]; }
};

struct Plan {
  std::vector<Node> nodes;
  std::vector<int> outputs;
  int num_inputs = 0;
  int num_funcs = 0;
};

std::vector<Expr> vexprs(const std::vector<Var>& v) { return {v.begin(), v.end()}; }

// Coordinates of `shape` clamped into range, so any stage can read any earlier one.
std::vector<Expr> clamped(const std::vector<Var>& v, const std::vector<int>& shape) {
  std::vector<Expr> args;
  for (size_t d = 0; d < v.size(); ++d) args.push_back(Halide::clamp(v[d], 0, shape[d] - 1));
  return args;
}

Type widened(Type t) { return t.is_float() ? t : Halide::Int(32); }

class Planner {
 public:
  Planner(const SizeClass& size, uint64_t seed) : size_(size), rng_(seed ^ size.seed_mix) {}

  Plan run() {
    const int target = rng_.range(kMinFuncs, kMaxFuncs);
    plan_.num_inputs = target >= 4 && rng_.chance(35) ? 2 : 1;
    for (int i = 0; i < plan_.num_inputs; ++i) add_input(i);
    // Every op fits in the Funcs left, keeping one for the final stage; the pipeline ends
    // early once the work budget rules out every draw.
    while (plan_.num_funcs + 1 < target && add_stage(target - 1 - plan_.num_funcs)) {
    }
    finish();
    return std::move(plan_);
  }

 private:
  using Candidate = std::function<bool(Node&)>;  // fills a node; false if not applicable

  const Node& node(int id) const { return plan_.nodes[id]; }

  std::string next_name(const std::string& op) const {
    return fmt::format("s{}_{}", plan_.nodes.size(), op);
  }

  void commit(Node n) {
    for (int id : n.operands) unused_.erase(id);
    unused_.insert(static_cast<int>(plan_.nodes.size()));
    values_.push_back(static_cast<int>(plan_.nodes.size()));
    plan_.num_funcs += n.funcs;
    plan_.nodes.push_back(std::move(n));
  }

  // Work still pending if `n` were added: every unconsumed value may have to be computed,
  // inlined, over the largest of their shapes by the final stage.
  bool affordable(const Node& n) const {
    if (n.points() > size_.max_points || n.points() < 1) return false;
    double per_point = n.per_point;
    int64_t points = n.points();
    for (int id : unused_) {
      if (std::find(n.operands.begin(), n.operands.end(), id) == n.operands.end()) {
        per_point += node(id).per_point;
        points = std::max(points, node(id).points());
      }
    }
    return per_point * static_cast<double>(points) <= size_.max_work;
  }

  void add_input(int i) {
    static const std::vector<Type> input_types = {
        Halide::Float(32), Halide::Float(32), Halide::Float(32), Halide::Float(32),
        Halide::Float(32), Halide::Float(32), Halide::UInt(8),   Halide::UInt(8),
        Halide::UInt(16),  Halide::Int(32),   Halide::Float(64)};
    std::vector<int> shape = {rng_.pick(size_.input_channels),
                              rng_.range(size_.min_extent, size_.max_extent),
                              rng_.range(size_.min_extent, size_.max_extent)};
    while (int64_t{shape[0]} * shape[1] * shape[2] > size_.max_points) shape[0] /= 2;
    const Type type = rng_.pick(input_types);
    const std::string name = fmt::format("in{}", i);
    Node in{name,
            "input",
            {},
            shape,
            type,
            0,
            0.0,
            [name, shape, type](Graph& g, const std::vector<Tensor>&) {
              return g.input(name, shape, type);
            }};
    plan_.nodes.push_back(std::move(in));
    // Inputs are only read through a clamp, so stencils and windows never read outside them.
    Node clamp{name + "_clamp",
               "clamp",
               {static_cast<int>(plan_.nodes.size()) - 1},
               shape,
               type,
               1,
               5.0,
               [name, shape](Graph& g, const std::vector<Tensor>& a) {
                 std::vector<Var> v = make_vars(3);
                 Func f = g.func(name + "_clamp");
                 f(v) = a[0].func(clamped(v, shape));
                 return Tensor{f, shape};
               }};
    commit(std::move(clamp));
  }

  // The main operand: usually the newest value (long chains), else any earlier one.
  int pick_main() { return rng_.chance(60) ? values_.back() : rng_.pick(values_); }

  // The cheapest of a few random values, for when expensive operands blew the budget.
  int pick_cheap() {
    int best = rng_.pick(values_);
    for (int i = 0; i < 2; ++i) {
      const int id = rng_.pick(values_);
      if (node(id).per_point < node(best).per_point) best = id;
    }
    return best;
  }

  // A second operand, preferring values nothing consumes yet (so the DAG stays connected).
  int pick_other() {
    if (!unused_.empty() && rng_.chance(60)) {
      std::vector<int> u(unused_.begin(), unused_.end());
      return rng_.pick(u);
    }
    return rng_.pick(values_);
  }

  // Adds one affordable stage of at most `funcs_left` Funcs; false if none was found.
  bool add_stage(int funcs_left) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      Node n;
      if (try_op(n, attempt < 4 ? pick_main() : pick_cheap()) && n.funcs <= funcs_left &&
          affordable(n)) {
        commit(std::move(n));
        return true;
      }
    }
    return false;
  }

  // Draws an op on operand `a` and fills `n`; false if the op does not apply to `a`.
  bool try_op(Node& n, int a) {
    switch (rng_.range(0, 15)) {
      case 0:
      case 1:
        return pointwise(n, a);
      case 2:
        return binary(n, a, pick_other());
      case 3:
        return select(n, a, pick_other());
      case 4:
        return cast(n, a);
      case 5:
      case 6:
        return stencil(n, a);
      case 7:
        return reduce(n, a);
      case 8:
        return conv(n, a);
      case 9:
        return depthwise(n, a);
      case 10:
        return pool(n, a);
      case 11:
        return matmul(n, a);
      case 12:
        return norm_or_softmax(n, a);
      case 13:
        return act(n, a);
      case 14:
        return batchnorm(n, a);
      default:
        return binary(n, a, pick_other());
    }
  }

  // Fills the fields common to every node.
  void base(Node& n, const std::string& op, std::vector<int> operands, std::vector<int> shape,
            Type type, int funcs, double own_ops, double reads) {
    n.name = next_name(op);
    n.op = op;
    n.shape = std::move(shape);
    n.type = type;
    n.funcs = funcs;
    n.per_point = own_ops;
    for (int id : operands) n.per_point += reads * node(id).per_point;
    n.operands = std::move(operands);
  }

  bool pointwise(Node& n, int a) {
    const Node& in = node(a);
    const int variant = rng_.range(0, 3);
    base(n, "pointwise", {a}, in.shape, in.type, 1, 3, 1);
    const bool is_float = in.type.is_float();
    n.make = [name = n.name, variant, is_float](Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      Expr x = t[0].func(v);
      Expr e;
      switch (variant) {
        case 0:
          e = x * 3 + 1;
          break;
        case 1:
          e = is_float ? Halide::sqrt(Halide::abs(x)) : x / 2 + 7;
          break;
        case 2:
          e = Halide::min(x, 100) + Halide::max(x, 5);
          break;
        default:
          e = is_float ? Halide::exp(-Halide::abs(x)) * x : x * x - x;
      }
      Func f = g.func(name);
      f(v) = e;
      return Tensor{f, t[0].shape};
    };
    return true;
  }

  bool binary(Node& n, int a, int b) {
    const Node& lhs = node(a);
    const int variant = rng_.range(0, 4);
    base(n, "binary", {a, b}, lhs.shape, lhs.type, 1, 2, 1);
    n.make = [name = n.name, variant](Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      Expr x = t[0].func(v);
      Expr y = Halide::cast(t[0].type(), t[1].func(clamped(v, t[1].shape)));
      const Expr results[] = {x + y, x - y, x * y, Halide::min(x, y), Halide::max(x, y)};
      Func f = g.func(name);
      f(v) = results[variant];
      return Tensor{f, t[0].shape};
    };
    return true;
  }

  bool select(Node& n, int a, int b) {
    const Node& lhs = node(a);
    const bool on_coords = rng_.chance(50);
    base(n, "select", {a, b}, lhs.shape, lhs.type, 1, 4, 1);
    n.make = [name = n.name, on_coords](Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      Expr x = t[0].func(v);
      Expr y = Halide::cast(t[0].type(), t[1].func(clamped(v, t[1].shape)));
      Expr cond = on_coords ? (v[1] + v[2]) % 3 == 0 : x > y;
      Func f = g.func(name);
      f(v) = Halide::select(cond, x, y * 2);
      return Tensor{f, t[0].shape};
    };
    return true;
  }

  bool cast(Node& n, int a) {
    static const std::vector<Type> cast_types = {Halide::Float(32), Halide::Float(32),
                                                 Halide::UInt(8),   Halide::UInt(16),
                                                 Halide::Int(32),   Halide::Float(64)};
    const Node& in = node(a);
    const Type to = rng_.pick(cast_types);
    if (to == in.type) return false;
    base(n, "cast", {a}, in.shape, to, 1, 1, 1);
    n.make = [name = n.name, to](Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      Func f = g.func(name);
      // Saturate so narrowing casts give well-defined values.
      f(v) = Halide::saturating_cast(to, t[0].func(v));
      return Tensor{f, t[0].shape};
    };
    return true;
  }

  bool stencil(Node& n, int a) {
    const Node& in = node(a);
    const int radius = rng_.range(1, 2);
    struct Tap {
      int dx, dy, weight;
    };
    std::vector<Tap> taps(rng_.range(2, 9));
    for (Tap& t : taps) {
      t = {rng_.range(-radius, radius), rng_.range(-radius, radius), rng_.range(1, 3)};
    }
    const double k = static_cast<double>(taps.size());
    base(n, "stencil", {a}, in.shape, widened(in.type), 1, 3 * k, k);
    n.make = [name = n.name, taps](Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      const Type acc = widened(t[0].type());
      Expr sum = Halide::cast(acc, 0);
      for (const Tap& tap : taps) {
        sum += Halide::cast(acc, t[0].func(v[0], v[1] + tap.dx, v[2] + tap.dy)) * tap.weight;
      }
      Func f = g.func(name);
      f(v) = sum;
      return Tensor{f, t[0].shape};
    };
    return true;
  }

  bool reduce(Node& n, int a) {
    const Node& in = node(a);
    std::vector<int> dims;
    for (int d = 0; d < 3; ++d) {
      if (in.shape[d] > 1) dims.push_back(d);
    }
    if (dims.empty()) return false;
    const int dim = rng_.pick(dims);
    const bool is_max = rng_.chance(40);
    std::vector<int> shape = in.shape;
    shape[dim] = 1;
    const double len = in.shape[dim];
    base(n, is_max ? "max" : "sum", {a}, shape, is_max ? in.type : widened(in.type), 1, 2 * len,
         len);
    n.make = [name = n.name, dim, is_max, shape, extent = in.shape[dim]](
                 Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      Halide::RDom r(0, extent, name + "_r");
      std::vector<Expr> args = vexprs(v);
      args[dim] = r;
      const Type type = is_max ? t[0].type() : widened(t[0].type());
      Expr value = Halide::cast(type, t[0].func(args));
      Func f = g.func(name);
      f(v) = is_max ? type.min() : Halide::cast(type, 0);
      f(v) = is_max ? Halide::max(f(v), value) : f(v) + value;
      return Tensor{f, shape};
    };
    return true;
  }

  // Wraps a layer from layers.h: `layer` gets the Graph, the name and the operand.
  void layer(Node& n, const std::string& op, int a, std::vector<int> shape, Type type, int funcs,
             double own_ops, double reads,
             std::function<Tensor(Graph&, const std::string&, const Tensor&)> f) {
    base(n, op, {a}, std::move(shape), type, funcs, own_ops, reads);
    n.make = [name = n.name, f = std::move(f)](Graph& g, const std::vector<Tensor>& t) {
      return f(g, name, t[0]);
    };
  }

  // Output extent of a window layer, or 0 if the window does not fit.
  static int out_extent(int in, int kernel, int stride, int pad) {
    return kernel <= in + 2 * pad ? (in + 2 * pad - kernel) / stride + 1 : 0;
  }

  bool conv(Node& n, int a) {
    const Node& in = node(a);
    const int kernel = rng_.pick(std::vector<int>{1, 3, 3, 5});
    const int stride = rng_.range(1, 2);
    const int out_c = rng_.pick(size_.conv_channels);
    const int w = out_extent(in.shape[1], kernel, stride, kernel / 2);
    const int h = out_extent(in.shape[2], kernel, stride, kernel / 2);
    const double taps = double{1} * in.shape[0] * kernel * kernel;
    layer(n, "conv", a, {out_c, w, h}, Halide::Float(32), kernel > 1 ? 3 : 2, 4 * taps, taps,
          [=](Graph& g, const std::string& name, const Tensor& t) {
            return conv2d(g, name, t, out_c, kernel, stride);
          });
    return w > 0 && h > 0;
  }

  bool depthwise(Node& n, int a) {
    const Node& in = node(a);
    const int kernel = rng_.pick(std::vector<int>{3, 5});
    const int stride = rng_.range(1, 2);
    const int w = out_extent(in.shape[1], kernel, stride, kernel / 2);
    const int h = out_extent(in.shape[2], kernel, stride, kernel / 2);
    const double taps = kernel * kernel;
    layer(n, "depthwise", a, {in.shape[0], w, h}, Halide::Float(32), 3, 4 * taps, taps,
          [=](Graph& g, const std::string& name, const Tensor& t) {
            return depthwise_conv2d(g, name, t, kernel, stride);
          });
    return w > 0 && h > 0;
  }

  bool pool(Node& n, int a) {
    const Node& in = node(a);
    // Max pooling pads signed ints with INT_MIN, which Halide's simplifier may fold into
    // later arithmetic and reject as signed overflow; such inputs get average pooling.
    const bool is_max = rng_.chance(60) && !in.type.is_int();
    const int kernel = rng_.range(2, 3);
    const int stride = rng_.range(1, 2);
    const int pad = rng_.chance(50) ? kernel / 2 : 0;
    const int w = out_extent(in.shape[1], kernel, stride, pad);
    const int h = out_extent(in.shape[2], kernel, stride, pad);
    const double taps = kernel * kernel;
    layer(n, is_max ? "maxpool" : "avgpool", a, {in.shape[0], w, h},
          is_max ? in.type : Halide::Float(32), pad > 0 ? 2 : 1, 4 * taps, taps,
          [=](Graph& g, const std::string& name, const Tensor& t) {
            return is_max ? max_pool(g, name, t, kernel, stride, pad)
                          : avg_pool(g, name, t, kernel, stride, pad);
          });
    return w > 0 && h > 0;
  }

  bool matmul(Node& n, int a) {
    const Node& in = node(a);
    const int out_c = rng_.range(1, size_.max_matmul_channels);
    const double k = in.shape[0];
    layer(n, "matmul", a, {out_c, in.shape[1], in.shape[2]}, Halide::Float(32), 2, 3 * k, k,
          [=](Graph& g, const std::string& name, const Tensor& t) {
            return gnnperf::matmul(g, name, t, out_c);
          });
    return true;
  }

  bool norm_or_softmax(Node& n, int a) {
    const Node& in = node(a);
    const bool is_softmax = rng_.chance(50);
    const double c = in.shape[0];
    // Unscheduled, the second reduction (sum, variance) recomputes the first (max, mean)
    // for every element it reads: about c * c reads per element.
    layer(n, is_softmax ? "softmax" : "layernorm", a, in.shape, Halide::Float(32),
          is_softmax ? 3 : 5, 8 * c + c * c, c * (c + 2),
          [is_softmax](Graph& g, const std::string& name, const Tensor& t) {
            return is_softmax ? softmax(g, name, t) : layer_norm(g, name, t);
          });
    return in.shape[0] >= 2;
  }

  bool act(Node& n, int a) {
    const Node& in = node(a);
    const Activation kind = rng_.pick(
        std::vector<Activation>{Activation::kRelu, Activation::kRelu6, Activation::kGelu});
    layer(n, "act", a, in.shape, Halide::Float(32), 1, 8, 1,
          [kind](Graph& g, const std::string& name, const Tensor& t) {
            return activation(g, name, t, kind);
          });
    return true;
  }

  bool batchnorm(Node& n, int a) {
    const Node& in = node(a);
    layer(n, "batchnorm", a, in.shape, Halide::Float(32), 3, 4, 1,
          [](Graph& g, const std::string& name, const Tensor& t) {
            return batch_norm(g, name, t, Activation::kRelu);
          });
    return true;
  }

  // The last stage: sums every value no stage consumed (so all of them reach an output),
  // except possibly one kept as a second output.
  void finish() {
    std::vector<int> pending(unused_.begin(), unused_.end());
    if (pending.size() >= 2 && rng_.chance(30)) {
      const int second = pending.front();  // the oldest: it is not the newest value's shape
      pending.erase(pending.begin());
      plan_.outputs.push_back(second);
    }
    const Node& main = node(pending.back());
    Node n;
    base(n, "output", pending, main.shape, main.type, 1, 2.0 * pending.size(), 1);
    n.make = [name = n.name](Graph& g, const std::vector<Tensor>& t) {
      std::vector<Var> v = make_vars(3);
      const Tensor& last = t.back();
      Expr sum = last.func(v);
      for (size_t i = 0; i + 1 < t.size(); ++i) {
        sum += Halide::cast(last.type(), t[i].func(clamped(v, t[i].shape)));
      }
      Func f = g.func(name);
      f(v) = sum;
      return Tensor{f, last.shape};
    };
    commit(std::move(n));
    plan_.outputs.insert(plan_.outputs.begin(), static_cast<int>(plan_.nodes.size()) - 1);
  }

  const SizeClass& size_;
  Rng rng_;
  Plan plan_;
  std::vector<int> values_;  // every non-input node, in order
  std::set<int> unused_;     // values no stage consumes yet
};

BuiltPipeline build(const Plan& plan) {
  Graph g(Graph::Params::kSynthetic);
  std::vector<Tensor> tensors;
  for (const Node& n : plan.nodes) {
    std::vector<Tensor> operands;
    for (int id : n.operands) operands.push_back(tensors[id]);
    Tensor t = n.make(g, operands);
    if (t.shape != n.shape || t.type() != n.type) {
      throw std::logic_error("random pipeline stage '" + n.name + "' differs from its plan");
    }
    tensors.push_back(std::move(t));
  }
  if (g.num_funcs() != plan.num_funcs) {
    throw std::logic_error("random pipeline built a different number of Funcs than planned");
  }
  std::vector<Tensor> outputs;
  for (int id : plan.outputs) outputs.push_back(tensors[id]);
  return g.finish(outputs);
}

std::string describe(const Plan& plan) {
  std::vector<std::string> ops;
  for (const Node& n : plan.nodes) {
    if (n.op != "input") ops.push_back(n.op);
  }
  return fmt::format("random DAG, {} funcs, {} inputs, {} outputs: {}", plan.num_funcs,
                     plan.num_inputs, plan.outputs.size(), fmt::join(ops, " "));
}

Workload random_pipeline(const SizeClass& size, uint64_t seed) {
  auto plan = std::make_shared<const Plan>(Planner(size, seed).run());
  return {size.prefix + std::to_string(seed), size.family, describe(*plan),
          [plan] { return build(*plan); }};
}

}  // namespace

Workload random_pipeline(uint64_t seed) { return random_pipeline(kSmall, seed); }

Workload random_large_pipeline(uint64_t seed) { return random_pipeline(kLarge, seed); }

}  // namespace gnnperf
