#include "onnx/window.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace gnnperf {

using Halide::Expr;
using Halide::Func;
using Halide::Var;

Expr WindowAxis::start(const Expr& o) const {
  Expr p = stride == 1 ? o : o * static_cast<int>(stride);
  return pad_begin == 0 ? p : p - static_cast<int>(pad_begin);
}

Expr WindowAxis::position(const Expr& o, const Expr& k) const {
  if (kernel == 1) return start(o);
  return start(o) + (dilation == 1 ? k : k * static_cast<int>(dilation));
}

std::vector<int64_t> spatial_ints(const OpContext& ctx, const std::string& name, size_t n,
                                  int64_t fallback, int64_t min) {
  std::vector<int64_t> values = ctx.attr_ints(name, std::vector<int64_t>(n, fallback));
  if (values.size() != n) {
    ctx.invalid(fmt::format("attribute {} has {} entries, expected {}", name, values.size(), n));
  }
  for (int64_t v : values) {
    if (v < min) {
      ctx.invalid(fmt::format("attribute {}=[{}] has an entry below {}", name,
                              fmt::join(values, ","), min));
    }
  }
  return values;
}

std::vector<WindowAxis> window_axes(const OpContext& ctx, const std::vector<int64_t>& in,
                                    const std::vector<int64_t>& kernel) {
  const size_t n = in.size();
  const std::vector<int64_t> strides = spatial_ints(ctx, "strides", n, 1, 1);
  const std::vector<int64_t> dilations = spatial_ints(ctx, "dilations", n, 1, 1);
  const std::vector<int64_t> pads = spatial_ints(ctx, "pads", 2 * n, 0, 0);
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  if (!same && auto_pad != "NOTSET" && auto_pad != "VALID") {
    ctx.invalid(fmt::format("attribute auto_pad={} is unknown", auto_pad));
  }
  const bool ceil_mode = ctx.attr_int("ceil_mode", 0) != 0;

  std::vector<WindowAxis> axes(n);
  for (size_t i = 0; i < n; ++i) {
    WindowAxis& a = axes[i];
    a.in = in[i];
    a.kernel = kernel[i];
    a.stride = strides[i];
    a.dilation = dilations[i];
    if (a.kernel < 1) ctx.invalid(fmt::format("kernel extent {} is not positive", a.kernel));
    if (same) {
      // Pad so that out = ceil(in / stride); an odd unit goes to the end for SAME_UPPER.
      const int64_t out = (a.in + a.stride - 1) / a.stride;
      const int64_t total = std::max<int64_t>(0, (out - 1) * a.stride + a.span() - a.in);
      a.pad_begin = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      a.pad_end = total - a.pad_begin;
    } else if (auto_pad == "NOTSET") {
      a.pad_begin = pads[i];
      a.pad_end = pads[i + n];
    }
    const int64_t room = a.in + a.pad_begin + a.pad_end - a.span();
    if (room < 0) {
      ctx.invalid(fmt::format("kernel extent {} exceeds the padded input extent {}", a.span(),
                              a.in + a.pad_begin + a.pad_end));
    }
    // ONNX (as of 1.12, which checks the shapes we build) keeps a ceil_mode window even
    // when it starts in the end padding; PyTorch would drop it.
    a.out = (ceil_mode ? room + a.stride - 1 : room) / a.stride + 1;
  }
  return axes;
}

Value padded_input(const OpContext& ctx, const Value& x, const std::vector<WindowAxis>& axes,
                   const Expr& outside) {
  const std::vector<Var> v = onnx_vars(x.rank());
  std::vector<Expr> index = as_exprs(v);
  const size_t first = x.dims.size() - axes.size();
  Expr inside;
  for (size_t i = 0; i < axes.size(); ++i) {
    const WindowAxis& a = axes[i];
    if (a.pad_begin == 0 && a.last_read() < a.in) continue;
    const Var& p = v[first + i];
    const int extent = static_cast<int>(a.in);
    index[first + i] = Halide::clamp(p, 0, extent - 1);
    const Expr in_axis = p >= 0 && p < extent;
    inside = inside.defined() ? (inside && in_axis) : in_axis;
  }
  if (!inside.defined()) return x;
  Func f = ctx.func("pad");
  define(f, v, Halide::select(inside, x.at(index), Halide::cast(x.type, outside)));
  return Value{f, x.dims, x.type, std::nullopt};
}

Reduction make_reduction(const std::vector<int64_t>& extents, const std::string& name) {
  Halide::Region region;
  for (auto e = extents.rbegin(); e != extents.rend(); ++e) {
    if (*e != 1) region.emplace_back(0, static_cast<int>(*e));
  }
  Reduction r;
  if (!region.empty()) r.dom = Halide::RDom(region, name);
  r.index.assign(extents.size(), Expr(0));
  int next = 0;
  for (size_t i = extents.size(); i-- > 0;) {
    if (extents[i] != 1) r.index[i] = r.dom[next++];
  }
  return r;
}

void define_reduction(Func& f, const std::vector<Var>& vars, const Expr& init, const Reduction& r,
                      const std::function<Expr(const Expr&)>& combine) {
  if (!r.dom.defined()) {
    define(f, vars, combine(init));
    return;
  }
  define(f, vars, init);
  const std::vector<Var> reversed(vars.rbegin(), vars.rend());
  define(f, vars, combine(f(reversed)));
}

void require_type(const OpContext& ctx, Halide::Type type, bool allow_int) {
  const bool ok =
      type.is_float() ? type.bits() >= 32 : allow_int && type.is_int_or_uint() && type.bits() >= 8;
  if (!ok) ctx.unsupported("type " + halide_type_name(type));
}

}  // namespace gnnperf
