#include "dataset/sample_export.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace gnnperf {

int64_t export_samples(DatasetStore& store, const std::string& dir,
                       std::optional<int64_t> machine_id) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw DatasetError(fmt::format("cannot create directory '{}': {}", dir, ec.message()));
  std::ofstream list(fs::path(dir) / "samples.txt");
  if (!list) throw DatasetError(fmt::format("cannot write into directory '{}'", dir));
  std::map<int64_t, StoredPipeline> pipelines;
  for (auto& p : store.pipelines(machine_id)) pipelines.emplace(p.id, std::move(p));
  int64_t count = 0;
  for (const auto& s : store.schedules(machine_id)) {
    const StoredPipeline& p = pipelines.at(s.pipeline_id);
    const fs::path stem =
        fs::absolute(fs::path(dir) / fmt::format("p{}_s{}", s.pipeline_id, s.schedule_id));
    const fs::path path = stem.string() + ".sample";
    // retrain_cost_model copies the schedule beside the fastest sample.
    std::ofstream(stem.string() + ".schedule.h") << s.schedule_source;
    std::ofstream out(path, std::ios::binary);
    const std::vector<float> features = join_featurization({p.num_stages, s.schedule, p.algorithm});
    const auto runtime = static_cast<float>(s.runtime_ms);
    const auto pipeline = static_cast<int32_t>(s.pipeline_id);
    const auto schedule = static_cast<int32_t>(s.schedule_id);
    out.write(reinterpret_cast<const char*>(features.data()),
              static_cast<std::streamsize>(features.size() * sizeof(float)));
    out.write(reinterpret_cast<const char*>(&runtime), sizeof runtime);
    out.write(reinterpret_cast<const char*>(&pipeline), sizeof pipeline);
    out.write(reinterpret_cast<const char*>(&schedule), sizeof schedule);
    if (!out) throw DatasetError(fmt::format("cannot write '{}'", path.string()));
    list << path.string() << '\n';
    ++count;
  }
  return count;
}

}  // namespace gnnperf
