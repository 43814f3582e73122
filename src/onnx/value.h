// A tensor flowing through an imported ONNX graph.
//
// ONNX indexes row-major with the outermost axis first; Halide Funcs list the innermost
// dimension first. A Value keeps the ONNX order for everything the importer reasons
// about (dims, axes, index lists) and reverses only where it touches the Func, through
// at() and define(), so no op has to think about the reversal.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "onnx/host_tensor.h"

namespace gnnperf {

struct Value {
  Halide::Func func;
  std::vector<int64_t> dims;  // ONNX order
  Halide::Type type;
  std::optional<HostTensor> constant;  // set when the contents are known at import time

  int rank() const { return static_cast<int>(dims.size()); }
  int64_t num_elements() const;
  // The element at an index given in ONNX order.
  Halide::Expr at(const std::vector<Halide::Expr>& index) const;
};

// A Value whose contents are known: `f` is defined to read `t`'s buffer, and
// `constant` keeps t for ops that need contents at import time (Reshape's shape...).
Value constant_value(Halide::Func f, const HostTensor& t);

// Pure Vars for a Func of `rank` dimensions, in ONNX order: d0 (outermost) ... d{rank-1}.
std::vector<Halide::Var> onnx_vars(int rank);
std::vector<Halide::Expr> as_exprs(const std::vector<Halide::Var>& vars);

// Defines f at an index given in ONNX order (which may be empty, for a scalar).
void define(Halide::Func& f, const std::vector<Halide::Var>& onnx_index, const Halide::Expr& e);

// Numpy-style broadcast of two ONNX shapes; throws OnnxError if incompatible.
std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b);
// Reads `v` at the index `out_index` of a broadcast result of rank out_index.size():
// leading axes are dropped and axes of extent 1 read index 0.
Halide::Expr broadcast_at(const Value& v, const std::vector<Halide::Var>& out_index);

}  // namespace gnnperf
