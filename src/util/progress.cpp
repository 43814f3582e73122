#include "util/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace gnnperf {

std::string format_duration(double seconds) {
  const int64_t s = std::llround(seconds);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

ProgressLine::ProgressLine(std::string label, int64_t total, int64_t already_done, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      already_done_(already_done),
      out_(out),
      tty_(isatty(fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

double ProgressLine::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::update(int64_t done, int64_t failures, const std::string& last) {
  const auto now = std::chrono::steady_clock::now();
  if (!tty_ && done < total_ && now - last_print_ < std::chrono::seconds(10)) return;
  last_print_ = now;
  const double elapsed = elapsed_seconds();
  const auto done_here = static_cast<double>(done - already_done_);
  const double per_hour = elapsed > 0 ? done_here * 3600.0 / elapsed : 0;
  const std::string eta =
      done_here > 0 ? format_duration(elapsed / done_here * static_cast<double>(total_ - done))
                    : "?";
  const std::string line = fmt::format(
      "[{}] {}/{} ({:.1f}%) | {:.0f}/h | ETA {} | failures {} | {}", label_, done, total_,
      total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, per_hour,
      eta, failures, last);
  if (tty_) {
    fmt::print(out_, "\r\033[K{}", line);
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

void ProgressLine::finish() {
  if (tty_) fmt::print(out_, "\n");
}

}  // namespace gnnperf
