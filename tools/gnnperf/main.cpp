// gnnperf: a thin driver over the gnnperf library.
#include <fmt/format.h>

#include <exception>

#include "commands.h"

int main(int argc, char** argv) {
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{"gnnperf: a graph neural network performance model for Halide schedules"};
  app.require_subcommand(1);
  gnnperf::cli::Runner run;
  gnnperf::cli::add_workloads_command(app, run);
  gnnperf::cli::add_collect_command(app, run, command_line);
  gnnperf::cli::add_dataset_command(app, run);
  gnnperf::cli::add_model_commands(app, run);
  gnnperf::cli::add_eval_commands(app, run);
  gnnperf::cli::add_onnx_commands(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "gnnperf: error: {}\n", e.what());
    return 1;
  }
}
