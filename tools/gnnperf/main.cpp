// gnnperf: a thin driver over the gnnperf library.
#include <cstdio>
#include <exception>

#include "commands.h"

namespace {

int run_gnnperf(int argc, char** argv) {
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{"gnnperf: a graph neural network performance model for Halide schedules"};
  app.require_subcommand(1);
  gnnperf::cli::Runner run;
  gnnperf::cli::add_workloads_command(app, run);
  gnnperf::cli::add_collect_command(app, run, command_line);
  gnnperf::cli::add_dataset_command(app, run);
  gnnperf::cli::add_profile_command(app, run);
  gnnperf::cli::add_model_commands(app, run);
  gnnperf::cli::add_eval_commands(app, run);
  gnnperf::cli::add_onnx_commands(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run();
}

}  // namespace

// Every failure ends as one line on stderr and exit code 1, whichever part it came from.
// The handlers print with fprintf, which cannot throw, so nothing escapes main.
int main(int argc, char** argv) {
  try {
    return run_gnnperf(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gnnperf: error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "gnnperf: error: unexpected exception\n");
  }
  return 1;
}
