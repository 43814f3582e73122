#include "baselines/xgboost_handle.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace gnnperf::xgb {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("XGBoost ") + what + ": " + XGBGetLastError());
}

DMatrix::DMatrix(const float* data, size_t rows, size_t cols, int nthread) : rows_(rows) {
  if (rows == 0 || cols == 0) throw std::invalid_argument("XGBoost matrix without rows or columns");
  check(XGDMatrixCreateFromMat_omp(data, static_cast<bst_ulong>(rows), static_cast<bst_ulong>(cols),
                                   std::numeric_limits<float>::quiet_NaN(), &handle_, nthread),
        "XGDMatrixCreateFromMat_omp");
}

DMatrix::~DMatrix() {
  if (handle_ != nullptr) XGDMatrixFree(handle_);
}

DMatrix::DMatrix(DMatrix&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), rows_(std::exchange(other.rows_, 0)) {}

DMatrix& DMatrix::operator=(DMatrix&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    rows_ = std::exchange(other.rows_, 0);
  }
  return *this;
}

void DMatrix::set_labels(const std::vector<float>& labels) {
  if (labels.size() != rows_) throw std::invalid_argument("XGBoost labels: one per row expected");
  check(
      XGDMatrixSetFloatInfo(handle_, "label", labels.data(), static_cast<bst_ulong>(labels.size())),
      "XGDMatrixSetFloatInfo(label)");
}

Booster::Booster(const std::vector<const DMatrix*>& cache) {
  std::vector<DMatrixHandle> handles;
  handles.reserve(cache.size());
  for (const auto* m : cache) handles.push_back(m->get());
  check(XGBoosterCreate(handles.data(), static_cast<bst_ulong>(handles.size()), &handle_),
        "XGBoosterCreate");
}

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

Booster::Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void Booster::set_param(const std::string& name, const std::string& value) {
  check(XGBoosterSetParam(handle_, name.c_str(), value.c_str()),
        ("XGBoosterSetParam(" + name + ")").c_str());
}

void Booster::update_one_iter(int iteration, const DMatrix& train) {
  check(XGBoosterUpdateOneIter(handle_, iteration, train.get()), "XGBoosterUpdateOneIter");
}

void Booster::boost_one_iter(const DMatrix& train, std::vector<float>& grad,
                             std::vector<float>& hess) {
  if (grad.size() != train.rows() || hess.size() != train.rows()) {
    throw std::invalid_argument(
        "XGBoost custom objective: one gradient and hessian per row expected");
  }
  check(XGBoosterBoostOneIter(handle_, train.get(), grad.data(), hess.data(),
                              static_cast<bst_ulong>(grad.size())),
        "XGBoosterBoostOneIter");
}

std::vector<float> Booster::predict_margin(const DMatrix& data, int rounds, bool training) const {
  // Type 1 is the margin. XGBoost 1.7 requires all five keys.
  const std::string config = nlohmann::json{
      {"type", 1},
      {"training", training},
      {"iteration_begin", 0},
      {"iteration_end", rounds},
      {"strict_shape", false}}.dump();
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  check(XGBoosterPredictFromDMatrix(handle_, data.get(), config.c_str(), &shape, &dim, &result),
        "XGBoosterPredictFromDMatrix");
  bst_ulong size = 1;
  for (bst_ulong i = 0; i < dim; ++i) size *= shape[i];
  if (size != data.rows()) {
    throw std::runtime_error("XGBoost prediction: expected one value per row, got " +
                             std::to_string(size) + " for " + std::to_string(data.rows()) +
                             " rows");
  }
  // The buffer is XGBoost's, thread-local and reused by the next call: copy it now.
  return std::vector<float>(result, result + size);
}

}  // namespace gnnperf::xgb
