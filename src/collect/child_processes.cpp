#include "collect/child_processes.h"

#include <fmt/format.h>
#include <poll.h>

#include <atomic>

namespace gnnperf {
namespace {

std::atomic<bool> g_interrupted{false};

void on_interrupt(int) { g_interrupted = true; }

}  // namespace

bool any_in(const ProcessList& running, SampleProcess::Phase phase) {
  for (const auto& p : running) {
    if (p->phase() == phase) return true;
  }
  return false;
}

void wait_for_children(ProcessList& running, double timeout_s) {
  std::vector<pollfd> fds;
  for (const auto& p : running) fds.push_back({p->fd(), POLLIN, 0});
  poll(fds.data(), fds.size(), 200);
  for (size_t i = 0; i < running.size(); ++i) {
    if (fds[i].revents != 0) running[i]->on_readable();
  }
  for (auto& p : running) {
    const auto phase = p->phase();
    if ((phase == SampleProcess::Phase::kPreparing || phase == SampleProcess::Phase::kCompiling ||
         phase == SampleProcess::Phase::kTiming) &&
        p->seconds_in_phase() > timeout_s) {
      p->abort(fmt::format(
          "timed out after {:.0f} s while {}", timeout_s,
          phase == SampleProcess::Phase::kTiming ? "timing" : "autoscheduling/compiling"));
    }
  }
}

InterruptGuard::InterruptGuard() {
  g_interrupted = false;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
  signal(SIGPIPE, SIG_IGN);  // a child that died must not take the parent with it
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool InterruptGuard::interrupted() { return g_interrupted; }

}  // namespace gnnperf
