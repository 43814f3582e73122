// Ops that only move data: Reshape and its relatives (Flatten, Squeeze, Unsqueeze),
// Transpose, Concat, Slice, Pad, Gather, Expand, Tile, and Shape, whose result is known at
// import time. Resize lives in ops_resize.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
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
using Halide::Var;

// p[i] is the product of dims[0..i): p.front() is 1, p.back() the element count.
std::vector<int64_t> prefix_products(const std::vector<int64_t>& dims) {
  std::vector<int64_t> p{1};
  for (int64_t d : dims) p.push_back(p.back() * d);
  return p;
}

// `in` read as a tensor of `dims` with the same number of elements in the same row-major
// order. Axes are matched in the smallest groups whose extents have equal products, so an
// axis the reshape leaves alone is read directly, and only a merged or split group goes
// through a flat offset (bounds inference then stays tight on the other axes).
Value reshaped(const OpContext& ctx, const Value& in, const std::vector<int64_t>& dims) {
  const std::vector<Var> vars = onnx_vars(static_cast<int>(dims.size()));
  std::vector<Expr> index(in.dims.size(), Expr(0));
  if (in.num_elements() == 0) {
    // Nothing is read, but bounds inference still asks for the region the reads span:
    // reading an empty output axis on the input's empty axes keeps that region empty.
    const size_t empty = std::find(dims.begin(), dims.end(), 0) - dims.begin();
    for (size_t k = 0; k < in.dims.size(); ++k) {
      if (in.dims[k] == 0) index[k] = vars[empty];
    }
  } else {
    const std::vector<int64_t> in_prefix = prefix_products(in.dims);
    const std::vector<int64_t> out_prefix = prefix_products(dims);
    size_t a = 0, b = 0;  // the next group starts at input axis a and output axis b
    while (a < in.dims.size() || b < dims.size()) {
      size_t a_end = a < in.dims.size() ? a + 1 : a;
      size_t b_end = a < in.dims.size() ? b : b + 1;
      while (in_prefix[a_end] != out_prefix[b_end]) {
        if (in_prefix[a_end] < out_prefix[b_end]) {
          ++a_end;
        } else {
          ++b_end;
        }
      }
      // The group's row-major offset, from the output axes (unit axes always read 0)...
      Expr offset;
      for (size_t k = b; k < b_end; ++k) {
        if (dims[k] == 1) continue;
        offset = offset.defined() ? offset * static_cast<int>(dims[k]) + vars[k] : Expr(vars[k]);
      }
      // ...split into the input axes' digits, innermost first. The outermost digit needs no
      // modulo, so a group of one input and one output axis reads the Var itself.
      const int64_t group = in_prefix[a_end] / in_prefix[a];
      int64_t stride = 1;
      for (size_t k = a_end; k-- > a;) {
        if (in.dims[k] == 1) continue;
        const Expr digit = stride == 1 ? offset : offset / static_cast<int>(stride);
        stride *= in.dims[k];
        index[k] = stride == group ? digit : digit % static_cast<int>(in.dims[k]);
      }
      a = a_end;
      b = b_end;
    }
  }
  Func out = ctx.func();
  define(out, vars, in.at(index));
  return Value{out, dims, in.type, std::nullopt};
}

std::vector<Value> build_reshape(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  std::vector<int64_t> dims = ctx.opset() < 5 ? ctx.attr_ints("shape") : ctx.constant_ints(1);
  const bool allow_zero = ctx.attr_int("allowzero", 0) != 0;
  int inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      if (inferred >= 0) ctx.invalid("shape has more than one -1");
      inferred = static_cast<int>(i);
      continue;
    }
    if (dims[i] == 0 && !allow_zero) {
      if (i >= in.dims.size()) ctx.invalid(fmt::format("shape copies missing input axis {}", i));
      dims[i] = in.dims[i];
    }
    if (dims[i] < 0) ctx.invalid(fmt::format("shape has a negative extent {}", dims[i]));
    known *= dims[i];
  }
  const int64_t total = in.num_elements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0) {
      ctx.invalid(
          fmt::format("cannot infer the -1 of a reshape from [{}]", fmt::join(in.dims, ",")));
    }
    dims[static_cast<size_t>(inferred)] = total / known;
    known = total;
  }
  if (known != total) {
    ctx.invalid(
        fmt::format("cannot reshape [{}] to [{}]", fmt::join(in.dims, ","), fmt::join(dims, ",")));
  }
  return {reshaped(ctx, in, dims)};
}

std::vector<Value> build_flatten(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const int64_t rank = in.rank();
  // Unlike most axes, Flatten's may equal the rank (an outer extent of everything).
  int64_t axis = ctx.attr_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) {
    ctx.invalid(fmt::format("axis {} is out of range for rank {}", ctx.attr_int("axis", 1), rank));
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= in.dims[d];
  return {reshaped(ctx, in, {outer, inner})};
}

std::vector<Value> build_squeeze(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  std::vector<int64_t> axes;
  if (ctx.opset() < 13) {
    axes = ctx.attr_ints("axes");
  } else if (ctx.has_input(1)) {
    axes = ctx.constant_ints(1);
  }
  std::vector<bool> removed(in.dims.size(), axes.empty());
  for (int64_t a : axes) {
    const int axis = ctx.axis(a, in.rank());
    if (in.dims[axis] != 1) {
      ctx.invalid(fmt::format("cannot squeeze axis {} of extent {}", axis, in.dims[axis]));
    }
    removed[axis] = true;
  }
  std::vector<int64_t> dims;
  for (size_t d = 0; d < in.dims.size(); ++d) {
    // Without axes, every unit axis goes.
    if (!(removed[d] && in.dims[d] == 1)) dims.push_back(in.dims[d]);
  }
  return {reshaped(ctx, in, dims)};
}

std::vector<Value> build_unsqueeze(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const std::vector<int64_t> axes = ctx.opset() < 13 ? ctx.attr_ints("axes") : ctx.constant_ints(1);
  // Axes index the output, whose rank counts the new axes.
  const int rank = in.rank() + static_cast<int>(axes.size());
  std::vector<bool> inserted(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    const int axis = ctx.axis(a, rank);
    if (inserted[axis]) ctx.invalid(fmt::format("axis {} is repeated", axis));
    inserted[axis] = true;
  }
  std::vector<int64_t> dims;
  dims.reserve(static_cast<size_t>(rank));
  size_t next = 0;
  for (int d = 0; d < rank; ++d) dims.push_back(inserted[d] ? 1 : in.dims[next++]);
  return {reshaped(ctx, in, dims)};
}

std::vector<Value> build_transpose(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const int rank = in.rank();
  std::vector<int64_t> reversed(static_cast<size_t>(rank));
  for (int d = 0; d < rank; ++d) reversed[d] = rank - 1 - d;
  const std::vector<int64_t> perm = ctx.attr_ints("perm", reversed);
  if (perm.size() != reversed.size()) {
    ctx.invalid(fmt::format("perm has {} entries for rank {}", perm.size(), rank));
  }
  const std::vector<Var> vars = onnx_vars(rank);
  std::vector<Expr> index(perm.size());
  std::vector<int64_t> dims(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) {
    const int64_t p = perm[d];
    if (p < 0 || p >= rank || index[p].defined()) {
      ctx.invalid(fmt::format("perm [{}] is not a permutation", fmt::join(perm, ",")));
    }
    index[p] = vars[d];
    dims[d] = in.dims[p];
  }
  Func out = ctx.func();
  define(out, vars, in.at(index));
  return {Value{out, dims, in.type, std::nullopt}};
}

std::vector<Value> build_concat(const OpContext& ctx) {
  if (ctx.num_inputs() == 0) ctx.invalid("needs at least one input");
  const Value& first = ctx.input(0);
  const int rank = first.rank();
  if (rank == 0) ctx.invalid("cannot concatenate scalars");
  if (ctx.opset() >= 4 && !ctx.has_attr("axis")) ctx.invalid("attribute axis is missing");
  const int axis = ctx.axis(ctx.attr_int("axis", 1), rank);
  std::vector<int64_t> dims = first.dims;
  dims[axis] = 0;
  std::vector<const Value*> parts;  // the inputs that contribute elements
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Value& v = ctx.input(i);
    if (v.type != first.type) {
      ctx.invalid(fmt::format("inputs have different types {} and {}", halide_type_name(first.type),
                              halide_type_name(v.type)));
    }
    bool fits = v.rank() == rank;
    for (int d = 0; fits && d < rank; ++d) fits = d == axis || v.dims[d] == first.dims[d];
    if (!fits) {
      ctx.invalid(fmt::format("input {} has shape [{}], which does not fit [{}] on axis {}", i,
                              fmt::join(v.dims, ","), fmt::join(first.dims, ","), axis));
    }
    if (v.dims[axis] > 0) parts.push_back(&v);
    dims[axis] += v.dims[axis];
  }
  if (parts.empty()) parts.push_back(&first);  // the output is empty too
  const std::vector<Var> vars = onnx_vars(rank);
  // A chain of selects, built from the last part. Each part's read is clamped to its own
  // extent: bounds inference would otherwise ask every part for the whole output axis.
  Expr e;
  int64_t offset = dims[axis];
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    const Value& part = **it;
    offset -= part.dims[axis];
    std::vector<Expr> index = as_exprs(vars);
    if (parts.size() > 1) {
      index[axis] = Halide::clamp(vars[axis] - static_cast<int>(offset), 0,
                                  static_cast<int>(part.dims[axis]) - 1);
    }
    const Expr v = part.at(index);
    e = e.defined() ? Halide::select(vars[axis] < static_cast<int>(offset + part.dims[axis]), v, e)
                    : v;
  }
  Func out = ctx.func();
  define(out, vars, e);
  return {Value{out, dims, first.type, std::nullopt}};
}

// The elements a Slice keeps of one axis: start, start + step, ... (extent of them).
struct SliceRange {
  int64_t start = 0;
  int64_t step = 1;
  int64_t extent = 0;
};

// ONNX's rule: negative starts and ends count from the back; then both clamp to the axis,
// to [0, n] going forward and to [0, n-1] (start) and [-1, n-1] (end) going backward.
SliceRange slice_range(int64_t start, int64_t end, int64_t step, int64_t n) {
  if (n == 0) return {};
  if (start < 0) start += n;
  if (end < 0) end += n;
  // A step longer than the axis keeps at most one element either way; bounding it keeps
  // the arithmetic below (and the index Expr) from overflowing.
  step = std::clamp(step, -n, n);
  SliceRange r;
  r.step = step;
  if (step > 0) {
    r.start = std::clamp<int64_t>(start, 0, n);
    end = std::clamp<int64_t>(end, 0, n);
    if (end > r.start) r.extent = (end - r.start + step - 1) / step;
  } else {
    r.start = std::clamp<int64_t>(start, 0, n - 1);
    end = std::clamp<int64_t>(end, -1, n - 1);
    if (r.start > end) r.extent = (r.start - end - step - 1) / -step;
  }
  return r;
}

std::vector<Value> build_slice(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const int rank = in.rank();
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.attr_ints("starts");
    ends = ctx.attr_ints("ends");
    axes = ctx.attr_ints("axes");
  } else {
    starts = ctx.constant_ints(1);
    ends = ctx.constant_ints(2);
    if (ctx.has_input(3)) axes = ctx.constant_ints(3);
    if (ctx.has_input(4)) steps = ctx.constant_ints(4);
  }
  if (axes.empty()) {
    axes.resize(starts.size());
    std::iota(axes.begin(), axes.end(), int64_t{0});
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    ctx.invalid(fmt::format("starts, ends, axes and steps have {}, {}, {} and {} entries",
                            starts.size(), ends.size(), axes.size(), steps.size()));
  }
  const std::vector<Var> vars = onnx_vars(rank);
  std::vector<Expr> index = as_exprs(vars);
  std::vector<int64_t> dims = in.dims;
  std::vector<bool> sliced(static_cast<size_t>(rank), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    const int axis = ctx.axis(axes[i], rank);
    if (sliced[axis]) ctx.invalid(fmt::format("axis {} is sliced twice", axis));
    sliced[axis] = true;
    if (steps[i] == 0) ctx.invalid("a step is 0");
    const SliceRange r = slice_range(starts[i], ends[i], steps[i], in.dims[axis]);
    dims[axis] = r.extent;
    if (r.start != 0 || r.step != 1) {
      index[axis] = vars[axis] * static_cast<int>(r.step) + static_cast<int>(r.start);
    }
  }
  Func out = ctx.func();
  define(out, vars, in.at(index));
  return {Value{out, dims, in.type, std::nullopt}};
}

// Pad's fill value as an element of `type` (0 when omitted).
Expr pad_value(const OpContext& ctx, Halide::Type type) {
  if (ctx.opset() < 11) return Halide::cast(type, ctx.attr_float("value", 0.0f));
  if (!ctx.has_input(2)) return Halide::cast(type, 0);
  if (ctx.input(2).num_elements() != 1) ctx.invalid("constant_value is not a scalar");
  // Integers are read as int64 so that large values stay exact.
  if (type.is_float()) return Halide::cast(type, Expr(ctx.constant_doubles(2)[0]));
  return Halide::cast(type, Expr(ctx.constant_ints(2)[0]));
}

// The input coordinate that reflect mode reads for coordinate i of an axis of extent n
// (numpy's "reflect": the edge element is not repeated; beyond one reflection the pattern
// repeats with period 2(n-1)). Clamped only so that bounds inference stays within the axis.
Expr reflect(const Expr& i, int64_t n) {
  if (n == 1) return 0;
  const int last = static_cast<int>(n) - 1;
  const Expr m = i % (2 * last);  // Halide's % of a positive divisor is never negative
  return Halide::clamp(Halide::select(m <= last, m, 2 * last - m), 0, last);
}

std::vector<Value> build_pad(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const int rank = in.rank();
  const std::string mode = ctx.attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") {
    ctx.unsupported("attribute mode=" + mode);
  }
  if (ctx.has_input(3)) ctx.unsupported("input axes");
  // pads lists every axis's begin, then every axis's end.
  const std::vector<int64_t> pads = ctx.opset() < 11
                                        ? ctx.attr_ints(ctx.opset() < 2 ? "paddings" : "pads")
                                        : ctx.constant_ints(1);
  if (pads.size() != 2 * in.dims.size()) {
    ctx.invalid(fmt::format("{} pads for rank {}", pads.size(), rank));
  }
  const Expr value = mode == "constant" ? pad_value(ctx, in.type) : Expr();
  const std::vector<Var> vars = onnx_vars(rank);
  std::vector<Expr> index = as_exprs(vars);
  std::vector<int64_t> dims(in.dims.size());
  Expr inside;  // where constant mode reads the input; undefined when everywhere
  for (int d = 0; d < rank; ++d) {
    const int64_t begin = pads[d], end = pads[d + rank], n = in.dims[d];
    dims[d] = begin + n + end;
    if (dims[d] < 0) ctx.invalid(fmt::format("pads crop more than axis {} holds", d));
    // A negative pad crops: the shift below does it, and nothing is read outside.
    if (begin != 0) index[d] = vars[d] - static_cast<int>(begin);
    if (begin <= 0 && end <= 0) continue;
    if (n == 0 && mode != "constant") ctx.invalid("cannot pad an empty axis in mode " + mode);
    const int last = static_cast<int>(n) - 1;
    if (mode == "reflect") {
      index[d] = reflect(index[d], n);
      continue;
    }
    if (mode == "constant") {
      const Expr in_axis = index[d] >= 0 && index[d] <= last;
      inside = inside.defined() ? inside && in_axis : in_axis;
    }
    // Edge mode's read, and constant mode's clamp that keeps bounds inference finite.
    index[d] = Halide::clamp(index[d], 0, last);
  }
  Expr e = in.at(index);
  if (inside.defined()) e = Halide::select(inside, e, value);
  Func out = ctx.func();
  define(out, vars, e);
  return {Value{out, dims, in.type, std::nullopt}};
}

std::vector<Value> build_shape(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const int64_t rank = in.rank();
  // Opset 15's start and end count from the back when negative, then clamp to [0, rank].
  int64_t start = ctx.attr_int("start", 0);
  int64_t end = ctx.attr_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  HostTensor shape = make_host_tensor({end - start}, Halide::Int(64));
  auto* data = static_cast<int64_t*>(shape.buffer.data());
  for (int64_t i = start; i < end; ++i) data[i - start] = in.dims[static_cast<size_t>(i)];
  return {constant_value(ctx.func(), shape)};
}

// Size: the number of elements, a scalar known at import time like Shape.
std::vector<Value> build_size(const OpContext& ctx) {
  HostTensor size = make_host_tensor({}, Halide::Int(64));
  *static_cast<int64_t*>(size.buffer.data()) = ctx.input(0).num_elements();
  return {constant_value(ctx.func(), size)};
}

// ConstantOfShape: a tensor of the constant input's shape filled with the one-element
// `value` attribute (float 0 by default); known at import time.
std::vector<Value> build_constant_of_shape(const OpContext& ctx) {
  const std::vector<int64_t> dims = ctx.constant_ints(0);
  if (std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 0; })) {
    ctx.invalid("negative dimension");
  }
  HostTensor fill = make_host_tensor({}, Halide::Float(32));
  if (ctx.has_attr("value")) {
    fill = decode_tensor(ctx.attr_tensor("value"));
    if (fill.num_elements() != 1) ctx.invalid("attribute value does not hold one element");
  } else {
    *static_cast<float*>(fill.buffer.data()) = 0.f;
  }
  HostTensor out = make_host_tensor(dims, fill.type());
  const size_t bytes = fill.type().bytes();
  auto* dst = static_cast<uint8_t*>(out.buffer.data());
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    std::memcpy(dst + static_cast<size_t>(i) * bytes, fill.buffer.data(), bytes);
  }
  return {constant_value(ctx.func(), out)};
}

std::vector<Value> build_gather(const OpContext& ctx) {
  const Value& data = ctx.input(0);
  const Value& indices = ctx.input(1);
  if (data.rank() == 0) ctx.invalid("cannot gather from a scalar");
  if (indices.type != Halide::Int(32) && indices.type != Halide::Int(64)) {
    ctx.invalid("indices have type " + halide_type_name(indices.type));
  }
  const int axis = ctx.axis(ctx.attr_int("axis", 0), data.rank());
  const int64_t n = data.dims[axis];
  // The output's axes: data's before axis, then indices', then data's after axis.
  std::vector<int64_t> dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  const std::vector<Var> vars = onnx_vars(static_cast<int>(dims.size()));
  const int q = indices.rank();

  Expr index;
  if (indices.constant) {
    const std::vector<int64_t> values = indices.constant->to_int64();
    for (int64_t i : values) {
      if (i < -n || i >= n) {
        ctx.invalid(fmt::format("index {} is out of range for extent {}", i, n));
      }
    }
    // One known index reads its slice directly, which keeps bounds inference tight.
    if (values.size() == 1) index = static_cast<int>(values[0] < 0 ? values[0] + n : values[0]);
  }
  if (!index.defined()) {
    const std::vector<Expr> at(vars.begin() + axis, vars.begin() + axis + q);
    const Expr i = Halide::cast<int32_t>(indices.at(at));
    // Negative indices count from the back; the clamp bounds reads of computed indices.
    index = Halide::clamp(Halide::select(i < 0, i + static_cast<int>(n), i), 0,
                          static_cast<int>(n) - 1);
  }
  std::vector<Expr> read(vars.begin(), vars.begin() + axis);
  read.push_back(index);
  read.insert(read.end(), vars.begin() + axis + q, vars.end());
  Func out = ctx.func();
  define(out, vars, data.at(read));
  return {Value{out, dims, data.type, std::nullopt}};
}

std::vector<Value> build_expand(const OpContext& ctx) {
  const Value& in = ctx.input(0);
  const std::vector<int64_t> shape = ctx.constant_ints(1);
  for (int64_t s : shape) {
    if (s < 0) ctx.invalid(fmt::format("shape [{}] has a negative extent", fmt::join(shape, ",")));
  }
  // Broadcasting runs both ways: a 1 in shape keeps the input's extent.
  std::vector<int64_t> dims;
  try {
    dims = broadcast_dims(in.dims, shape);
  } catch (const OnnxError& e) {
    ctx.invalid(e.what());
  }
  const std::vector<Var> vars = onnx_vars(static_cast<int>(dims.size()));
  Func out = ctx.func();
  define(out, vars, broadcast_at(in, vars));
  return {Value{out, dims, in.type, std::nullopt}};
}

std::vector<Value> build_tile(const OpContext& ctx) {
  if (ctx.opset() < 6) ctx.unsupported("Tile before opset 6 (inputs tiles and axis)");
  const Value& in = ctx.input(0);
  const std::vector<int64_t> repeats = ctx.constant_ints(1);
  if (repeats.size() != in.dims.size()) {
    ctx.invalid(fmt::format("{} repeats for rank {}", repeats.size(), in.rank()));
  }
  const std::vector<Var> vars = onnx_vars(in.rank());
  std::vector<Expr> index = as_exprs(vars);
  std::vector<int64_t> dims(in.dims.size());
  for (size_t d = 0; d < in.dims.size(); ++d) {
    if (repeats[d] < 0) ctx.invalid(fmt::format("repeat {} is negative", repeats[d]));
    dims[d] = in.dims[d] * repeats[d];
    if (in.dims[d] <= 1) {
      index[d] = 0;
    } else if (repeats[d] > 1) {
      index[d] = vars[d] % static_cast<int>(in.dims[d]);
    }
  }
  Func out = ctx.func();
  define(out, vars, in.at(index));
  return {Value{out, dims, in.type, std::nullopt}};
}

}  // namespace

void register_shape_ops(OpTable& table) {
  table["Reshape"] = build_reshape;
  table["Flatten"] = build_flatten;
  table["Squeeze"] = build_squeeze;
  table["Unsqueeze"] = build_unsqueeze;
  table["Transpose"] = build_transpose;
  table["Concat"] = build_concat;
  table["Slice"] = build_slice;
  table["Pad"] = build_pad;
  table["Shape"] = build_shape;
  table["Size"] = build_size;
  table["ConstantOfShape"] = build_constant_of_shape;
  table["Gather"] = build_gather;
  table["Expand"] = build_expand;
  table["Tile"] = build_tile;
  register_resize_ops(table);
}

}  // namespace gnnperf
