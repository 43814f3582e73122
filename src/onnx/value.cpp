#include "onnx/value.h"

#include <fmt/format.h>

#include <algorithm>

#include "onnx/onnx_error.h"

namespace gnnperf {

int64_t Value::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

Halide::Expr Value::at(const std::vector<Halide::Expr>& index) const {
  std::vector<Halide::Expr> reversed(index.rbegin(), index.rend());
  return func(reversed);
}

Value constant_value(Halide::Func f, const HostTensor& t) {
  const std::vector<Halide::Var> vars = onnx_vars(static_cast<int>(t.dims.size()));
  std::vector<Halide::Expr> index(vars.rbegin(), vars.rend());
  // Halide names buffers "b<N>", which can equal a Func named after an ONNX tensor
  // ("b1" is a common bias name). Named after the Func, with a character Func names
  // never have, the buffer cannot clash. (The name is shared by every copy of the
  // buffer; a buffer read by two Funcs of one pipeline is still one buffer.)
  Halide::Buffer<> named = t.buffer;
  named.set_name(f.name() + "$data");
  define(f, vars, named(index));
  return Value{f, t.dims, t.type(), t};
}

std::vector<Halide::Var> onnx_vars(int rank) {
  std::vector<Halide::Var> vars;
  vars.reserve(static_cast<size_t>(rank));
  for (int d = 0; d < rank; ++d) vars.emplace_back("d" + std::to_string(d));
  return vars;
}

std::vector<Halide::Expr> as_exprs(const std::vector<Halide::Var>& vars) {
  return {vars.begin(), vars.end()};
}

void define(Halide::Func& f, const std::vector<Halide::Var>& onnx_index, const Halide::Expr& e) {
  std::vector<Halide::Var> reversed(onnx_index.rbegin(), onnx_index.rend());
  f(reversed) = e;
}

std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the innermost axis.
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw OnnxError(fmt::format("shapes [{}] and [{}] do not broadcast", fmt::join(a, ","),
                                  fmt::join(b, ",")));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Halide::Expr broadcast_at(const Value& v, const std::vector<Halide::Var>& out_index) {
  if (v.dims.size() > out_index.size()) {
    throw OnnxError(fmt::format("a rank-{} tensor cannot broadcast to rank {}", v.dims.size(),
                                out_index.size()));
  }
  const size_t skip = out_index.size() - v.dims.size();
  std::vector<Halide::Expr> index;
  for (size_t i = 0; i < v.dims.size(); ++i) {
    index.push_back(v.dims[i] == 1 ? Halide::Expr(0) : Halide::Expr(out_index[skip + i]));
  }
  return v.at(index);
}

}  // namespace gnnperf
