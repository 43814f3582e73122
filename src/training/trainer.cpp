#include "training/trainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <random>

#include "eval/evaluate.h"
#include "graph/graph_batch.h"
#include "training/loss.h"

namespace gnnperf {
namespace {

using Batch = std::vector<BatchPart>;

// Cuts each pipeline's schedules (in `rows` order) into parts and packs parts into batches.
std::vector<Batch> pack(std::vector<BatchPart> parts, const GnnConfig& c) {
  std::vector<Batch> batches;
  size_t size = 0;
  for (auto& part : parts) {
    if (batches.empty() || size + part.rows.size() > static_cast<size_t>(c.batch_schedules)) {
      batches.emplace_back();
      size = 0;
    }
    size += part.rows.size();
    batches.back().push_back(std::move(part));
  }
  return batches;
}

std::vector<BatchPart> parts_of(const PipelineGraph* g, std::vector<int64_t> rows,
                                const GnnConfig& c) {
  std::vector<BatchPart> parts;
  for (size_t i = 0; i < rows.size(); i += static_cast<size_t>(c.part_schedules)) {
    const size_t end = std::min(rows.size(), i + static_cast<size_t>(c.part_schedules));
    parts.push_back({g, std::vector<int64_t>(rows.begin() + static_cast<ptrdiff_t>(i),
                                             rows.begin() + static_cast<ptrdiff_t>(end))});
  }
  return parts;
}

// The seed of everything random in one epoch, so a resumed run draws what the
// uninterrupted one drew.
uint64_t epoch_seed(uint64_t seed, int epoch) {
  return seed * 1000003ULL + static_cast<uint64_t>(epoch);
}

// A fresh shuffle each epoch, seeded by (seed, epoch) so a resumed run sees the same order.
std::vector<Batch> epoch_batches(const std::vector<const PipelineGraph*>& train, const GnnConfig& c,
                                 uint64_t seed, int epoch) {
  std::mt19937_64 rng(epoch_seed(seed, epoch));
  std::vector<BatchPart> parts;
  for (const auto* g : train) {
    auto rows = g->all_rows();
    std::shuffle(rows.begin(), rows.end(), rng);
    for (auto& p : parts_of(g, rows, c)) parts.push_back(std::move(p));
  }
  std::shuffle(parts.begin(), parts.end(), rng);
  return pack(std::move(parts), c);
}

std::vector<GraphBatch> fixed_batches(const std::vector<const PipelineGraph*>& pipelines,
                                      const GnnConfig& c, const FeatureTransform& t) {
  std::vector<BatchPart> parts;
  for (const auto* g : pipelines) {
    for (auto& p : parts_of(g, g->all_rows(), c)) parts.push_back(std::move(p));
  }
  std::vector<GraphBatch> out;
  for (const auto& b : pack(std::move(parts), c)) out.push_back(make_batch(b, t));
  return out;
}

LossWeights loss_weights(const GnnConfig& c) {
  return {c.rank_weight, c.ape_weight, c.huber_delta};
}

double mean_loss(GnnModule& module, const std::vector<GraphBatch>& batches, const GnnConfig& c) {
  torch::NoGradGuard no_grad;
  double sum = 0;
  for (const auto& b : batches) {
    sum +=
        cost_model_loss(module->forward(b).runtime_ms, b.runtimes_ms, b.graph_part, loss_weights(c))
            .total.item<double>();
  }
  return batches.empty() ? 0 : sum / static_cast<double>(batches.size());
}

std::vector<torch::Tensor> snapshot(GnnModule& m) {
  std::vector<torch::Tensor> out;
  for (const auto& p : m->parameters()) out.push_back(p.detach().clone());
  return out;
}

void restore(GnnModule& m, const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  auto current = m->parameters();
  for (size_t i = 0; i < current.size(); ++i) current[i].copy_(params[i]);
}

struct TrainingState {
  GnnConfig config;
  FeatureTransform transform;
  std::string split;  // SplitRule::spec(): a resumed run must keep its split
  GnnModule module{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer;
  int epoch = 0, best_epoch = 0;  // last finished epoch, best epoch so far
  double best_loss = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best;

  void make_optimizer() {
    optimizer = std::make_unique<torch::optim::Adam>(
        module->parameters(),
        torch::optim::AdamOptions(config.learning_rate).weight_decay(config.weight_decay));
  }
};

void save_checkpoint(TrainingState& s, const std::string& path) {
  torch::serialize::OutputArchive a;
  write_model_parts(a, s.config, s.transform, s.module, {{"split", {{"spec", s.split}}}});
  a.write("epoch", c10::IValue(static_cast<int64_t>(s.epoch)));
  a.write("best_epoch", c10::IValue(static_cast<int64_t>(s.best_epoch)));
  a.write("best_loss", c10::IValue(s.best_loss));
  torch::serialize::OutputArchive optimizer, best;
  s.optimizer->save(optimizer);
  a.write("optimizer", optimizer);
  for (size_t i = 0; i < s.best.size(); ++i) best.write(std::to_string(i), s.best[i]);
  a.write("best", best);
  a.save_to(path + ".tmp");
  std::filesystem::rename(path + ".tmp", path);
}

TrainingState load_checkpoint(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw std::invalid_argument(fmt::format("no checkpoint '{}' to resume from", path));
  }
  torch::serialize::InputArchive a;
  try {
    a.load_from(path);
  } catch (const c10::Error&) {
    throw ModelFileError(fmt::format("checkpoint '{}' is truncated or corrupt", path));
  }
  auto model = read_model_parts(a, path);
  TrainingState s;
  s.config = model->config();
  s.transform = model->transform();
  s.split = split_rule_of(model->record()).spec();
  s.module = model->module();
  s.module->train();
  s.make_optimizer();
  torch::serialize::InputArchive optimizer, best;
  a.read("optimizer", optimizer);
  s.optimizer->load(optimizer);
  c10::IValue v;
  a.read("epoch", v);
  s.epoch = static_cast<int>(v.toInt());
  a.read("best_epoch", v);
  s.best_epoch = static_cast<int>(v.toInt());
  a.read("best_loss", v);
  s.best_loss = v.toDouble();
  a.read("best", best);
  for (size_t i = 0; i < s.module->parameters().size(); ++i) {
    torch::Tensor t;
    best.read(std::to_string(i), t);
    s.best.push_back(t);
  }
  return s;
}

// One point of a learning curve: `share` of one side's pipelines, in their order. The
// draw depends on the generator's state alone, not on the share, so for one seed a
// smaller share keeps a subset of a larger one's.
std::vector<const PipelineGraph*> keep_share(const std::vector<const PipelineGraph*>& side,
                                             double share, std::mt19937_64& rng) {
  if (share >= 1) return side;
  std::vector<size_t> order(side.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(
      std::clamp<size_t>(std::llround(share * static_cast<double>(side.size())), 1, side.size()));
  std::sort(order.begin(), order.end());
  std::vector<const PipelineGraph*> kept;
  for (size_t i : order) kept.push_back(side[i]);
  return kept;
}

nlohmann::json names_of(const std::vector<const PipelineGraph*>& pipelines) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto* g : pipelines) names.push_back(g->name);
  return names;
}

}  // namespace

TrainResult train_gnn(const std::vector<PipelineGraph>& graphs, const TrainOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.config.value_features) {
    for (const auto& g : graphs) require_value_features(g);
  }
  auto train = pipelines_in(graphs, o.split, Split::kTrain);
  auto validation = pipelines_in(graphs, o.split, Split::kValidation);
  const auto test = pipelines_in(graphs, o.split, Split::kTest);
  if (!o.split.held_out_family().empty() && test.empty()) {
    throw std::invalid_argument(
        fmt::format("no timed pipeline of family '{}' to hold out", o.split.held_out_family()));
  }
  if (train.empty() || validation.empty()) {
    throw std::invalid_argument(fmt::format(
        "{} pipelines are too few to split by pipeline (train {}, validation {}, test {})",
        graphs.size(), train.size(), validation.size(), test.size()));
  }
  const std::string checkpoint = o.model_path + ".ckpt";
  TrainingState s;
  if (o.resume) {
    s = load_checkpoint(checkpoint);
    if (s.split != o.split.spec()) {
      throw std::invalid_argument(fmt::format("checkpoint '{}' was made with split '{}', not '{}'",
                                              checkpoint, s.split, o.split.spec()));
    }
  } else {
    s.config = o.config;
    s.split = o.split.spec();
  }
  const GnnConfig& c = s.config;
  std::mt19937_64 share_rng(o.seed);
  train = keep_share(train, c.train_fraction, share_rng);
  validation = keep_share(validation, c.train_fraction, share_rng);
  if (c.train_on_validation && !c.keep_last_epoch) {
    throw std::invalid_argument(
        "config key 'train_on_validation' needs 'keep_last_epoch': pipelines trained on "
        "cannot also pick the epoch to keep (set 'train_on_validation' false to stop early)");
  }
  // What the network learns from: with train_on_validation the validation pipelines too,
  // since keeping the last epoch needs them for nothing but the epoch line.
  auto fit_on = train;
  if (c.train_on_validation) fit_on.insert(fit_on.end(), validation.begin(), validation.end());
  if (!o.resume) {
    torch::manual_seed(o.seed);
    s.transform = FeatureTransform::fit(fit_on);
    s.module = GnnModule(c);
    s.make_optimizer();
    s.best = snapshot(s.module);
  }
  const auto validation_batches = fixed_batches(validation, c, s.transform);

  while (s.epoch < c.epochs && (c.keep_last_epoch || s.epoch - s.best_epoch < c.patience)) {
    const auto epoch_start = std::chrono::steady_clock::now();
    EpochReport r;
    r.epoch = ++s.epoch;
    r.epochs = c.epochs;
    r.learning_rate = c.learning_rate_at(s.epoch);
    for (auto& group : s.optimizer->param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(r.learning_rate);
    s.module->train();
    // Dropout draws from LibTorch's generator, whose state the checkpoint does not hold.
    torch::manual_seed(epoch_seed(o.seed, s.epoch));
    int batches = 0;
    for (const auto& parts : epoch_batches(fit_on, c, o.seed, s.epoch)) {
      const GraphBatch b = make_batch(parts, s.transform);
      const LossTerms loss = ensemble_loss(s.module->forward(b).member_runtime_ms, b.runtimes_ms,
                                           b.graph_part, loss_weights(c));
      s.optimizer->zero_grad();
      loss.total.backward();
      s.optimizer->step();
      r.loss += loss.total.item<double>();
      r.regression += loss.regression.item<double>();
      r.ranking += loss.ranking.item<double>();
      r.ape += loss.ape.item<double>();
      ++batches;
    }
    r.loss /= batches;
    r.regression /= batches;
    r.ranking /= batches;
    r.ape /= batches;
    r.validation_loss = mean_loss(s.module, validation_batches, c);
    r.validation =
        compute_metrics(evaluate(GnnCostModel(c, s.transform, s.module, {}), validation));
    r.improved = r.validation_loss < s.best_loss;
    if (r.improved) {
      s.best_loss = r.validation_loss;
      s.best_epoch = s.epoch;
      s.best = snapshot(s.module);
    }
    save_checkpoint(s, checkpoint);
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    if (o.on_epoch) o.on_epoch(r);
  }

  if (!c.keep_last_epoch) restore(s.module, s.best);
  TrainResult result;
  result.epochs_run = s.epoch;
  result.kept_epoch = c.keep_last_epoch ? s.epoch : s.best_epoch;
  auto model = std::make_unique<GnnCostModel>(c, s.transform, s.module, nlohmann::json::object());
  result.validation = compute_metrics(evaluate(*model, validation));
  result.test = compute_metrics(evaluate(*model, test));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const nlohmann::json record = {{"dataset", o.dataset},
                                 {"seed", o.seed},
                                 {"epochs_run", result.epochs_run},
                                 {"kept_epoch", result.kept_epoch},
                                 {"train_seconds", result.seconds},
                                 {"split",
                                  {{"spec", o.split.spec()},
                                   {"rule", o.split.description()},
                                   {"train", names_of(train)},
                                   {"validation", names_of(validation)},
                                   {"test", names_of(test)}}},
                                 {"validation", to_json(result.validation)},
                                 {"test", to_json(result.test)}};
  result.model = std::make_unique<GnnCostModel>(c, s.transform, s.module, record);
  result.model->save(o.model_path);
  std::filesystem::remove(checkpoint);
  return result;
}

}  // namespace gnnperf
