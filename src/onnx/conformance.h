// Checks the importer against ONNX's backend node tests (Debian's libonnx-testdata):
// each test's model is imported whole, run on the test's inputs with a plain or an
// autoscheduled Halide schedule, and compared with the expected outputs.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gnnperf {

inline constexpr const char* kOnnxNodeTests = "/usr/share/libonnx-testdata/data/node";

struct ConformanceOptions {
  std::string data_dir = kOnnxNodeTests;
  std::string filter = "*";         // comma-separated globs over test names, e.g. "test_conv_*"
  int jobs = 1;                     // tests run at once, each in its own process
  bool autoschedule = false;        // Adams2019 (greedy) instead of the plain schedule
  double rtol = 1e-3, atol = 1e-7;  // ONNX's defaults
  double timeout_s = 120;
  // Tests known to fail for a reason outside gnnperf (a Halide bug, say), by name: a
  // failure of one of them is reported as known, with this reason.
  std::map<std::string, std::string> known_failures;
};

// Reads "test_name  reason" lines ('#' starts a comment); throws std::runtime_error if
// the file cannot be read.
std::map<std::string, std::string> read_known_failures(const std::string& path);

enum class CaseStatus { kPassed, kFailed, kUnsupported, kKnownFailure };

struct CaseResult {
  std::string name;
  CaseStatus status = CaseStatus::kFailed;
  std::string detail;  // why it failed or is unsupported
};

// Test names under data_dir that match the filter, sorted. Throws std::runtime_error if
// the directory cannot be read.
std::vector<std::string> conformance_cases(const ConformanceOptions& options);

// Runs one test in a child process, so that a crash or a hang is a failure of that test
// rather than the end of the run.
CaseResult run_conformance_case(const ConformanceOptions& options, const std::string& name);

}  // namespace gnnperf
