// Pieces shared by the windowed ops (Conv, ConvTranspose, MaxPool, AveragePool) and the
// reducing ops (Gemm, MatMul, Reduce*, global pools): ONNX's window attributes turned
// into per-axis geometry, the padded-input stage, and reductions over a set of extents.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "onnx/op_context.h"
#include "onnx/value.h"

namespace gnnperf {

// One spatial axis of a sliding window: the window at output position o reads input
// positions o * stride - pad_begin + k * dilation for taps k in [0, kernel).
struct WindowAxis {
  int64_t in = 0;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t pad_begin = 0;
  int64_t pad_end = 0;
  int64_t out = 0;

  // The dilated kernel's extent.
  int64_t span() const { return (kernel - 1) * dilation + 1; }
  // The last input position any window reads.
  int64_t last_read() const { return (out - 1) * stride - pad_begin + span() - 1; }
  // The input position the window at output position o starts at.
  Halide::Expr start(const Halide::Expr& o) const;
  // The input position read at output position o and tap k (k is unused for a 1-tap kernel).
  Halide::Expr position(const Halide::Expr& o, const Halide::Expr& k) const;
};

// An ints attribute with n entries (`fallback` each when absent). A wrong length or an
// entry below `min` makes the node malformed.
std::vector<int64_t> spatial_ints(const OpContext& ctx, const std::string& name, size_t n,
                                  int64_t fallback, int64_t min);

// The window of a Conv, MaxPool or AveragePool over spatial extents `in` with kernel
// `kernel`: reads strides, dilations, pads, auto_pad and ceil_mode, and computes the
// output extents exactly as ONNX shape inference does.
std::vector<WindowAxis> window_axes(const OpContext& ctx, const std::vector<int64_t>& in,
                                    const std::vector<int64_t>& kernel);

// x, whose trailing dims are the spatial axes of `axes`, readable at any position of the
// windows: positions outside x read `outside`. This is the stage ctx.func("pad"), guarding
// only the axes some window leaves, or x itself when none does.
Value padded_input(const OpContext& ctx, const Value& x, const std::vector<WindowAxis>& axes,
                   const Halide::Expr& outside);

// A reduction over `extents` (ONNX order, outermost first; the RDom runs the last one
// innermost, like a Func). index[i] reads axis i; an extent-1 axis gets no RVar and reads
// 0, so a 1x1 kernel or a unit axis adds no unit loops. dom is undefined when no axis is
// left.
struct Reduction {
  Halide::RDom dom;
  std::vector<Halide::Expr> index;
};
Reduction make_reduction(const std::vector<int64_t>& extents, const std::string& name);

// Defines f(vars) = init, then folds every point of r into it: f(vars) = combine(f(vars)),
// where combine reads r.index. Without a dom, f(vars) = combine(init) in one pure stage.
void define_reduction(Halide::Func& f, const std::vector<Halide::Var>& vars,
                      const Halide::Expr& init, const Reduction& r,
                      const std::function<Halide::Expr(const Halide::Expr&)>& combine);

// Throws OnnxUnsupported for element types the accumulating ops do not build: they take
// float32 and float64, and integers of 8 bits or more when `allow_int`.
void require_type(const OpContext& ctx, Halide::Type type, bool allow_int);

}  // namespace gnnperf
