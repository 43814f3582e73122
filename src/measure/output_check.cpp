#include "measure/output_check.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace gnnperf {
namespace {

constexpr double kInfinite = std::numeric_limits<double>::infinity();

template <typename T>
void append_values(const Halide::Buffer<>& buffer, std::vector<double>& out) {
  Halide::Buffer<const T> typed(buffer);
  typed.for_each_value([&](const T& v) { out.push_back(static_cast<double>(v)); });
}

}  // namespace

std::vector<double> values_of(const Halide::Buffer<>& buffer) {
  std::vector<double> out;
  out.reserve(buffer.number_of_elements());
  const Halide::Type t = buffer.type();
  if (t == Halide::Float(32)) {
    append_values<float>(buffer, out);
  } else if (t == Halide::Float(64)) {
    append_values<double>(buffer, out);
  } else if (t == Halide::Int(8)) {
    append_values<int8_t>(buffer, out);
  } else if (t == Halide::Int(16)) {
    append_values<int16_t>(buffer, out);
  } else if (t == Halide::Int(32)) {
    append_values<int32_t>(buffer, out);
  } else if (t == Halide::Int(64)) {
    append_values<int64_t>(buffer, out);
  } else if (t == Halide::Bool()) {
    append_values<bool>(buffer, out);
  } else if (t == Halide::UInt(8)) {
    append_values<uint8_t>(buffer, out);
  } else if (t == Halide::UInt(16)) {
    append_values<uint16_t>(buffer, out);
  } else if (t == Halide::UInt(32)) {
    append_values<uint32_t>(buffer, out);
  } else if (t == Halide::UInt(64)) {
    append_values<uint64_t>(buffer, out);
  } else {
    throw std::invalid_argument("cannot compare outputs of this element type");
  }
  return out;
}

OutputValues values_of(const Halide::Realization& outputs) {
  OutputValues out;
  for (size_t k = 0; k < outputs.size(); ++k) out.push_back(values_of(outputs[k]));
  return out;
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return kInfinite;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) continue;
    const double d = std::abs(a[i] - b[i]) / (1 + std::abs(b[i]));
    if (std::isnan(d)) return kInfinite;
    worst = std::max(worst, d);
  }
  return worst;
}

double max_relative_difference(const OutputValues& a, const OutputValues& b) {
  if (a.size() != b.size()) return kInfinite;
  double worst = 0;
  for (size_t k = 0; k < a.size(); ++k)
    worst = std::max(worst, max_relative_difference(a[k], b[k]));
  return worst;
}

}  // namespace gnnperf
