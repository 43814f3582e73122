// Helpers shared by the tests: scratch directories and running the gnnperf binary.
#pragma once

#include <string>

namespace gnnperf::test {

// A fresh empty directory under the build tree, removed at exit.
std::string scratch_dir(const std::string& name);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `gnnperf <args>` through the shell; args are shell words.
CommandResult run_gnnperf(const std::string& args);

// Number of non-empty lines.
int line_count(const std::string& text);

// Writes `text` to `path`.
void write_file(const std::string& path, const std::string& text);

// Bad input: a non-zero exit and exactly one stderr line that contains `fragment`.
void expect_one_line_error(const CommandResult& r, const std::string& fragment);

}  // namespace gnnperf::test
