// What the loops driving SampleProcess children share (the collector and the output
// checker): the list of running children, waiting on them, and Ctrl-C handling.
#pragma once

#include <signal.h>

#include <memory>
#include <vector>

#include "collect/sample_process.h"

namespace gnnperf {

using ProcessList = std::vector<std::unique_ptr<SampleProcess>>;

bool any_in(const ProcessList& running, SampleProcess::Phase phase);

// Waits up to 200 ms for children to write, consumes what they wrote, and aborts every
// child that has spent more than `timeout_s` in a phase it works in.
void wait_for_children(ProcessList& running, double timeout_s);

// Catches Ctrl-C and SIGTERM while it lives, so that a loop can stop between children
// and leave everything stored consistent; interrupted() tells whether one came.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  static bool interrupted();

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace gnnperf
