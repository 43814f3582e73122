#include "workloads/graph.h"

#include <stdexcept>

namespace gnnperf {

int64_t Tensor::num_elements() const {
  int64_t n = 1;
  for (int e : shape) n *= e;
  return n;
}

std::vector<Halide::Var> make_vars(int rank) {
  static const std::vector<std::vector<const char*>> names = {
      {}, {"x"}, {"x", "y"}, {"c", "x", "y"}, {"c", "x", "y", "n"}};
  if (rank < 1 || rank >= static_cast<int>(names.size())) {
    throw std::invalid_argument("unsupported tensor rank " + std::to_string(rank));
  }
  std::vector<Halide::Var> vars;
  for (const char* name : names[rank]) vars.emplace_back(name);
  return vars;
}

void Graph::claim(const std::string& name) {
  if (!names_.insert(name).second) {
    throw std::logic_error("duplicate Func name '" + name + "' in one pipeline");
  }
}

Halide::Func Graph::func(const std::string& name) {
  claim(name);
  ++num_funcs_;
  return Halide::Func(Halide::Internal::Function(name));
}

Tensor Graph::input(const std::string& name, const std::vector<int>& shape, Halide::Type type) {
  for (int e : shape) {
    if (e < 1) throw std::invalid_argument("input '" + name + "' has a non-positive extent");
  }
  // An ImageParam's Func is called "<name>_im"; reserve both names.
  claim(name);
  claim(name + "_im");
  Halide::ImageParam param(type, static_cast<int>(shape.size()), name);
  inputs_.push_back({param, shape});
  return {Halide::Func(param), shape};
}

Halide::Func Graph::param(const std::string& name, const std::vector<int>& shape) {
  if (params_ == Params::kInputs) return input(name, shape).func;
  // Small values in [-0.3, 0.3] from a cheap hash of the coordinates: enough to keep the
  // arithmetic realistic without adding pipeline inputs.
  std::vector<Halide::Var> vars = make_vars(static_cast<int>(shape.size()));
  Halide::Expr h = 0;
  for (size_t d = 0; d < vars.size(); ++d) h = h * 31 + vars[d] * static_cast<int>(7 + 2 * d);
  Halide::Func f = func(name);
  f(vars) = Halide::cast<float>((h % 7) - 3) * 0.1f;
  return f;
}

BuiltPipeline Graph::finish(const std::vector<Tensor>& outputs) {
  BuiltPipeline built;
  built.inputs = inputs_;
  for (const Tensor& t : outputs) built.outputs.push_back({t.func, t.shape});
  apply_estimates(built);
  return built;
}

}  // namespace gnnperf
