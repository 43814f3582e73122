#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "workloads/registry.h"

namespace gnnperf::cli {

void add_workloads_command(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("workloads", "List the built-in workloads");
  auto json_output = std::make_shared<bool>(false);
  auto spec = std::make_shared<std::string>();
  cmd->add_flag("--json", *json_output, "Print JSON");
  cmd->add_option("--spec", *spec,
                  "Only the workloads a spec selects (e.g. 'resnet50.*,random:5')");
  cmd->callback([&run, json_output, spec] {
    run = [json_output, spec] {
      const auto workloads = spec->empty() ? named_workloads() : resolve_workloads(*spec);
      if (*json_output) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& w : workloads) {
          out.push_back({{"name", w.name}, {"family", w.family}, {"description", w.description}});
        }
        fmt::print("{}\n", out.dump(2));
      } else {
        for (const auto& w : workloads)
          fmt::print("{:<36} {:<16} {}\n", w.name, w.family, w.description);
        if (spec->empty()) fmt::print("(plus random pipelines: random:N or random:N:SEED)\n");
      }
      return 0;
    };
  });
}

}  // namespace gnnperf::cli
