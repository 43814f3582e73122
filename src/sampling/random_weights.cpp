#include "sampling/random_weights.h"

#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

namespace gnnperf {
namespace {

// The buffers of Adams2019's network, in file order.
const std::vector<std::vector<uint32_t>> kBufferShapes = {{8, 40, 7}, {8},      {24, 39},
                                                          {24},       {32, 32}, {32}};

void put(std::ofstream& out, uint32_t v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); }

}  // namespace

void write_random_weights(uint64_t seed, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 rng(seed);
  put(out, 0x68776631);  // "hwf1"
  put(out, 3);           // pipeline features version
  put(out, 3);           // schedule features version
  put(out, static_cast<uint32_t>(kBufferShapes.size()));
  for (const auto& shape : kBufferShapes) {
    put(out, static_cast<uint32_t>(shape.size()));
    size_t count = 1;
    for (uint32_t e : shape) {
      put(out, e);
      count *= e;
    }
    for (size_t i = 0; i < count; ++i) {
      const float f = static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5);
      out.write(reinterpret_cast<const char*>(&f), sizeof f);
    }
  }
  if (!out) throw std::runtime_error("cannot write cost-model weights to " + path);
}

}  // namespace gnnperf
