#include "eval/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "eval/metrics.h"

namespace gnnperf {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const char* const kMetricKeys[] = {"mape",         "median_ape", "rmse_log",  "kendall_tau",
                                   "pairwise_acc", "top1_score", "top5_score"};
const char* const kMetricTitles[] = {"MAPE",           "median APE",  "RMSE log",   "Kendall tau",
                                     "pairwise order", "top-1 score", "top-5 score"};

std::ofstream open_for_writing(const fs::path& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
  return out;
}

void check_evaluation(const json& e) {
  for (const char* key :
       {"models", "test_pipelines", "predictions", "split", "stage_shares", "noise_floor_ape"}) {
    if (!e.contains(key))
      throw std::invalid_argument(
          fmt::format("not an evaluation from `gnnperf eval --json`: no '{}'", key));
  }
}

bool is_absolute(const json& metrics) { return !metrics.at("mape").is_null(); }

// One data file per model: measured, predicted, APE, pipeline index.
void write_points(const json& e, const std::string& model, const fs::path& path) {
  auto out = open_for_writing(path);
  const auto& pipelines = e.at("test_pipelines");
  const auto& predicted = e.at("predictions").at(model);
  for (size_t p = 0; p < pipelines.size(); ++p) {
    const auto& measured = pipelines.at(p).at("measured_ms");
    for (size_t s = 0; s < measured.size(); ++s) {
      const double m = measured.at(s), q = predicted.at(p).at(s);
      out << m << ' ' << q << ' ' << std::abs(q - m) / m << ' ' << p << '\n';
    }
  }
}

// Kendall tau of each test pipeline, sorted, per model (one column each).
void write_taus(const json& e, const std::vector<std::string>& models, const fs::path& path) {
  std::vector<std::vector<double>> taus;
  const auto& pipelines = e.at("test_pipelines");
  for (const auto& model : models) {
    std::vector<double> t;
    for (size_t p = 0; p < pipelines.size(); ++p) {
      const auto measured = pipelines.at(p).at("measured_ms").get<std::vector<double>>();
      if (measured.size() < 2) continue;
      t.push_back(
          kendall_tau_b(e.at("predictions").at(model).at(p).get<std::vector<double>>(), measured));
    }
    std::sort(t.begin(), t.end());
    taus.push_back(std::move(t));
  }
  auto out = open_for_writing(path);
  for (size_t i = 0; !taus.empty() && i < taus.front().size(); ++i) {
    out << i;
    for (const auto& t : taus) out << ' ' << t[i];
    out << '\n';
  }
}

void write_shares(const json& shares, const fs::path& path) {
  auto out = open_for_writing(path);
  for (const auto& s : shares.at("stages"))
    out << '"' << s.at("name").get<std::string>() << "\" " << s.at("share") << '\n';
}

std::string plot_script(const json& e, const std::vector<std::string>& models) {
  std::string gp = "set terminal pngcairo size 640,480 noenhanced\nset grid\n";
  for (const auto& model : models) {
    if (!is_absolute(e.at("models").at(model))) continue;
    gp += fmt::format(
        "set output 'scatter-{0}.png'\nset title 'predicted vs measured: {0}'\n"
        "set logscale xy\nset xlabel 'measured ms'\nset ylabel 'predicted ms'\n"
        "plot 'points-{0}.dat' using 1:2 with points pt 7 ps 0.4 title 'schedules', "
        "x with lines lw 2 title 'exact'\nunset logscale\n",
        model);
  }
  gp +=
      "set output 'ape.png'\nset title 'absolute percentage error (cumulative)'\n"
      "set logscale x\nset xlabel 'APE'\nset ylabel 'fraction of schedules'\nplot ";
  bool first = true;
  for (const auto& model : models) {
    if (!is_absolute(e.at("models").at(model))) continue;
    gp += fmt::format("{}'points-{}.dat' using 3:(1.0) smooth cnormal with lines lw 2 title '{}'",
                      first ? "" : ", ", model, model);
    first = false;
  }
  gp += "\nunset logscale\n";
  gp +=
      "set output 'tau.png'\nset title 'Kendall tau per test pipeline (sorted)'\n"
      "set xlabel 'pipeline'\nset ylabel 'tau'\nset yrange [-1:1]\nplot ";
  for (size_t i = 0; i < models.size(); ++i) {
    gp += fmt::format("{}'tau.dat' using 1:{} with lines lw 2 title '{}'", i ? ", " : "", i + 2,
                      models[i]);
  }
  gp += "\nset autoscale y\n";
  if (!e.at("stage_shares").is_null()) {
    gp += fmt::format(
        "set output 'stage-shares.png'\nset title 'GNN cost shares: {} (its first-ranked "
        "schedule)'\nset style fill solid 0.6\nset boxwidth 0.8\nset xtics rotate by 90 right\n"
        "set xlabel ''\nset ylabel 'share of predicted runtime'\n"
        "plot 'shares.dat' using 0:2:xtic(1) with boxes notitle\n",
        e.at("stage_shares").at("pipeline").get<std::string>());
  }
  return gp;
}

std::string format_metric(const json& v, const char* key) {
  if (v.is_null()) return "-";
  const double x = v;
  const std::string k = key;
  if (k == "mape" || k == "median_ape") return fmt::format("{:.1f}%", 100 * x);
  return fmt::format("{:.3f}", x);
}

std::string html_page(const json& e, const std::vector<std::string>& models,
                      const DatasetSummary& d, const std::string& dataset_path) {
  std::string rows;
  for (const auto& model : models) {
    rows += "<tr><td>" + model + "</td>";
    for (const char* key : kMetricKeys)
      rows += "<td>" + format_metric(e.at("models").at(model).at(key), key) + "</td>";
    rows += "</tr>\n";
  }
  std::string header;
  for (const char* title : kMetricTitles) header += std::string("<th>") + title + "</th>";
  std::string images;
  for (const auto& model : models) {
    if (is_absolute(e.at("models").at(model)))
      images += fmt::format("<img src='scatter-{}.png'>\n", model);
  }
  images += "<img src='ape.png'>\n<img src='tau.png'>\n";
  const json& floor = e.at("noise_floor_ape");
  const std::string noise_floor =
      floor.is_null() ? "unmeasured" : fmt::format("{:.1f}%", 100 * floor.get<double>());
  if (!e.at("stage_shares").is_null()) images += "<img src='stage-shares.png'>\n";
  // Absent from evaluations written before eval could restrict the scored pipelines.
  const json scored = e.value("scored_pipelines", json());
  const std::string scored_note =
      scored.is_string()
          ? fmt::format(" (those matching <code>{}</code>)", scored.get<std::string>())
          : std::string();
  return fmt::format(
      "<!doctype html><html><head><meta charset='utf-8'><title>gnnperf evaluation</title>"
      "<style>body{{font-family:sans-serif}}td,th{{padding:2px 8px;text-align:right}}"
      "img{{max-width:48%}}</style></head><body>\n<h1>gnnperf evaluation</h1>\n"
      "<p>Dataset <code>{}</code>: {} timed schedules of {} pipelines; noise floor (mean APE "
      "of re-timings against first timings, {} pairs): {}. Split <code>{}</code>, {} test "
      "pipelines{}. Errors are on held-out pipelines only.</p>\n"
      "<table><tr><th>model</th>{}</tr>\n{}</table>\n{}</body></html>\n",
      dataset_path, d.samples, d.pipelines, d.repeat_pairs, noise_floor,
      e.at("split").get<std::string>(), e.at("test_pipelines").size(), scored_note, header, rows,
      images);
}

// Throws json::exception on a malformed evaluation.
void write_report_files(const json& e, const DatasetSummary& dataset,
                        const std::string& dataset_path, const std::string& out_dir) {
  const fs::path dir(out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create '{}': {}", out_dir, ec.message()));
  std::vector<std::string> models;
  for (const auto& [name, metrics] : e.at("models").items()) models.push_back(name);
  // The GNN first, as in `gnnperf eval`'s table.
  std::stable_partition(models.begin(), models.end(), [](auto& m) { return m == "gnn"; });
  for (const auto& model : models) {
    if (is_absolute(e.at("models").at(model)))
      write_points(e, model, dir / ("points-" + model + ".dat"));
  }
  write_taus(e, models, dir / "tau.dat");
  if (!e.at("stage_shares").is_null()) write_shares(e.at("stage_shares"), dir / "shares.dat");
  open_for_writing(dir / "plots.gp") << plot_script(e, models);
  const std::string command =
      fmt::format("cd '{}' && gnuplot plots.gp > gnuplot.log 2>&1", dir.string());
  const int status = std::system(command.c_str());
  if (status != 0) {
    throw std::runtime_error(fmt::format("gnuplot failed (is gnuplot installed?); see '{}'",
                                         (dir / "gnuplot.log").string()));
  }
  open_for_writing(dir / "index.html") << html_page(e, models, dataset, dataset_path);
}

}  // namespace

void write_report(const json& e, const DatasetSummary& dataset, const std::string& dataset_path,
                  const std::string& out_dir) {
  check_evaluation(e);
  try {
    write_report_files(e, dataset, dataset_path, out_dir);
  } catch (const json::exception& error) {
    throw std::invalid_argument(
        fmt::format("not an evaluation from `gnnperf eval --json`: {}", error.what()));
  }
}

}  // namespace gnnperf
