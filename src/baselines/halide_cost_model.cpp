#include "baselines/halide_cost_model.h"

#include <HalideBuffer.h>
#include <HalideRuntime.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>
#include <utility>

#include "features/featurization.h"

namespace gnnperf {
namespace {

using Halide::Runtime::Buffer;

// Halide 14's NetworkSize.h: the algorithm features the network reads are a 40 x 7
// matrix per stage (rows: 24 op counts and 16 access patterns; columns: scalar types),
// the 280 values after the 7 "types in use" flags of the 287.
constexpr int kHead1W = 40;
constexpr int kHead1H = 7;
constexpr int kTypeFlags = 7;
static_assert(kTypeFlags + kHead1W * kHead1H == kAlgorithmFeatures);

// ---------------------------------------------------------------------------------------
// The plugin's two AOT pipelines.

using ArgvCall = int (*)(void**);
using MetadataCall = const halide_filter_metadata_t* (*)();

// What this code passes for one argument. For buffers, `extents` has one entry per
// dimension: the extent it must have (checked against the estimates the metadata
// declares, when it declares them), or -1 for any.
struct ArgSpec {
  std::string name;
  int32_t kind;  // halide_argument_kind_t
  halide_type_code_t code;
  int32_t dimensions;
  std::vector<int> extents;
};

ArgSpec int_scalar(const char* name) {
  return {name, halide_argument_kind_input_scalar, halide_type_int, 0, {}};
}
ArgSpec float_scalar(const char* name) {
  return {name, halide_argument_kind_input_scalar, halide_type_float, 0, {}};
}
ArgSpec float_buffer(std::string name, int32_t kind, std::vector<int> extents) {
  const auto dims = static_cast<int32_t>(extents.size());
  return {std::move(name), kind, halide_type_float, dims, std::move(extents)};
}

// The arguments of cost_model_generator.cpp's generator (Halide 14), which the plugin
// compiles twice: `cost_model` (inference) and `train_cost_model` (training, where each
// weight also gets an output "updated_<name>" with an extra dimension of 4: new weight,
// ADAM first moment, ADAM second moment, gradient).
std::vector<ArgSpec> expected_arguments(bool training) {
  std::vector<ArgSpec> a = {
      int_scalar("num_stages"),
      int_scalar("batch_size"),
      int_scalar("num_cores"),
      // pipeline_features(x, y, stage): x = row of the 40 x 7 matrix, y = scalar type.
      float_buffer("pipeline_features", halide_argument_kind_input_buffer, {kHead1W, kHead1H, -1}),
      // schedule_features(n, feature, stage): n = schedule in the batch.
      float_buffer("schedule_features", halide_argument_kind_input_buffer,
                   {-1, kScheduleFeatures, -1}),
  };
  for (const HalideWeightSpec& w : halide_weight_specs()) {
    a.push_back(float_buffer(w.argument, halide_argument_kind_input_buffer, w.extents));
  }
  a.push_back(float_scalar("learning_rate"));
  a.push_back(int_scalar("timestep"));
  a.push_back(int_scalar("reference"));
  a.push_back(float_buffer("true_runtime", halide_argument_kind_input_buffer, {-1}));
  if (training) {
    for (const HalideWeightSpec& w : halide_weight_specs()) {
      std::vector<int> extents = w.extents;
      extents.push_back(4);
      a.push_back(float_buffer(std::string("updated_") + w.argument,
                               halide_argument_kind_output_buffer, std::move(extents)));
    }
  }
  a.push_back(float_buffer("prediction_output", halide_argument_kind_output_buffer, {-1}));
  a.push_back(float_buffer("loss_output", halide_argument_kind_output_buffer, {}));
  return a;
}

const char* kind_name(int32_t kind) {
  switch (kind) {
    case halide_argument_kind_input_scalar:
      return "input scalar";
    case halide_argument_kind_input_buffer:
      return "input buffer";
    case halide_argument_kind_output_buffer:
      return "output buffer";
    default:
      return "unknown kind";
  }
}

std::string type_name(const halide_type_t& t) {
  const char* code = t.code == halide_type_int     ? "int"
                     : t.code == halide_type_uint  ? "uint"
                     : t.code == halide_type_float ? "float"
                                                   : "other";
  return fmt::format("{}{}x{}", code, static_cast<int>(t.bits), static_cast<int>(t.lanes));
}

struct AotPipeline {
  std::string function;
  ArgvCall call = nullptr;
  int num_arguments = 0;
  std::map<std::string, int> index;  // argument name -> position in argv

  int at(const std::string& name) const {
    auto it = index.find(name);
    if (it == index.end()) {
      throw std::logic_error("Halide's " + function + " has no argument " + name);
    }
    return it->second;
  }
};

[[noreturn]] void plugin_error(const std::string& what) {
  throw std::runtime_error(fmt::format("Halide cost model in {}: {}", kAdams2019PluginPath, what));
}

// Reads the metadata and maps every argument by name. The argv entry takes its
// arguments in the metadata's order, as Halide's RunGen relies on: scalars by pointer
// to their value, buffers as halide_buffer_t*.
AotPipeline load_pipeline(void* handle, const std::string& function, bool training) {
  auto symbol = [&](const std::string& name) {
    void* p = dlsym(handle, name.c_str());
    if (p == nullptr) plugin_error("no exported symbol " + name);
    return p;
  };
  symbol(function);  // the typed entry: present, though we call the argv one
  AotPipeline p;
  p.function = function;
  p.call = reinterpret_cast<ArgvCall>(symbol(function + "_argv"));
  const auto metadata_fn = reinterpret_cast<MetadataCall>(symbol(function + "_metadata"));
  const halide_filter_metadata_t* md = metadata_fn();
  if (md == nullptr) plugin_error(function + "_metadata() returned null");
  if (md->version != halide_filter_metadata_t::VERSION) {
    plugin_error(fmt::format("{} has metadata version {}, expected {}", function, md->version,
                             static_cast<int>(halide_filter_metadata_t::VERSION)));
  }

  const std::vector<ArgSpec> expected = expected_arguments(training);
  std::vector<std::string> names;
  for (int i = 0; i < md->num_arguments; ++i) names.emplace_back(md->arguments[i].name);
  if (md->num_arguments != static_cast<int>(expected.size())) {
    plugin_error(fmt::format("{} takes {} arguments ({}), expected {}", function, md->num_arguments,
                             fmt::join(names, ", "), expected.size()));
  }
  for (int i = 0; i < md->num_arguments; ++i) {
    const halide_filter_argument_t& arg = md->arguments[i];
    std::string name = arg.name;
    // Like RunGen: a uniquifying "$N" suffix is not part of the name.
    if (name.size() > 2 && name[name.size() - 2] == '$' &&
        std::isdigit(static_cast<unsigned char>(name.back()))) {
      name.resize(name.size() - 2);
    }
    auto spec = std::find_if(expected.begin(), expected.end(),
                             [&](const ArgSpec& s) { return s.name == name; });
    if (spec == expected.end()) {
      plugin_error(fmt::format("{} has an unexpected argument '{}' (arguments: {})", function, name,
                               fmt::join(names, ", ")));
    }
    if (p.index.count(name))
      plugin_error(fmt::format("{} has two arguments named {}", function, name));
    if (arg.kind != spec->kind) {
      plugin_error(fmt::format("{} argument {} is an {}, expected an {}", function, name,
                               kind_name(arg.kind), kind_name(spec->kind)));
    }
    if (arg.type.code != spec->code || arg.type.bits != 32 || arg.type.lanes != 1) {
      plugin_error(fmt::format("{} argument {} has type {}, expected {}x1", function, name,
                               type_name(arg.type),
                               spec->code == halide_type_int ? "int32" : "float32"));
    }
    if (arg.dimensions != spec->dimensions) {
      plugin_error(fmt::format("{} argument {} has {} dimensions, expected {}", function, name,
                               arg.dimensions, spec->dimensions));
    }
    // The estimates, when declared, pin down the dimension order of the fixed extents.
    if (arg.buffer_estimates != nullptr) {
      for (int d = 0; d < arg.dimensions; ++d) {
        const int64_t* extent = arg.buffer_estimates[2 * d + 1];
        const int want = spec->extents[static_cast<size_t>(d)];
        if (extent != nullptr && want >= 0 && *extent != want) {
          plugin_error(fmt::format("{} argument {} has extent {} in dimension {}, expected {}",
                                   function, name, *extent, d, want));
        }
      }
    }
    p.index[name] = i;
  }
  p.num_arguments = md->num_arguments;
  return p;
}

struct Library {
  AotPipeline inference, training;
};

// dlopen'ed once and never closed. If Halide::load_plugin (sampling/autoscheduler.h)
// loads the same file, both get the same handle, so the autoscheduler and this model
// share one copy of the plugin. A failed load throws and is retried on the next call.
const Library& library() {
  static const Library lib = [] {
    void* handle = dlopen(kAdams2019PluginPath, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      throw std::runtime_error(
          fmt::format("cannot load Halide's Adams2019 plugin {} (install libhalide14-0-dev): {}",
                      kAdams2019PluginPath, why ? why : "unknown error"));
    }
    Library l;
    l.inference = load_pipeline(handle, "cost_model", false);
    l.training = load_pipeline(handle, "train_cost_model", true);
    return l;
  }();
  return lib;
}

// Binds arguments by name and calls the argv entry.
//
// No lock: Halide AOT pipelines are reentrant. Their only shared state is the Halide
// runtime compiled into the plugin (thread pool, allocator, error and print handlers),
// which is internally synchronized, so concurrent calls with distinct buffers are safe.
// (DefaultCostModel is single-threaded because its queue buffers are shared, not because
// the pipelines are.)
class Invocation {
 public:
  explicit Invocation(const AotPipeline& p)
      : p_(p), argv_(static_cast<size_t>(p.num_arguments), nullptr) {}

  void scalar(const std::string& name, int32_t* value) { bind(name, value); }
  void scalar(const std::string& name, float* value) { bind(name, value); }
  void buffer(const std::string& name, Buffer<float>& b) { bind(name, b.raw_buffer()); }

  void run() {
    for (size_t i = 0; i < argv_.size(); ++i) {
      if (argv_[i] == nullptr) {
        throw std::logic_error(
            fmt::format("argument {} of Halide's {} is not bound", i, p_.function));
      }
    }
    const int rc = p_.call(argv_.data());
    if (rc != 0) {
      throw std::runtime_error(
          fmt::format("Halide's {} failed with error {} (Halide printed the reason on stderr)",
                      p_.function, rc));
    }
  }

 private:
  void bind(const std::string& name, void* value) {
    argv_[static_cast<size_t>(p_.at(name))] = value;
  }
  const AotPipeline& p_;
  std::vector<void*> argv_;
};

// ---------------------------------------------------------------------------------------
// Packing PipelineGraph tensors into the pipelines' buffers.

// Buffers are padded with zeros to a multiple of 8 stages and 8 schedules: Halide's own
// callers pass buffers at least as large as the region they evaluate (DefaultCostModel
// passes a 1024-schedule queue whatever the batch), and the inference schedule rounds
// some loops up. Each schedule and stage is computed independently and only the first
// num_stages stages and batch_size schedules are read into the result, so the padding
// never changes a prediction.
int padded(int n) { return (n + 7) / 8 * 8; }

struct PackedPipeline {
  std::string name;
  int num_stages = 0;
  int64_t num_schedules = 0;
  Buffer<float> pipeline_features;  // [40, 7, padded stages]
  torch::Tensor schedules;          // [schedules, stages, 39], float32, contiguous
};

PackedPipeline pack_pipeline(const PipelineGraph& g) {
  const auto bad = [&](const std::string& what) {
    throw std::invalid_argument(fmt::format("pipeline '{}': {}", g.name, what));
  };
  if (!g.algorithm.defined() || g.algorithm.dim() != 2 ||
      g.algorithm.size(1) != kAlgorithmFeatures || g.algorithm.size(0) < 1) {
    bad(fmt::format("algorithm features must be [stages, {}]", kAlgorithmFeatures));
  }
  PackedPipeline p;
  p.name = g.name;
  p.num_stages = static_cast<int>(g.algorithm.size(0));
  if (g.num_stages != p.num_stages) {
    bad(fmt::format("num_stages is {} but the algorithm features have {} stages", g.num_stages,
                    p.num_stages));
  }
  if (!g.schedules.defined() || g.schedules.dim() != 3 || g.schedules.size(1) != p.num_stages ||
      g.schedules.size(2) != kScheduleFeatures) {
    bad(fmt::format("schedule features must be [schedules, {}, {}]", p.num_stages,
                    kScheduleFeatures));
  }
  p.num_schedules = g.schedules.size(0);
  p.schedules = g.schedules.cpu().to(torch::kFloat32).contiguous();

  const torch::Tensor algorithm = g.algorithm.cpu().to(torch::kFloat32).contiguous();
  const float* a = algorithm.data_ptr<float>();
  p.pipeline_features = Buffer<float>(kHead1W, kHead1H, padded(p.num_stages));
  p.pipeline_features.fill(0.0f);
  float* dst = p.pipeline_features.data();
  const int64_t sx = p.pipeline_features.dim(0).stride();
  const int64_t sy = p.pipeline_features.dim(1).stride();
  const int64_t ss = p.pipeline_features.dim(2).stride();
  for (int s = 0; s < p.num_stages; ++s) {
    const float* stage = a + static_cast<int64_t>(s) * kAlgorithmFeatures + kTypeFlags;
    for (int x = 0; x < kHead1W; ++x) {
      for (int y = 0; y < kHead1H; ++y) dst[x * sx + y * sy + s * ss] = stage[x * kHead1H + y];
    }
  }
  return p;
}

// schedule_features(n, feature, stage) for the schedules rows[0..batch).
Buffer<float> schedule_buffer(const PackedPipeline& p, const int64_t* rows, int batch) {
  Buffer<float> b(padded(batch), kScheduleFeatures, padded(p.num_stages));
  b.fill(0.0f);
  float* dst = b.data();
  const int64_t sn = b.dim(0).stride();
  const int64_t sf = b.dim(1).stride();
  const int64_t ss = b.dim(2).stride();
  const float* src = p.schedules.data_ptr<float>();
  const int64_t per_schedule = static_cast<int64_t>(p.num_stages) * kScheduleFeatures;
  for (int n = 0; n < batch; ++n) {
    const float* schedule = src + rows[n] * per_schedule;
    for (int s = 0; s < p.num_stages; ++s) {
      for (int f = 0; f < kScheduleFeatures; ++f) {
        dst[n * sn + f * sf + s * ss] = schedule[s * kScheduleFeatures + f];
      }
    }
  }
  return b;
}

// Measured runtimes in ms, which Halide's loss needs to be positive.
std::vector<double> runtimes_of(const PipelineGraph& g, int64_t num_schedules) {
  if (!g.runtimes_ms.defined() || g.runtimes_ms.numel() != num_schedules) {
    throw std::invalid_argument(
        fmt::format("pipeline '{}': runtimes_ms must have one entry per schedule", g.name));
  }
  const torch::Tensor t = g.runtimes_ms.cpu().to(torch::kFloat64).contiguous();
  std::vector<double> out(t.data_ptr<double>(), t.data_ptr<double>() + num_schedules);
  for (size_t i = 0; i < out.size(); ++i) {
    if (!(out[i] > 0) || !std::isfinite(out[i])) {
      throw std::invalid_argument(fmt::format(
          "pipeline '{}': schedule row {} has runtime {} ms; Halide's loss needs positive runtimes",
          g.name, i, out[i]));
    }
  }
  return out;
}

// The scalars both pipelines take; they must live until the call returns.
struct Scalars {
  int32_t num_stages = 0, batch_size = 0, num_cores = 0, timestep = 0, reference = 0;
  float learning_rate = 0;
};

void bind_common(Invocation& call, Scalars& s, Buffer<float>& pipeline_features,
                 Buffer<float>& schedule_features, std::vector<Buffer<float>>& weights,
                 Buffer<float>& true_runtime, Buffer<float>& prediction, Buffer<float>& loss) {
  call.scalar("num_stages", &s.num_stages);
  call.scalar("batch_size", &s.batch_size);
  call.scalar("num_cores", &s.num_cores);
  call.buffer("pipeline_features", pipeline_features);
  call.buffer("schedule_features", schedule_features);
  const auto& specs = halide_weight_specs();
  for (size_t i = 0; i < specs.size(); ++i) call.buffer(specs[i].argument, weights[i]);
  call.scalar("learning_rate", &s.learning_rate);
  call.scalar("timestep", &s.timestep);
  call.scalar("reference", &s.reference);
  call.buffer("true_runtime", true_runtime);
  call.buffer("prediction_output", prediction);
  call.buffer("loss_output", loss);
}

// Inference, as DefaultCostModel::evaluate_costs calls it: learning rate 0, timestep 0,
// reference 0 (all three only feed the loss, which inference does not compute).
void run_cost_model(const HalideWeights& weights, int num_cores, const PackedPipeline& p,
                    Buffer<float>& schedule_features, int batch, float* out) {
  Invocation call(library().inference);
  // Shallow copies: this call's own halide_buffer_t structs over the shared, read-only data.
  Buffer<float> pipeline_features = p.pipeline_features;
  std::vector<Buffer<float>> w(weights.buffers.begin(), weights.buffers.end());
  Buffer<float> true_runtime(batch);  // unused by inference (Halide passes null); valid anyway
  true_runtime.fill(1.0f);
  Buffer<float> prediction(batch);
  Buffer<float> loss = Buffer<float>::make_scalar();
  Scalars s;
  s.num_stages = p.num_stages;
  s.batch_size = batch;
  s.num_cores = num_cores;
  bind_common(call, s, pipeline_features, schedule_features, w, true_runtime, prediction, loss);
  call.run();
  std::memcpy(out, prediction.data(), static_cast<size_t>(batch) * sizeof(float));
}

std::vector<SchedulePrediction> predict_with(const HalideWeights& weights, int num_cores,
                                             const PipelineGraph& g,
                                             const std::vector<int64_t>& rows) {
  std::vector<SchedulePrediction> out(rows.size());
  if (rows.empty()) return out;
  const PackedPipeline p = pack_pipeline(g);
  for (int64_t r : rows) {
    if (r < 0 || r >= p.num_schedules) {
      throw std::out_of_range(fmt::format("pipeline '{}' has no schedule row {}", g.name, r));
    }
  }
  std::vector<float> prediction(HalideCostModel::kMaxPredictBatch);
  for (size_t begin = 0; begin < rows.size(); begin += HalideCostModel::kMaxPredictBatch) {
    const int batch =
        static_cast<int>(std::min<size_t>(HalideCostModel::kMaxPredictBatch, rows.size() - begin));
    Buffer<float> sf = schedule_buffer(p, rows.data() + begin, batch);
    run_cost_model(weights, num_cores, p, sf, batch, prediction.data());
    for (int i = 0; i < batch; ++i) out[begin + static_cast<size_t>(i)].runtime_ms = prediction[i];
  }
  return out;
}

// One schedule's term of Halide's loss: squared error of throughput relative to the
// reference (fastest) runtime, as in cost_model_generator.cpp.
double relative_throughput_error(double predicted, double measured, double reference) {
  const double inverse_predicted = 1.0 / std::max(predicted / reference, 1e-10);
  const double inverse_measured = reference / measured;
  return (inverse_predicted - inverse_measured) * (inverse_predicted - inverse_measured);
}

double mean_loss_with(const HalideWeights& weights, int num_cores,
                      const std::vector<const PipelineGraph*>& pipelines) {
  double sum = 0;
  int64_t count = 0;
  for (const PipelineGraph* g : pipelines) {
    const int64_t n = g->schedules.defined() ? g->schedules.size(0) : 0;
    if (n == 0) continue;
    const std::vector<double> measured = runtimes_of(*g, n);
    const auto predicted = predict_with(weights, num_cores, *g, g->all_rows());
    const double reference = *std::min_element(measured.begin(), measured.end());
    for (size_t i = 0; i < measured.size(); ++i) {
      sum += relative_throughput_error(predicted[i].runtime_ms, measured[i], reference);
    }
    count += n;
  }
  return count ? sum / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
}

// The ADAM state of training: one zero-initialised buffer per weight with an extra
// dimension of 4, which train_cost_model reads and rewrites in place, as
// DefaultCostModel::backprop keeps its *_update buffers from call to call.
std::vector<Buffer<float>> fresh_adam_state() {
  std::vector<Buffer<float>> state;
  for (const HalideWeightSpec& w : halide_weight_specs()) {
    std::vector<int> extents = w.extents;
    extents.push_back(4);
    Buffer<float> b(extents);
    b.fill(0.0f);
    state.push_back(std::move(b));
  }
  return state;
}

// One ADAM step on one batch, as DefaultCostModel::backprop: reference = the batch's
// fastest schedule, timestep counts the steps taken so far (0 first), and the new
// weights (slice 0 of each update buffer) replace the old ones. Returns the loss output
// (sum over the batch).
float train_step(HalideWeights& weights, std::vector<Buffer<float>>& adam, int num_cores,
                 const PackedPipeline& p, const std::vector<int64_t>& rows,
                 const std::vector<double>& measured, float learning_rate, int timestep) {
  const int batch = static_cast<int>(rows.size());
  Buffer<float> sf = schedule_buffer(p, rows.data(), batch);
  Buffer<float> true_runtime(batch);
  int reference = 0;
  for (int i = 0; i < batch; ++i) {
    const double r = measured[static_cast<size_t>(rows[static_cast<size_t>(i)])];
    true_runtime.data()[i] = static_cast<float>(r);
    if (r < measured[static_cast<size_t>(rows[static_cast<size_t>(reference)])]) reference = i;
  }
  Invocation call(library().training);
  Buffer<float> pipeline_features = p.pipeline_features;
  Buffer<float> prediction(batch);
  Buffer<float> loss = Buffer<float>::make_scalar();
  Scalars s;
  s.num_stages = p.num_stages;
  s.batch_size = batch;
  s.num_cores = num_cores;
  s.learning_rate = learning_rate;
  s.timestep = timestep;
  s.reference = reference;
  bind_common(call, s, pipeline_features, sf, weights.buffers, true_runtime, prediction, loss);
  const auto& specs = halide_weight_specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    call.buffer(std::string("updated_") + specs[i].argument, adam[i]);
  }
  call.run();
  for (size_t i = 0; i < specs.size(); ++i) {
    weights.buffers[i].copy_from(adam[i].sliced(adam[i].dimensions() - 1, 0));
  }
  return loss.data()[0];
}

}  // namespace

void load_halide_cost_model_library() { library(); }

HalideCostModel::HalideCostModel(HalideWeights weights, int parallelism, std::string name)
    : weights_(std::move(weights)), parallelism_(parallelism), name_(std::move(name)) {
  check_halide_weights(weights_);
  if (parallelism_ < 1) {
    throw std::invalid_argument(
        fmt::format("Halide cost model: parallelism must be at least 1, got {}", parallelism_));
  }
  library();  // fail now rather than at the first prediction
}

HalideCostModel HalideCostModel::stock(const std::string& weights_path, int parallelism) {
  return HalideCostModel(load_halide_weights(weights_path), parallelism, "halide-stock");
}

std::vector<SchedulePrediction> HalideCostModel::predict(const PipelineGraph& pipeline,
                                                         const std::vector<int64_t>& rows) const {
  return predict_with(weights_, parallelism_, pipeline, rows);
}

double HalideCostModel::mean_loss(const std::vector<const PipelineGraph*>& pipelines) const {
  return mean_loss_with(weights_, parallelism_, pipelines);
}

HalideCostModel HalideCostModel::retrained(const BaselineTrainingSet& set, double learning_rate) {
  if (set.train.empty()) {
    throw std::invalid_argument(
        "Halide cost-model retraining needs at least one training pipeline");
  }
  if (set.epochs < 1) {
    throw std::invalid_argument(
        fmt::format("Halide cost-model retraining needs at least one epoch, got {}", set.epochs));
  }
  if (set.parallelism < 1) {
    throw std::invalid_argument(fmt::format(
        "Halide cost-model retraining: parallelism must be at least 1, got {}", set.parallelism));
  }
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    throw std::invalid_argument(fmt::format(
        "Halide cost-model retraining: learning rate must be positive, got {}", learning_rate));
  }
  library();

  struct TrainingPipeline {
    PackedPipeline packed;
    std::vector<double> measured;
  };
  std::vector<TrainingPipeline> train;
  for (const PipelineGraph* g : set.train) {
    TrainingPipeline t{pack_pipeline(*g), {}};
    if (t.packed.num_schedules == 0) continue;
    t.measured = runtimes_of(*g, t.packed.num_schedules);
    train.push_back(std::move(t));
  }
  if (train.empty()) {
    throw std::invalid_argument("Halide cost-model retraining: no training pipeline has schedules");
  }
  // Reject malformed validation pipelines now rather than after the first epoch.
  for (const PipelineGraph* g : set.validation) {
    const PackedPipeline checked = pack_pipeline(*g);
    if (checked.num_schedules > 0) runtimes_of(*g, checked.num_schedules);
  }

  HalideWeights weights = random_halide_weights(set.seed);
  std::vector<Buffer<float>> adam = fresh_adam_state();
  // A different stream from the weights' (which also start from set.seed).
  std::mt19937_64 rng(set.seed ^ 0x9e3779b97f4a7c15ULL);
  const auto rate = static_cast<float>(learning_rate);
  int timestep = 0;

  HalideWeights best = weights.clone();
  double best_validation = std::numeric_limits<double>::infinity();
  std::vector<size_t> order(train.size());
  std::iota(order.begin(), order.end(), size_t{0});

  for (int epoch = 1; epoch <= set.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    int64_t loss_count = 0;
    for (size_t index : order) {
      const TrainingPipeline& t = train[index];
      const int64_t n = t.packed.num_schedules;
      std::vector<int64_t> rows(static_cast<size_t>(n));
      std::iota(rows.begin(), rows.end(), int64_t{0});
      std::shuffle(rows.begin(), rows.end(), rng);
      // Batches of near-equal size, none above kMaxTrainBatch.
      const int64_t batches = (n + kMaxTrainBatch - 1) / kMaxTrainBatch;
      for (int64_t b = 0; b < batches; ++b) {
        const std::vector<int64_t> batch(rows.begin() + b * n / batches,
                                         rows.begin() + (b + 1) * n / batches);
        const float loss = train_step(weights, adam, set.parallelism, t.packed, batch, t.measured,
                                      rate, timestep++);
        if (!std::isfinite(loss)) {
          throw std::runtime_error(fmt::format(
              "Halide cost-model retraining diverged: loss {} at epoch {} on pipeline '{}'", loss,
              epoch, t.packed.name));
        }
        loss_sum += loss;
        loss_count += static_cast<int64_t>(batch.size());
      }
    }
    const double train_loss = loss_sum / static_cast<double>(loss_count);

    std::string validation_text = "-";
    if (!set.validation.empty()) {
      const double v = mean_loss_with(weights, set.parallelism, set.validation);
      validation_text = fmt::format("{:.6g}", v);
      if (v < best_validation) {
        best_validation = v;
        best = weights.clone();
      }
    }
    if (set.progress) {
      set.progress(fmt::format("epoch {}/{} loss {:.6g} val {}", epoch, set.epochs, train_loss,
                               validation_text));
    }
  }
  // Without a finite validation loss in any epoch, the last epoch's weights.
  if (!std::isfinite(best_validation)) best = weights.clone();
  return HalideCostModel(std::move(best), set.parallelism, "halide-retrained");
}

}  // namespace gnnperf
