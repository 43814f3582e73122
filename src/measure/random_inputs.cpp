#include "measure/random_inputs.h"

#include <cmath>
#include <cstring>

namespace gnnperf {
namespace {

// splitmix64's finalizer: every input bit affects every output bit.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

template <typename T>
void fill_typed(Halide::Buffer<T> buf, uint64_t seed) {
  const int dims = buf.dimensions();
  buf.for_each_element([&](const int* pos) {
    uint64_t h = mix(seed);
    for (int d = 0; d < dims; ++d) h = mix(h ^ static_cast<uint32_t>(pos[d]));
    const double v = static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1)
    if constexpr (std::is_floating_point_v<T>) {
      buf(pos) = static_cast<T>(v);
    } else {
      buf(pos) = static_cast<T>(std::abs(v) * 100);  // small non-negative integers
    }
  });
}

}  // namespace

void fill_random(Halide::Buffer<> buf, uint64_t seed) {
  const Halide::Type type = buf.type();
  if (type == Halide::Float(32))
    fill_typed(Halide::Buffer<float>(buf), seed);
  else if (type == Halide::Float(64))
    fill_typed(Halide::Buffer<double>(buf), seed);
  else if (type == Halide::UInt(8))
    fill_typed(Halide::Buffer<uint8_t>(buf), seed);
  else if (type == Halide::UInt(16))
    fill_typed(Halide::Buffer<uint16_t>(buf), seed);
  else if (type == Halide::Int(32))
    fill_typed(Halide::Buffer<int32_t>(buf), seed);
  else if (type == Halide::Int(16))
    fill_typed(Halide::Buffer<int16_t>(buf), seed);
  else if (type == Halide::UInt(32))
    fill_typed(Halide::Buffer<uint32_t>(buf), seed);
  else if (type == Halide::Int(8))
    fill_typed(Halide::Buffer<int8_t>(buf), seed);
  else
    std::memset(buf.raw_buffer()->host, 0, buf.size_in_bytes());  // other types: zeros
}

uint64_t seed_of_name(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace gnnperf
