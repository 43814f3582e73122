// A progress line for long work: done/total, rate per hour, ETA and failures. On a
// terminal it rewrites one line; otherwise (logs, CI) it prints a line every 10 s.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace gnnperf {

class ProgressLine {
 public:
  ProgressLine(std::string label, int64_t total, std::FILE* out = stderr);
  void update(int64_t done, int64_t failures, const std::string& last);
  void finish();
  double elapsed_seconds() const;

 private:
  std::string label_;
  int64_t total_;
  std::FILE* out_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_print_;
};

std::string format_duration(double seconds);

}  // namespace gnnperf
