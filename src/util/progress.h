// A progress line for long work: done/total, rate per hour, ETA and failures. On a
// terminal it rewrites one line; otherwise (logs, CI) it prints a line every 10 s.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace gnnperf {

class ProgressLine {
 public:
  // `already_done` of `total` were done before this process started: they count for
  // done/total but not for the rate and ETA.
  ProgressLine(std::string label, int64_t total, int64_t already_done = 0, std::FILE* out = stderr);
  void update(int64_t done, int64_t failures, const std::string& last);
  void finish();
  double elapsed_seconds() const;

 private:
  std::string label_;
  int64_t total_, already_done_;
  std::FILE* out_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_print_;
};

std::string format_duration(double seconds);

}  // namespace gnnperf
