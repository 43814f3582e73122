#include "collect/reference_outputs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "measure/random_inputs.h"
#include "measure/timing.h"
#include "sampling/plain_schedule.h"

namespace gnnperf {
namespace {

// File layout: the number of outputs, then per output its number of values and the
// values, all native-endian (the files live only as long as one collection).
void write_values(std::ofstream& f, const OutputValues& values) {
  auto put = [&](uint64_t n) { f.write(reinterpret_cast<const char*>(&n), sizeof n); };
  put(values.size());
  for (const auto& v : values) {
    put(v.size());
    f.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(double)));
  }
}

OutputValues read_values(std::ifstream& f) {
  auto get = [&] {
    uint64_t n = 0;
    f.read(reinterpret_cast<char*>(&n), sizeof n);
    return n;
  };
  OutputValues values(get());
  for (auto& v : values) {
    v.resize(get());
    f.read(reinterpret_cast<char*>(v.data()),
           static_cast<std::streamsize>(v.size() * sizeof(double)));
  }
  return values;
}

}  // namespace

OutputValues compute_reference_outputs(const Workload& workload, const Halide::Target& target) {
  BuiltPipeline built = workload.build();
  Halide::Pipeline pipeline = built.pipeline();
  apply_plain_schedule(built.output_funcs());
  pipeline.compile_jit(target);
  Halide::Realization realization = prepare_run(pipeline, built, target);
  pipeline.realize(realization);
  return values_of(realization);
}

std::string ReferenceOutputs::path_of(const std::string& pipeline_name) const {
  return fmt::format("{}/{:016x}.outputs", dir_, seed_of_name(pipeline_name));
}

void ReferenceOutputs::ensure(const Workload& workload, const Halide::Target& target) const {
  const std::string path = path_of(workload.name);
  if (std::filesystem::exists(path)) return;
  const OutputValues values = compute_reference_outputs(workload, target);
  const std::string mine = fmt::format("{}.{}", path, getpid());
  {
    std::ofstream f(mine, std::ios::binary);
    write_values(f, values);
    if (!f) throw std::runtime_error("cannot write reference outputs to " + mine);
  }
  std::filesystem::rename(mine, path);
}

OutputValues ReferenceOutputs::load(const std::string& pipeline_name) const {
  std::ifstream f(path_of(pipeline_name), std::ios::binary);
  if (!f) throw std::runtime_error("no reference outputs for " + pipeline_name);
  OutputValues values = read_values(f);
  if (!f) throw std::runtime_error("reference outputs of " + pipeline_name + " are truncated");
  return values;
}

}  // namespace gnnperf
