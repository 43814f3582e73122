#include "measure/random_inputs.h"

#include <cmath>
#include <cstring>

namespace gnnperf {
namespace {

template <typename T>
void fill_typed(Halide::Buffer<T> buf, std::mt19937& rng) {
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  T* data = buf.data();
  for (size_t i = 0; i < buf.number_of_elements(); ++i) {
    double v = unit(rng);
    if constexpr (std::is_floating_point_v<T>) {
      data[i] = static_cast<T>(v);
    } else {
      data[i] = static_cast<T>(std::abs(v) * 100);  // small non-negative integers
    }
  }
}

}  // namespace

void fill_random(Halide::Buffer<> buf, std::mt19937& rng) {
  const Halide::Type type = buf.type();
  if (type == Halide::Float(32))
    fill_typed(Halide::Buffer<float>(buf), rng);
  else if (type == Halide::Float(64))
    fill_typed(Halide::Buffer<double>(buf), rng);
  else if (type == Halide::UInt(8))
    fill_typed(Halide::Buffer<uint8_t>(buf), rng);
  else if (type == Halide::UInt(16))
    fill_typed(Halide::Buffer<uint16_t>(buf), rng);
  else if (type == Halide::Int(32))
    fill_typed(Halide::Buffer<int32_t>(buf), rng);
  else if (type == Halide::Int(16))
    fill_typed(Halide::Buffer<int16_t>(buf), rng);
  else if (type == Halide::UInt(32))
    fill_typed(Halide::Buffer<uint32_t>(buf), rng);
  else if (type == Halide::Int(8))
    fill_typed(Halide::Buffer<int8_t>(buf), rng);
  else
    std::memset(buf.raw_buffer()->host, 0, buf.size_in_bytes());  // other types: zeros
}

}  // namespace gnnperf
