// The reference a timed schedule's outputs are checked against (measure/output_check.h):
// the same workload under the plain schedule, run on the same inputs. It costs a compile
// of the plain schedule and one serial run, so it is computed once per pipeline and kept
// in a directory the collector's children share; children compute it in their compile
// phase, which never overlaps a timing.
#pragma once

#include <Halide.h>

#include <string>

#include "measure/output_check.h"
#include "workloads/workload.h"

namespace gnnperf {

OutputValues compute_reference_outputs(const Workload& workload, const Halide::Target& target);

class ReferenceOutputs {
 public:
  explicit ReferenceOutputs(std::string dir) : dir_(std::move(dir)) {}

  // Computes and stores the workload's reference unless it is stored already. Safe
  // when two processes race: each writes a file of its own and renames it into place.
  void ensure(const Workload& workload, const Halide::Target& target) const;
  // The stored reference of a pipeline; throws std::runtime_error if it is missing.
  OutputValues load(const std::string& pipeline_name) const;

 private:
  std::string path_of(const std::string& pipeline_name) const;
  std::string dir_;
};

}  // namespace gnnperf
