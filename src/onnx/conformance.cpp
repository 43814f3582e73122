#include "onnx/conformance.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "measure/host_target.h"
#include "onnx/onnx_error.h"
#include "onnx/onnx_model.h"
#include "onnx/onnx_network.h"
#include "onnx/trial_run.h"
#include "util/name_globs.h"

namespace gnnperf {
namespace {

namespace fs = std::filesystem;

std::string first_line(std::string text) {
  text = text.substr(0, text.find('\n'));
  return text.size() > 400 ? text.substr(0, 400) : text;
}

// Empty when `got` matches `expected` within tolerance, else what differs.
std::string compare(const HostTensor& got, const HostTensor& expected, int output,
                    const ConformanceOptions& o) {
  if (got.dims != expected.dims) {
    return fmt::format("output {} has dims [{}], expected [{}]", output, fmt::join(got.dims, ","),
                       fmt::join(expected.dims, ","));
  }
  const std::vector<double> g = got.to_double(), e = expected.to_double();
  const bool exact = !expected.type().is_float();
  for (size_t i = 0; i < e.size(); ++i) {
    if (std::isnan(e[i]) && std::isnan(g[i])) continue;
    const bool ok =
        exact ? g[i] == e[i]
              : (g[i] == e[i] || std::abs(g[i] - e[i]) <= o.atol + o.rtol * std::abs(e[i]));
    if (!ok) {
      return fmt::format("output {} element {}: got {:.7g}, expected {:.7g}", output, i, g[i],
                         e[i]);
    }
  }
  return {};
}

std::vector<fs::path> data_sets(const fs::path& dir) {
  std::vector<fs::path> sets;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && entry.path().filename().string().starts_with("test_data_set_")) {
      sets.push_back(entry.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

// The model with graph input `name` turned into an initializer holding its value in
// data set `set` (input number `k`).
void bind_input(::onnx::ModelProto& model, const std::string& name, int k, const fs::path& set) {
  auto* graph = model.mutable_graph();
  ::onnx::TensorProto t = read_tensor_proto((set / fmt::format("input_{}.pb", k)).string());
  t.set_name(name);
  *graph->add_initializer() = t;
  auto* inputs = graph->mutable_input();
  for (int i = 0; i < inputs->size(); ++i) {
    if (inputs->Get(i).name() == name) {
      inputs->DeleteSubrange(i, 1);
      break;
    }
  }
}

// Runs the test in this process; returns its result.
CaseResult check_case(const ConformanceOptions& o, const std::string& name) {
  CaseResult result{name, CaseStatus::kFailed, ""};
  const fs::path dir = fs::path(o.data_dir) / name;
  const std::vector<fs::path> sets = data_sets(dir);
  const ::onnx::ModelProto proto = read_onnx_file((dir / "model.onnx").string());
  std::vector<std::string> graph_inputs;  // the inputs the data sets hold, in order
  {
    std::set<std::string> initialized;
    for (const auto& t : proto.graph().initializer()) initialized.insert(t.name());
    for (const auto& input : proto.graph().input()) {
      if (!initialized.count(input.name())) graph_inputs.push_back(input.name());
    }
  }
  // The suite passes shapes, axes and scales as graph inputs; a static importer must
  // know them, so each one an op asks for is compiled in from the first data set.
  std::set<std::string> bound;
  std::shared_ptr<const OnnxNetwork> network;
  ::onnx::ModelProto model = proto;
  // An input declared empty is fully known (it holds no data); Halide has no empty
  // buffers.
  for (const auto& input : proto.graph().input()) {
    const auto k = std::find(graph_inputs.begin(), graph_inputs.end(), input.name());
    if (k == graph_inputs.end() || sets.empty() || !input.type().has_tensor_type()) continue;
    const auto& dims = input.type().tensor_type().shape().dim();
    const bool empty = std::any_of(dims.begin(), dims.end(), [](const auto& d) {
      return d.has_dim_value() && d.dim_value() == 0;
    });
    if (!empty) continue;
    bind_input(model, input.name(), static_cast<int>(k - graph_inputs.begin()), sets.front());
    bound.insert(input.name());
  }
  while (!network) {
    try {
      network = OnnxNetwork::import(OnnxModel::from_proto(model, name));
    } catch (const OnnxNeedsConstant& e) {
      const auto it = std::find(graph_inputs.begin(), graph_inputs.end(), e.tensor);
      if (it == graph_inputs.end() || sets.empty() || bound.count(e.tensor)) throw;
      bind_input(model, e.tensor, static_cast<int>(it - graph_inputs.begin()), sets.front());
      bound.insert(e.tensor);
    }
  }
  const OnnxPipelinePlan plan = network->plan(OnnxSplit::kWhole).front();
  BuiltPipeline built = network->build(plan);
  Halide::Pipeline pipeline = built.pipeline();
  const Halide::Target target = host_target();
  apply_schedule(pipeline, plan, built,
                 o.autoschedule ? TrialSchedule::kAutoscheduled : TrialSchedule::kPlain);
  pipeline.compile_jit(target);

  for (const auto& set : sets) {
    std::vector<HostTensor> inputs;
    size_t next_param = 0;
    for (size_t k = 0; k < graph_inputs.size(); ++k) {
      HostTensor t = read_tensor_file((set / fmt::format("input_{}.pb", k)).string());
      if (bound.count(graph_inputs[k])) {
        // Compiled in as a constant: every data set must agree with it.
        if (t.to_double() != network->facts(graph_inputs[k]).constant->to_double()) {
          throw OnnxUnsupported(
              fmt::format("input '{}' must be a constant but differs between "
                          "data sets",
                          graph_inputs[k]));
        }
        continue;
      }
      if (next_param >= built.inputs.size())
        throw OnnxError("the test has more inputs than the model");
      const size_t p = next_param++;
      const auto& param = built.inputs[p].param;
      if (t.type() != param.type()) {
        throw OnnxError(fmt::format("input {} has type {}, the model says {}", k,
                                    halide_type_name(t.type()), halide_type_name(param.type())));
      }
      built.inputs[p].param.set(t.buffer);
      inputs.push_back(std::move(t));
    }
    std::vector<Halide::Buffer<>> buffers;
    for (const auto& out : built.outputs) {
      buffers.emplace_back(out.func.output_types().at(0), out.extents);
    }
    Halide::Realization realization(buffers);
    pipeline.realize(realization, target);
    for (size_t k = 0; k < buffers.size(); ++k) {
      const HostTensor expected = read_tensor_file((set / fmt::format("output_{}.pb", k)).string());
      HostTensor got;
      got.dims = network->facts(plan.outputs[k]).dims;
      got.buffer = buffers[k];
      if (auto diff = compare(got, expected, static_cast<int>(k), o); !diff.empty()) {
        result.detail = fmt::format("{}: {}", set.filename().string(), diff);
        return result;
      }
    }
  }
  result.status = CaseStatus::kPassed;
  if (!bound.empty()) result.detail = fmt::format("inputs {} compiled in", fmt::join(bound, ", "));
  return result;
}

CaseResult check_case_safely(const ConformanceOptions& o, const std::string& name) {
  try {
    return check_case(o, name);
  } catch (const OnnxUnsupported& e) {
    return {name, CaseStatus::kUnsupported, first_line(e.what())};
  } catch (const Halide::Error& e) {
    return {name, CaseStatus::kFailed, "Halide: " + first_line(e.what())};
  } catch (const std::exception& e) {
    return {name, CaseStatus::kFailed, first_line(e.what())};
  }
}

}  // namespace

std::vector<std::string> conformance_cases(const ConformanceOptions& o) {
  std::error_code error;
  fs::directory_iterator it(o.data_dir, error);
  if (error) {
    throw std::runtime_error(
        fmt::format("cannot read the ONNX node tests in '{}' ({})", o.data_dir, error.message()));
  }
  const NameGlobs filter(o.filter);
  std::vector<std::string> names;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (filter.matches(name) && fs::exists(entry.path() / "model.onnx")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

CaseResult run_isolated(const ConformanceOptions& o, const std::string& name) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const CaseResult r = check_case_safely(o, name);
    const std::string message = std::to_string(static_cast<int>(r.status)) + "\n" + r.detail;
    if (write(fds[1], message.data(), message.size()) < 0) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  std::string message;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(o.timeout_s);
  bool timed_out = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    message.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) {
    return {name, CaseStatus::kFailed, fmt::format("timed out after {:.0f} s", o.timeout_s)};
  }
  if (WIFSIGNALED(status)) {
    return {name, CaseStatus::kFailed,
            fmt::format("crashed with signal {}", sigabbrev_np(WTERMSIG(status)))};
  }
  const size_t newline = message.find('\n');
  if (newline == std::string::npos) {
    return {name, CaseStatus::kFailed, "the test process ended without a result"};
  }
  return {name, static_cast<CaseStatus>(std::stoi(message.substr(0, newline))),
          message.substr(newline + 1)};
}

}  // namespace

CaseResult run_conformance_case(const ConformanceOptions& o, const std::string& name) {
  CaseResult r = run_isolated(o, name);
  if (auto known = o.known_failures.find(name);
      r.status == CaseStatus::kFailed && known != o.known_failures.end()) {
    r.status = CaseStatus::kKnownFailure;
    r.detail = known->second + " (" + r.detail + ")";
  }
  return r;
}

std::map<std::string, std::string> read_known_failures(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read known failures '{}'", path));
  std::map<std::string, std::string> known;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string name, reason;
    if (!(words >> name)) continue;
    std::getline(words >> std::ws, reason);
    known[name] = reason;
  }
  return known;
}

}  // namespace gnnperf
