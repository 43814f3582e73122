#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gnnperf {

double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b) {
  int64_t concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
  const size_t n = a.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0) continue;
      if (da == 0) {
        ++ties_a;
      } else if (db == 0) {
        ++ties_b;
      } else if ((da > 0) == (db > 0)) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  }
  const double denominator = std::sqrt(static_cast<double>(concordant + discordant + ties_a) *
                                       static_cast<double>(concordant + discordant + ties_b));
  return denominator > 0 ? static_cast<double>(concordant - discordant) / denominator : 0.0;
}

double pairwise_accuracy(const std::vector<double>& predicted,
                         const std::vector<double>& measured) {
  double right = 0;
  int64_t pairs = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    for (size_t j = i + 1; j < measured.size(); ++j) {
      const double dm = measured[i] - measured[j], dp = predicted[i] - predicted[j];
      if (dm == 0) continue;
      ++pairs;
      if (dp == 0) {
        right += 0.5;
      } else if ((dp > 0) == (dm > 0)) {
        right += 1;
      }
    }
  }
  return pairs > 0 ? right / static_cast<double>(pairs) : 0.5;
}

double top_k_score(const std::vector<double>& predicted, const std::vector<double>& measured,
                   size_t k) {
  std::vector<size_t> order(predicted.size());
  std::iota(order.begin(), order.end(), 0);
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](size_t a, size_t b) { return predicted[a] < predicted[b]; });
  double best_pick = measured[order[0]];
  for (size_t i = 1; i < k; ++i) best_pick = std::min(best_pick, measured[order[i]]);
  return *std::min_element(measured.begin(), measured.end()) / best_pick;
}

Metrics compute_metrics(const std::vector<PipelineResult>& results) {
  Metrics m;
  std::vector<double> ape;
  double log_sq = 0, tau = 0, pairwise = 0, top1 = 0, top5 = 0;
  for (const auto& r : results) {
    for (size_t i = 0; i < r.measured_ms.size(); ++i) {
      ape.push_back(std::abs(r.predicted_ms[i] - r.measured_ms[i]) / r.measured_ms[i]);
      const double d = std::log(std::max(r.predicted_ms[i], 1e-12) / r.measured_ms[i]);
      log_sq += d * d;
    }
    if (r.measured_ms.size() < 2) continue;
    ++m.pipelines;
    tau += kendall_tau_b(r.predicted_ms, r.measured_ms);
    pairwise += pairwise_accuracy(r.predicted_ms, r.measured_ms);
    top1 += top_k_score(r.predicted_ms, r.measured_ms, 1);
    top5 += top_k_score(r.predicted_ms, r.measured_ms, 5);
  }
  m.schedules = static_cast<int64_t>(ape.size());
  if (!ape.empty()) {
    double sum = 0;
    for (double a : ape) sum += a;
    const auto n = static_cast<double>(ape.size());
    m.mape = sum / n;
    m.rmse_log = std::sqrt(log_sq / n);
    std::sort(ape.begin(), ape.end());
    const size_t mid = ape.size() / 2;
    m.median_ape = ape.size() % 2 ? ape[mid] : 0.5 * (ape[mid - 1] + ape[mid]);
  }
  if (m.pipelines > 0) {
    const auto n = static_cast<double>(m.pipelines);
    m.kendall_tau = tau / n;
    m.pairwise_acc = pairwise / n;
    m.top1_score = top1 / n;
    m.top5_score = top5 / n;
  }
  return m;
}

nlohmann::json to_json(const Metrics& m, bool absolute) {
  nlohmann::json j = {{"mape", m.mape},
                      {"median_ape", m.median_ape},
                      {"rmse_log", m.rmse_log},
                      {"kendall_tau", m.kendall_tau},
                      {"pairwise_acc", m.pairwise_acc},
                      {"top1_score", m.top1_score},
                      {"top5_score", m.top5_score},
                      {"schedules", m.schedules},
                      {"pipelines", m.pipelines}};
  if (!absolute) {
    for (const char* key : {"mape", "median_ape", "rmse_log"}) j[key] = nullptr;
  }
  return j;
}

}  // namespace gnnperf
