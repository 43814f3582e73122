#include "baselines/xgboost_cost_model.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>

#include "features/featurization.h"
#include "graph/feature_transform.h"

namespace gnnperf {
namespace {

constexpr double kMinRuntimeMs = 1e-6;  // xgboost-runtime: the smallest predicted runtime

void check_pipeline(const PipelineGraph& g) {
  const bool ok = g.num_stages > 0 && g.algorithm.defined() && g.schedules.defined() &&
                  g.algorithm.dim() == 2 && g.algorithm.size(0) == g.num_stages &&
                  g.algorithm.size(1) == kAlgorithmFeatures && g.schedules.dim() == 3 &&
                  g.schedules.size(1) == g.num_stages && g.schedules.size(2) == kScheduleFeatures;
  if (!ok) {
    throw std::invalid_argument(
        fmt::format("pipeline {}: its features do not match its {} stages", g.name, g.num_stages));
  }
}

// [schedules, stages, 326]: for every stage its 39 log-scaled schedule features, then its
// 287 log-scaled algorithm features.
torch::Tensor stage_features(const PipelineGraph& g, const torch::Tensor& rows) {
  const int64_t n = rows.numel();
  const auto schedule = log_scale(g.schedules.index_select(0, rows).to(torch::kFloat32));
  const auto algorithm = log_scale(g.algorithm.to(torch::kFloat32))
                             .unsqueeze(0)
                             .expand({n, g.num_stages, kAlgorithmFeatures});
  return torch::cat({schedule, algorithm}, 2).contiguous();
}

// The rows of a schedule in a model's matrix: one per stage, or one per schedule with the
// sum and the max over stages of the stage features, and the number of stages.
torch::Tensor model_rows(const PipelineGraph& g, const torch::Tensor& rows, bool flat) {
  const auto f = stage_features(g, rows);
  if (!flat) return f.reshape({-1, kStageFeatures});
  const auto stages = torch::full({f.size(0), 1}, static_cast<double>(g.num_stages),
                                  torch::TensorOptions().dtype(torch::kFloat32));
  return torch::cat({f.sum(1), std::get<0>(f.max(1)), stages}, 1).contiguous();
}

xgb::DMatrix to_dmatrix(const torch::Tensor& x, int nthread) {
  const auto c = x.to(torch::kFloat32).contiguous();
  return xgb::DMatrix(c.data_ptr<float>(), static_cast<size_t>(c.size(0)),
                      static_cast<size_t>(c.size(1)), nthread);
}

// Schedules of several pipelines as packs of rows (one row per pack for xgboost-flat).
struct PackSet {
  torch::Tensor x;                   // [rows, features]
  std::vector<int64_t> pack_of_row;  // the schedule of every row
  // Per schedule: measured runtime, fastest runtime of its pipeline, number of rows.
  std::vector<double> runtime_ms, fastest_ms;
  std::vector<int> pack_rows;

  size_t schedules() const { return runtime_ms.size(); }
};

PackSet pack_set(const std::vector<const PipelineGraph*>& pipelines, bool flat) {
  PackSet s;
  std::vector<torch::Tensor> parts;
  for (const auto* g : pipelines) {
    check_pipeline(*g);
    const auto runtimes = g->runtimes_ms.to(torch::kFloat64).contiguous();
    const int64_t n = runtimes.numel();
    if (n == 0) continue;
    if (g->schedules.size(0) != n) {
      throw std::invalid_argument(fmt::format("pipeline {}: {} runtimes for {} schedules", g->name,
                                              n, g->schedules.size(0)));
    }
    const double* r = runtimes.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) {
      if (!(r[i] > 0) || !std::isfinite(r[i])) {
        throw std::invalid_argument(
            fmt::format("pipeline {}: runtime {} ms of schedule row {}", g->name, r[i], i));
      }
    }
    const double fastest = *std::min_element(r, r + n);
    parts.push_back(model_rows(*g, torch::arange(n, torch::kLong), flat));
    const int rows_per_pack = flat ? 1 : g->num_stages;
    for (int64_t i = 0; i < n; ++i) {
      const auto pack = static_cast<int64_t>(s.runtime_ms.size());
      s.pack_of_row.insert(s.pack_of_row.end(), static_cast<size_t>(rows_per_pack), pack);
      s.runtime_ms.push_back(r[i]);
      s.fastest_ms.push_back(fastest);
      s.pack_rows.push_back(rows_per_pack);
    }
  }
  if (!parts.empty()) s.x = torch::cat(parts).contiguous();
  return s;
}

// What the trees fit, per schedule: target y and weight w.
struct Targets {
  std::vector<double> y, w;
};

Targets targets_of(XGBoostVariant variant, const PackSet& s) {
  Targets t;
  for (size_t i = 0; i < s.schedules(); ++i) {
    const double runtime = s.runtime_ms[i];
    switch (variant) {
      case XGBoostVariant::kAnsor:  // normalized throughput, weighted by itself
        t.y.push_back(s.fastest_ms[i] / runtime);
        t.w.push_back(s.fastest_ms[i] / runtime);
        break;
      case XGBoostVariant::kRuntime:  // squared relative error
        t.y.push_back(runtime);
        t.w.push_back(1.0 / (runtime * runtime));
        break;
      case XGBoostVariant::kFlat:
        t.y.push_back(std::log(runtime));
        t.w.push_back(1.0);
        break;
    }
  }
  return t;
}

// The monitored metric from the margins of a pack set: pack-sum RMSE of the normalized
// throughput (xgboost-ansor) or RMSE of log runtime (the others).
double monitored_metric(XGBoostVariant variant, const std::vector<float>& margins,
                        const PackSet& s) {
  const auto sums = pack_sums(margins, s.pack_of_row, s.schedules());
  double squares = 0;
  for (size_t i = 0; i < s.schedules(); ++i) {
    double d = 0;
    switch (variant) {
      case XGBoostVariant::kAnsor:
        d = sums[i] - s.fastest_ms[i] / s.runtime_ms[i];
        break;
      case XGBoostVariant::kRuntime:
        d = std::log(std::max(sums[i], kMinRuntimeMs)) - std::log(s.runtime_ms[i]);
        break;
      case XGBoostVariant::kFlat:
        d = sums[i] - std::log(s.runtime_ms[i]);
        break;
    }
    squares += d * d;
  }
  return std::sqrt(squares / static_cast<double>(s.schedules()));
}

// The best constant per row: argmin_c sum_s w_s (|R_s| c - y_s)^2.
double best_constant(const Targets& t, const PackSet& s) {
  double num = 0, den = 0;
  for (size_t i = 0; i < s.schedules(); ++i) {
    const double k = s.pack_rows[i];
    num += t.w[i] * k * t.y[i];
    den += t.w[i] * k * k;
  }
  return den > 0 ? num / den : 0.0;
}

struct Stopping {
  int best_round = 0, rounds = 0;
  double best = std::numeric_limits<double>::infinity();
};

// Boosting rounds until `early_stopping_rounds` rounds bring no better metric.
Stopping boost_with_early_stopping(const std::function<void(int)>& step,
                                   const std::function<double()>& metric, const XGBoostOptions& o,
                                   const BaselineTrainingSet& set, const std::string& name,
                                   const std::string& monitored) {
  Stopping r;
  for (int round = 1; round <= o.max_rounds; ++round) {
    step(round - 1);
    const double value = metric();
    r.rounds = round;
    if (value < r.best) {
      r.best = value;
      r.best_round = round;
    }
    const bool stop = round - r.best_round >= o.early_stopping_rounds || round == o.max_rounds;
    if (set.progress && (round % o.progress_every == 0 || stop)) {
      set.progress(
          fmt::format("{} round {} {} {:.6g} best {:.6g}", name, round, monitored, value, r.best));
    }
    if (stop) break;
  }
  if (r.best_round == 0) throw std::runtime_error(name + ": " + monitored + " is never finite");
  if (set.progress) {
    set.progress(fmt::format("{} stopped after {} rounds, keeping {} ({} {:.6g})", name, r.rounds,
                             r.best_round, monitored, r.best));
  }
  return r;
}

std::string param(double value) { return fmt::format("{}", value); }

}  // namespace

const char* xgboost_variant_name(XGBoostVariant variant) {
  switch (variant) {
    case XGBoostVariant::kAnsor:
      return "xgboost-ansor";
    case XGBoostVariant::kRuntime:
      return "xgboost-runtime";
    case XGBoostVariant::kFlat:
      return "xgboost-flat";
  }
  return "xgboost-?";
}

std::optional<XGBoostVariant> xgboost_variant_from_name(const std::string& name) {
  for (auto v : {XGBoostVariant::kAnsor, XGBoostVariant::kRuntime, XGBoostVariant::kFlat}) {
    if (name == xgboost_variant_name(v)) return v;
  }
  return std::nullopt;
}

std::vector<double> pack_sums(const std::vector<float>& row_values,
                              const std::vector<int64_t>& pack_of_row, size_t packs) {
  if (row_values.size() != pack_of_row.size())
    throw std::invalid_argument("pack_sums: one pack id per row expected");
  std::vector<double> sums(packs, 0.0);
  for (size_t r = 0; r < row_values.size(); ++r) {
    const int64_t p = pack_of_row[r];
    if (p < 0 || static_cast<size_t>(p) >= packs) {
      throw std::invalid_argument(
          fmt::format("pack_sums: pack id {} of row {} out of range", p, r));
    }
    sums[static_cast<size_t>(p)] += row_values[r];
  }
  return sums;
}

RowGradients pack_sum_gradients(const std::vector<float>& row_predictions,
                                const std::vector<int64_t>& pack_of_row,
                                const std::vector<double>& targets,
                                const std::vector<double>& weights, PackSumHessian hessian) {
  if (targets.size() != weights.size())
    throw std::invalid_argument("pack_sum_gradients: one weight per target expected");
  const auto sums = pack_sums(row_predictions, pack_of_row, targets.size());
  std::vector<double> rows_in_pack(targets.size(), 0.0);
  for (int64_t p : pack_of_row) rows_in_pack[static_cast<size_t>(p)] += 1;
  RowGradients g;
  g.grad.resize(row_predictions.size());
  g.hess.resize(row_predictions.size());
  for (size_t r = 0; r < row_predictions.size(); ++r) {
    const auto s = static_cast<size_t>(pack_of_row[r]);
    g.grad[r] = static_cast<float>(weights[s] * (sums[s] - targets[s]));
    const double rows = hessian == PackSumHessian::kAnsor ? 1.0 : rows_in_pack[s];
    g.hess[r] = static_cast<float>(weights[s] * rows);
  }
  return g;
}

XGBoostCostModel::XGBoostCostModel(XGBoostVariant variant, int nthread, xgb::Booster booster,
                                   int rounds, int rounds_trained)
    : variant_(variant),
      nthread_(nthread),
      booster_(std::move(booster)),
      rounds_(rounds),
      rounds_trained_(rounds_trained) {}

std::unique_ptr<XGBoostCostModel> XGBoostCostModel::train(XGBoostVariant variant,
                                                          const BaselineTrainingSet& set,
                                                          const XGBoostOptions& options) {
  const std::string name = xgboost_variant_name(variant);
  if (options.max_rounds < 1 || options.early_stopping_rounds < 1 || options.progress_every < 1 ||
      options.nthread < 1) {
    throw std::invalid_argument(
        name + ": rounds, patience, progress interval and threads must be positive");
  }
  const bool flat = variant == XGBoostVariant::kFlat;
  const PackSet train = pack_set(set.train, flat);
  if (train.schedules() == 0) throw std::invalid_argument(name + ": no training schedules");
  const PackSet validation = pack_set(set.validation, flat);
  const bool on_validation = validation.schedules() > 0;
  const PackSet& monitor = on_validation ? validation : train;
  const Targets t = targets_of(variant, train);

  xgb::DMatrix dtrain = to_dmatrix(train.x, options.nthread);
  std::optional<xgb::DMatrix> dvalidation;
  if (on_validation) dvalidation.emplace(to_dmatrix(validation.x, options.nthread));
  const xgb::DMatrix& dmonitor = on_validation ? *dvalidation : dtrain;
  std::vector<const xgb::DMatrix*> cache{&dtrain};
  if (on_validation) cache.push_back(&*dvalidation);
  xgb::Booster booster(cache);

  // Ansor's parameters; no row or column sampling, so the seed changes nothing today.
  booster.set_param("verbosity", "0");
  booster.set_param("nthread", std::to_string(options.nthread));
  booster.set_param("seed", std::to_string(set.seed & 0x7fffffffULL));
  booster.set_param("max_depth", std::to_string(options.max_depth));
  booster.set_param("gamma", param(options.gamma));
  booster.set_param("min_child_weight", param(options.min_child_weight));
  booster.set_param("eta", param(options.eta));
  booster.set_param("tree_method", options.tree_method);
  booster.set_param("base_score", param(best_constant(t, train)));
  if (variant == XGBoostVariant::kRuntime)
    booster.set_param("lambda", param(*std::min_element(t.w.begin(), t.w.end())));
  if (flat) {
    booster.set_param("objective", "reg:squarederror");
    dtrain.set_labels(std::vector<float>(t.y.begin(), t.y.end()));
  }

  const auto step = [&](int iteration) {
    if (flat) {
      booster.update_one_iter(iteration, dtrain);
      return;
    }
    const auto margins = booster.predict_margin(dtrain, 0, /*training=*/true);
    auto g = pack_sum_gradients(margins, train.pack_of_row, t.y, t.w, options.hessian);
    booster.boost_one_iter(dtrain, g.grad, g.hess);
  };
  const auto metric = [&] {
    return monitored_metric(variant, booster.predict_margin(dmonitor), monitor);
  };
  const std::string monitored =
      fmt::format("{} {}", on_validation ? "val" : "train",
                  variant == XGBoostVariant::kAnsor ? "p-rmse" : "log-rmse");
  const Stopping r = boost_with_early_stopping(step, metric, options, set, name, monitored);
  return std::unique_ptr<XGBoostCostModel>(
      new XGBoostCostModel(variant, options.nthread, std::move(booster), r.best_round, r.rounds));
}

std::vector<SchedulePrediction> XGBoostCostModel::predict(const PipelineGraph& pipeline,
                                                          const std::vector<int64_t>& rows) const {
  if (rows.empty()) return {};
  check_pipeline(pipeline);
  const bool flat = variant_ == XGBoostVariant::kFlat;
  const xgb::DMatrix data = to_dmatrix(model_rows(pipeline, torch::tensor(rows), flat), nthread_);
  std::vector<float> margins;
  {
    std::lock_guard lock(predict_mutex_);
    margins = booster_.predict_margin(data, rounds_);
  }
  const size_t per_schedule = flat ? 1 : static_cast<size_t>(pipeline.num_stages);
  std::vector<SchedulePrediction> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const float* m = margins.data() + i * per_schedule;
    double sum = 0;
    for (size_t s = 0; s < per_schedule; ++s) sum += m[s];
    switch (variant_) {
      case XGBoostVariant::kAnsor:
        // A score, larger = faster; exp(-score) keeps the order of every score, including
        // negative ones, and is positive.
        out[i].runtime_ms = std::exp(-sum);
        break;
      case XGBoostVariant::kRuntime:
        out[i].runtime_ms = std::max(sum, kMinRuntimeMs);
        out[i].stage_cost_ms.assign(m, m + per_schedule);
        break;
      case XGBoostVariant::kFlat:
        out[i].runtime_ms = std::exp(sum);
        break;
    }
  }
  return out;
}

}  // namespace gnnperf
