#include "models/gnn_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <stdexcept>

namespace gnnperf {
namespace {

void read_readout(const nlohmann::json& j, Readout& value) {
  if (!j.contains("readout")) return;
  if (!j.at("readout").is_string())
    throw std::invalid_argument("config key 'readout' must be a string");
  value = parse_readout(j.at("readout").get<std::string>());
}

void read_flag(const nlohmann::json& j, const char* key, bool& value) {
  if (!j.contains(key)) return;
  if (!j.at(key).is_boolean())
    throw std::invalid_argument(fmt::format("config key '{}' must be true or false", key));
  value = j.at(key).get<bool>();
}

template <typename T>
void read(const nlohmann::json& j, const char* key, T& value, double lo, double hi) {
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  if (!v.is_number())
    throw std::invalid_argument(fmt::format("config key '{}' must be a number", key));
  const double x = v.get<double>();
  if (x < lo || x > hi)
    throw std::invalid_argument(
        fmt::format("config key '{}' = {} is outside [{}, {}]", key, x, lo, hi));
  value = v.get<T>();
}

// A key whose absence means "derive it from the others" (the *_or_default accessors).
template <typename T>
void read(const nlohmann::json& j, const char* key, std::optional<T>& value, double lo, double hi) {
  if (!j.contains(key)) return;
  T given{};
  read(j, key, given, lo, hi);
  value = given;
}

}  // namespace

nlohmann::json GnnConfig::to_json() const {
  return {{"hidden", hidden},
          {"layers", layers},
          {"members", members},
          {"local_members", local_members_or_default()},
          {"rank_weight", rank_weight},
          {"ape_weight", ape_weight},
          {"huber_delta", huber_delta},
          {"readout", readout_name(readout)},
          {"learning_rate", learning_rate},
          {"final_learning_rate", final_learning_rate_or_default()},
          {"weight_decay", weight_decay},
          {"dropout", dropout},
          {"epochs", epochs},
          {"patience", patience},
          {"keep_last_epoch", keep_last_epoch},
          {"schedule_structure", schedule_structure},
          {"value_features", value_features},
          {"train_on_validation", train_on_validation},
          {"train_fraction", train_fraction},
          {"batch_schedules", batch_schedules},
          {"part_schedules", part_schedules}};
}

GnnConfig GnnConfig::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("config must be a JSON object");
  GnnConfig c;
  const auto known = c.to_json();
  for (const auto& [key, value] : j.items()) {
    if (!known.contains(key))
      throw std::invalid_argument(fmt::format("unknown config key '{}'", key));
  }
  read(j, "hidden", c.hidden, 1, 4096);
  read(j, "layers", c.layers, 0, 32);
  read(j, "members", c.members, 1, 64);
  read(j, "local_members", c.local_members, 0, c.members);
  read(j, "rank_weight", c.rank_weight, 0, 1e6);
  read(j, "ape_weight", c.ape_weight, 0, 1e6);
  read(j, "huber_delta", c.huber_delta, 0, 100);
  read_readout(j, c.readout);
  read(j, "learning_rate", c.learning_rate, 1e-8, 10);
  read(j, "final_learning_rate", c.final_learning_rate, 1e-8, 10);
  read(j, "weight_decay", c.weight_decay, 0, 1);
  read(j, "dropout", c.dropout, 0, 0.9);
  read(j, "epochs", c.epochs, 1, 1e6);
  read(j, "patience", c.patience, 1, 1e6);
  read_flag(j, "keep_last_epoch", c.keep_last_epoch);
  read_flag(j, "schedule_structure", c.schedule_structure);
  read_flag(j, "value_features", c.value_features);
  read_flag(j, "train_on_validation", c.train_on_validation);
  read(j, "train_fraction", c.train_fraction, 1e-3, 1);
  read(j, "batch_schedules", c.batch_schedules, 1, 1e6);
  read(j, "part_schedules", c.part_schedules, 1, 1e6);
  return c;
}

int GnnConfig::local_members_or_default() const { return local_members.value_or(members / 2); }

double GnnConfig::final_learning_rate_or_default() const {
  return final_learning_rate.value_or(learning_rate / 20);
}

double GnnConfig::learning_rate_at(int epoch) const {
  const double progress =
      epochs > 1 ? std::clamp(static_cast<double>(epoch - 1) / (epochs - 1), 0.0, 1.0) : 0.0;
  const double last = final_learning_rate_or_default();
  return last + (learning_rate - last) * 0.5 * (1 + std::cos(std::numbers::pi * progress));
}

GnnConfig GnnConfig::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("cannot read config '{}'", path));
  try {
    return from_json(nlohmann::json::parse(in));
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(
        fmt::format("config '{}' is not valid JSON (byte {})", path, e.byte));
  }
}

}  // namespace gnnperf
