#include "collect/sample_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "collect/reference_outputs.h"
#include "measure/cpu_affinity.h"
#include "measure/output_check.h"
#include "sampling/scheduled_pipeline.h"

namespace gnnperf {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

void write_all(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);  // the parent is gone; nobody is left to tell
    p += n;
    size -= static_cast<size_t>(n);
  }
}

// Messages are a 4-byte length followed by CBOR.
void send(int fd, const json& message) {
  auto bytes = json::to_cbor(message);
  const auto size = static_cast<uint32_t>(bytes.size());
  write_all(fd, &size, sizeof size);
  write_all(fd, bytes.data(), bytes.size());
}

json::binary_t as_binary(const std::vector<float>& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  return json::binary_t(std::vector<uint8_t>(p, p + v.size() * sizeof(float)));
}

std::vector<float> floats_of(const json& j) {
  const auto& bytes = j.get_binary();
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Computes the pipeline's reference outputs unless a sibling did. Not fatal: a schedule
// whose reference cannot be computed is still timed, just not checked.
bool ensure_reference(const ReferenceOutputs& references, const Workload& workload,
                      const Halide::Target& target) {
  try {
    references.ensure(workload, target);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "no reference outputs for %s: %s\n", workload.name.c_str(), e.what());
    return false;
  }
}

[[noreturn]] void child_main(const SampleTask& task, const TaskSetup& setup, int out, int in,
                             int log_fd) {
  signal(SIGINT, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  dup2(log_fd, STDERR_FILENO);
  rlimit limit{setup.memory_limit_bytes, setup.memory_limit_bytes};
  setrlimit(RLIMIT_AS, &limit);
  // Timing uses exactly the parallelism the autoscheduler was told about.
  setenv("HL_NUM_THREADS", std::to_string(task.params.parallelism).c_str(), 1);

  std::string phase = "build";
  try {
    ScheduledPipeline prepared =
        schedule_pipeline(*task.workload, setup.target, task.params, &phase);
    const StageGraph& graph = prepared.graph;
    const SplitFeatures& features = prepared.features;
    const AutoscheduleResult& scheduled = prepared.schedule;
    Halide::Pipeline& pipeline = prepared.pipeline;
    json stages = json::array(), edges = json::array();
    for (const auto& s : graph.stages) stages.push_back({s.func_name, s.definition});
    for (const auto& [p, c] : graph.edges) edges.push_back({p, c});
    send(out, {{"type", "featurized"},
               {"stages", stages},
               {"edges", edges},
               {"schedule", as_binary(features.schedule)},
               {"algorithm", as_binary(features.algorithm)},
               {"source", scheduled.schedule_source},
               {"cost", scheduled.reported_cost},
               {"autoschedule_s", scheduled.seconds}});
    // Anything but the expected command (a skip, or the parent gone) ends the task.
    auto told = [&](char expected) {
      char command = 0;
      return read(in, &command, 1) == 1 && command == expected;
    };
    if (!told('C')) _exit(0);
    phase = "compile";
    const auto compile_start = Clock::now();
    pipeline.compile_jit(setup.target);
    const double compile_s = seconds_since(compile_start);
    const ReferenceOutputs references(setup.reference_dir);
    const bool checkable = ensure_reference(references, *task.workload, setup.target);
    send(out, {{"type", "compiled"}, {"compile_s", compile_s}});

    if (!told('G')) _exit(0);
    phase = setup.check_only ? "check" : "timing";
    if (!setup.check_only) pin_to_last_cpus(task.params.parallelism);
    Halide::Realization outputs = prepare_run(pipeline, prepared.built, setup.target);
    json result = {{"type", "checked"}};
    if (setup.check_only) {
      pipeline.realize(outputs);
    } else {
      const Timing t = time_pipeline(pipeline, outputs, setup.policy);
      result = {{"type", "timed"},     {"min_ms", t.min_ms},   {"median_ms", t.median_ms},
                {"max_ms", t.max_ms},  {"samples", t.samples}, {"iterations", t.iterations},
                {"seconds", t.seconds}};
    }
    if (checkable) {
      result["output_difference"] =
          max_relative_difference(values_of(outputs), references.load(task.workload->name));
    }
    send(out, result);
    _exit(0);
  } catch (const std::exception& e) {
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    send(out, {{"type", "error"}, {"phase", phase}, {"reason", what}});
    _exit(1);
  }
}

// The last non-empty line a crashed child printed, which usually names the problem.
std::string last_log_line(int fd) {
  char buf[4096];
  const off_t size = lseek(fd, 0, SEEK_END);
  const off_t start =
      size > static_cast<off_t>(sizeof buf) ? size - static_cast<off_t>(sizeof buf) : 0;
  const ssize_t n = pread(fd, buf, sizeof buf, start);
  if (n <= 0) return {};
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  auto line = text.substr(text.find_last_of('\n') + 1);
  return line.size() > 300 ? line.substr(0, 300) : line;
}

}  // namespace

SampleProcess::SampleProcess(const SampleTask& task, const TaskSetup& setup) : task_(task) {
  int up[2], down[2];
  if (pipe2(up, O_CLOEXEC) != 0 || pipe2(down, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  char log_path[] = "/tmp/gnnperf-task-XXXXXX";
  log_fd_ = mkstemp(log_path);
  if (log_fd_ < 0) throw std::runtime_error("cannot create a temporary file in /tmp");
  unlink(log_path);
  std::fflush(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0) {
    close(up[0]);
    close(down[1]);
    child_main(task, setup, up[1], down[0], log_fd_);
  }
  close(up[1]);
  close(down[0]);
  from_child_ = up[0];
  to_child_ = down[1];
  fcntl(from_child_, F_SETFL, O_NONBLOCK);
  enter(Phase::kPreparing);
}

SampleProcess::~SampleProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  for (int fd : {from_child_, to_child_, log_fd_}) {
    if (fd >= 0) close(fd);
  }
}

void SampleProcess::enter(Phase p) {
  phase_ = p;
  phase_start_ = Clock::now();
}

double SampleProcess::seconds_in_phase() const { return seconds_since(phase_start_); }

void SampleProcess::on_readable() {
  char buf[65536];
  bool closed = false;
  while (true) {
    ssize_t n = read(from_child_, buf, sizeof buf);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    closed = true;  // end of file: the child has exited
    break;
  }
  while (buffer_.size() >= sizeof(uint32_t)) {
    uint32_t size = 0;
    std::memcpy(&size, buffer_.data(), sizeof size);
    if (buffer_.size() < sizeof size + size) break;
    std::string payload = buffer_.substr(sizeof size, size);
    buffer_.erase(0, sizeof size + size);
    handle_message(payload);
  }
  if (closed) reap();  // after the messages, so a clean exit is not taken for a crash
}

void SampleProcess::handle_message(const std::string& payload) {
  const json m = json::from_cbor(payload);
  const std::string type = m.at("type");
  if (type == "featurized") {
    PreparedSample p;
    for (const auto& s : m.at("stages"))
      p.graph.stages.push_back({s[0].get<std::string>(), s[1].get<int>()});
    for (const auto& e : m.at("edges"))
      p.graph.edges.emplace_back(e[0].get<int>(), e[1].get<int>());
    p.features.num_stages = static_cast<int>(p.graph.stages.size());
    p.features.schedule = floats_of(m.at("schedule"));
    p.features.algorithm = floats_of(m.at("algorithm"));
    p.schedule_source = m.at("source");
    p.autoscheduler_cost = m.at("cost");
    p.autoschedule_s = m.at("autoschedule_s");
    prepared_ = std::move(p);
    enter(Phase::kFeaturized);
  } else if (type == "compiled") {
    prepared_->compile_s = m.at("compile_s");
    enter(Phase::kReady);
  } else if (type == "timed") {
    Timing t;
    t.min_ms = m.at("min_ms");
    t.median_ms = m.at("median_ms");
    t.max_ms = m.at("max_ms");
    t.samples = m.at("samples");
    t.iterations = m.at("iterations");
    t.seconds = m.at("seconds");
    timing_ = t;
    if (m.contains("output_difference")) output_difference_ = m.at("output_difference");
    enter(Phase::kFinished);
  } else if (type == "checked") {
    checked_ = true;
    if (m.contains("output_difference")) output_difference_ = m.at("output_difference");
    enter(Phase::kFinished);
  } else {
    failure_ = TaskFailure{m.at("phase"), m.at("reason")};
    enter(Phase::kFinished);
  }
}

void SampleProcess::reap() {
  if (pid_ <= 0) return;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (timing_ || checked_ || failure_ || skipped_) return;
  std::string reason;
  if (WIFSIGNALED(status)) {
    reason = std::string("crashed with signal ") + sigabbrev_np(WTERMSIG(status));
  } else {
    reason = "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (auto line = last_log_line(log_fd_); !line.empty()) reason += ": " + line;
  failure_ = TaskFailure{phase_ == Phase::kTiming ? "timing" : "prepare", reason};
  enter(Phase::kFinished);
}

void SampleProcess::tell_child(char command, Phase next) {
  if (write(to_child_, &command, 1) != 1) {
    abort("child stopped while waiting for the collector");
    return;
  }
  enter(next);
}

void SampleProcess::compile() { tell_child('C', Phase::kCompiling); }

void SampleProcess::start_timing() { tell_child('G', Phase::kTiming); }

void SampleProcess::skip() {
  tell_child('S', Phase::kFinished);
  skipped_ = !failure_;
}

void SampleProcess::abort(const std::string& reason) {
  const std::string phase = phase_ == Phase::kTiming ? "timing" : "prepare";
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  failure_ = TaskFailure{phase, reason};
  enter(Phase::kFinished);
}

}  // namespace gnnperf
