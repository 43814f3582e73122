#include "baselines/halide_weights.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <utility>

namespace gnnperf {

// The file is little-endian and is read and written by copying raw bytes.
static_assert(std::endian::native == std::endian::little, "hwf1 I/O assumes a little-endian host");

namespace {

using Halide::Runtime::Buffer;

size_t element_count(const std::vector<int>& extents) {
  size_t n = 1;
  for (int e : extents) n *= static_cast<size_t>(e);
  return n;
}

std::string extents_text(const std::vector<int>& extents) {
  std::string s;
  for (size_t i = 0; i < extents.size(); ++i) s += (i ? " x " : "") + std::to_string(extents[i]);
  return s.empty() ? "scalar" : s;
}

// Reads the little-endian fields of a file held in memory, failing with the file's
// name and what was being read when it runs out.
class Reader {
 public:
  Reader(std::string path, std::vector<char> bytes)
      : path_(std::move(path)), bytes_(std::move(bytes)) {}

  uint32_t u32(const std::string& what) {
    uint32_t v = 0;
    take(&v, sizeof v, what);
    return v;
  }
  void floats(float* out, size_t count, const std::string& what) {
    take(out, count * sizeof(float), what);
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  void take(void* out, size_t n, const std::string& what) {
    if (remaining() < n) {
      throw std::runtime_error(fmt::format(
          "Halide weights file '{}' is truncated: {} bytes, ended while reading {} at byte {}",
          path_, bytes_.size(), what, pos_));
    }
    std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
  }

  std::string path_;
  std::vector<char> bytes_;
  size_t pos_ = 0;
};

void put_u32(std::ofstream& out, uint32_t v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

const std::vector<HalideWeightSpec>& halide_weight_specs() {
  // Halide 14's NetworkSize.h: head1 8 channels over 40 x 7 pipeline features, head2 24
  // channels over 39 schedule features, conv1 32 channels over the 8 + 24 embeddings.
  static const std::vector<HalideWeightSpec> specs = {
      {"head1_filter", "head1_filter", {8, 40, 7}}, {"head1_bias", "head1_bias", {8}},
      {"head2_filter", "head2_filter", {24, 39}},   {"head2_bias", "head2_bias", {24}},
      {"conv1_filter", "filter1", {32, 32}},        {"conv1_bias", "bias1", {32}},
  };
  return specs;
}

HalideWeights HalideWeights::clone() const {
  HalideWeights out;
  out.pipeline_features_version = pipeline_features_version;
  out.schedule_features_version = schedule_features_version;
  out.buffers.reserve(buffers.size());
  for (const auto& b : buffers) out.buffers.push_back(b.copy());
  return out;
}

void check_halide_weights(const HalideWeights& weights) {
  const auto& specs = halide_weight_specs();
  if (weights.buffers.size() != specs.size()) {
    throw std::invalid_argument(fmt::format("Halide cost-model weights need {} buffers, got {}",
                                            specs.size(), weights.buffers.size()));
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    const Buffer<float>& b = weights.buffers[i];
    const std::vector<int>& want = specs[i].extents;
    bool ok = b.data() != nullptr && b.dimensions() == static_cast<int>(want.size());
    int64_t stride = 1;
    for (int d = 0; ok && d < b.dimensions(); ++d) {
      ok = b.dim(d).min() == 0 && b.dim(d).extent() == want[static_cast<size_t>(d)] &&
           b.dim(d).stride() == stride;
      stride *= want[static_cast<size_t>(d)];
    }
    if (!ok) {
      throw std::invalid_argument(
          fmt::format("Halide cost-model weight buffer {} must be a dense {} buffer", specs[i].name,
                      extents_text(want)));
    }
  }
}

HalideWeights load_halide_weights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot open Halide weights file '{}'", path));
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read Halide weights file '{}'", path));

  Reader r(path, std::move(bytes));
  const uint32_t signature = r.u32("the signature");
  if (signature != kHalideWeightsSignature) {
    throw std::runtime_error(fmt::format(
        "'{}' is not a Halide weights file (signature {:#010x}, expected {:#010x} \"hwf1\")", path,
        signature, kHalideWeightsSignature));
  }
  HalideWeights w;
  w.pipeline_features_version = r.u32("the pipeline-features version");
  w.schedule_features_version = r.u32("the schedule-features version");
  if (w.pipeline_features_version != kHalideFeaturesVersion ||
      w.schedule_features_version != kHalideFeaturesVersion) {
    throw std::runtime_error(
        fmt::format("Halide weights file '{}' is for feature versions {}/{}; Halide 14's "
                    "featurization is {}/{}",
                    path, w.pipeline_features_version, w.schedule_features_version,
                    kHalideFeaturesVersion, kHalideFeaturesVersion));
  }
  const uint32_t count = r.u32("the buffer count");
  const auto& specs = halide_weight_specs();
  if (count != specs.size()) {
    throw std::runtime_error(fmt::format("Halide weights file '{}' has {} buffers, expected {}",
                                         path, count, specs.size()));
  }
  for (const HalideWeightSpec& spec : specs) {
    const std::string name = spec.name;
    const uint32_t rank = r.u32("the rank of " + name);
    std::vector<int> extents;
    for (uint32_t d = 0; d < rank && d < 8; ++d) {
      extents.push_back(static_cast<int>(r.u32("the extents of " + name)));
    }
    if (rank != spec.extents.size() || extents != spec.extents) {
      throw std::runtime_error(
          fmt::format("Halide weights file '{}': buffer {} is {} (rank {}), expected {}", path,
                      name, extents_text(extents), rank, extents_text(spec.extents)));
    }
    Buffer<float> b(spec.extents);
    r.floats(b.data(), element_count(spec.extents), "the data of " + name);
    w.buffers.push_back(std::move(b));
  }
  if (r.remaining() != 0) {
    throw std::runtime_error(
        fmt::format("Halide weights file '{}' has {} trailing bytes", path, r.remaining()));
  }
  return w;
}

void save_halide_weights(const HalideWeights& weights, const std::string& path) {
  check_halide_weights(weights);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("cannot write Halide weights file '{}'", path));
  put_u32(out, kHalideWeightsSignature);
  put_u32(out, weights.pipeline_features_version);
  put_u32(out, weights.schedule_features_version);
  put_u32(out, static_cast<uint32_t>(weights.buffers.size()));
  for (const Buffer<float>& b : weights.buffers) {
    put_u32(out, static_cast<uint32_t>(b.dimensions()));
    for (int d = 0; d < b.dimensions(); ++d) put_u32(out, static_cast<uint32_t>(b.dim(d).extent()));
    // Dense with min 0 (checked above), so the data is one block in file order.
    out.write(reinterpret_cast<const char*>(b.data()),
              static_cast<std::streamsize>(b.number_of_elements() * sizeof(float)));
  }
  out.close();
  if (!out) throw std::runtime_error(fmt::format("cannot write Halide weights file '{}'", path));
}

HalideWeights random_halide_weights(uint64_t seed) {
  // The same stream as gnnperf's earlier random-weights writer, so that seeds recorded in
  // existing datasets still give the same weights.
  std::mt19937_64 rng(seed);
  HalideWeights w;
  for (const HalideWeightSpec& spec : halide_weight_specs()) {
    Buffer<float> b(spec.extents);
    float* data = b.data();
    const size_t n = element_count(spec.extents);
    for (size_t i = 0; i < n; ++i) {
      data[i] = static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53 - 0.5);
    }
    w.buffers.push_back(std::move(b));
  }
  return w;
}

}  // namespace gnnperf
