// Checks the outputs of schedules that were timed without a check (collected before
// dataset schema version 3). Each is autoscheduled again in a child process from its
// stored sampling parameters, confirmed to be the very schedule stored (equal schedule
// features), compiled, run once and compared with the plain schedule's outputs; the
// difference is stored in output_checks, which takes wrong schedules out of training
// and evaluation (DatasetStore::schedules).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gnnperf {

struct CheckOptions {
  std::string db_path;
  int jobs = 2;
  int64_t limit = 0;  // schedules to check at most; 0: all
  double timeout_s = 300;
  size_t memory_limit_bytes = size_t{8} << 30;
};

struct CheckReport {
  int64_t unchecked = 0;              // schedules without a check before this run
  int64_t checked = 0;                // checks stored by this run
  int64_t wrong = 0;                  // ...of which computed wrong values
  int64_t not_rebuildable = 0;        // pipelines gnnperf cannot build again (imported ONNX)
  int64_t not_reproduced = 0;         // the autoscheduler gave another schedule this time
  std::vector<std::string> failures;  // "schedule <id> (<pipeline>): <phase>: <reason>"
  double wall_s = 0;
  bool interrupted = false;
};

CheckReport check_outputs(const CheckOptions& options);

}  // namespace gnnperf
