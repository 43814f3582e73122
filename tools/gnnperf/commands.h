// Subcommands of the gnnperf tool. Each registers its options on the app and returns
// the function that runs it; the functions return the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace gnnperf::cli {

using Runner = std::function<int()>;

void add_workloads_command(CLI::App& app, Runner& run);
void add_collect_command(CLI::App& app, Runner& run, const std::string& command_line);
void add_dataset_command(CLI::App& app, Runner& run);
void add_profile_command(CLI::App& app, Runner& run);
void add_model_commands(CLI::App& app, Runner& run);  // train, predict
void add_eval_commands(CLI::App& app, Runner& run);   // eval, report
void add_onnx_commands(CLI::App& app, Runner& run);   // import, conformance

}  // namespace gnnperf::cli
