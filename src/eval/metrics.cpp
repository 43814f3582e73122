#include "eval/metrics.h"

#include <algorithm>
#include <cmath>

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

Metrics compute_metrics(const std::vector<PipelineResult>& results) {
  Metrics m;
  std::vector<double> ape;
  double tau_sum = 0, top1_sum = 0;
  for (const auto& r : results) {
    for (size_t i = 0; i < r.measured_ms.size(); ++i) {
      ape.push_back(std::abs(r.predicted_ms[i] - r.measured_ms[i]) / r.measured_ms[i]);
    }
    if (r.measured_ms.size() < 2) continue;
    ++m.pipelines;
    tau_sum += kendall_tau_b(r.predicted_ms, r.measured_ms);
    const size_t pick =
        std::min_element(r.predicted_ms.begin(), r.predicted_ms.end()) - r.predicted_ms.begin();
    top1_sum += *std::min_element(r.measured_ms.begin(), r.measured_ms.end()) / r.measured_ms[pick];
  }
  m.schedules = static_cast<int64_t>(ape.size());
  if (!ape.empty()) {
    double sum = 0;
    for (double a : ape) sum += a;
    m.mape = sum / static_cast<double>(ape.size());
    std::sort(ape.begin(), ape.end());
    const size_t mid = ape.size() / 2;
    m.median_ape = ape.size() % 2 ? ape[mid] : 0.5 * (ape[mid - 1] + ape[mid]);
  }
  if (m.pipelines > 0) {
    m.kendall_tau = tau_sum / static_cast<double>(m.pipelines);
    m.top1_score = top1_sum / static_cast<double>(m.pipelines);
  }
  return m;
}

nlohmann::json to_json(const Metrics& m) {
  return {{"mape", m.mape},
          {"median_ape", m.median_ape},
          {"kendall_tau", m.kendall_tau},
          {"top1_score", m.top1_score},
          {"schedules", m.schedules},
          {"pipelines", m.pipelines}};
}

}  // namespace gnnperf
