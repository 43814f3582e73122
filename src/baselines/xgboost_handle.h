// Owners of libxgboost's C handles (1.7 C API). Every XGBoost call's return code is
// checked; a failure throws std::runtime_error with XGBGetLastError()'s message.
#pragma once

#include <xgboost/c_api.h>

#include <cstddef>
#include <string>
#include <vector>

namespace gnnperf::xgb {

// Throws std::runtime_error("XGBoost <what>: <last error>") when rc is not 0.
void check(int rc, const char* what);

// A data matrix, copied from a dense row-major float32 array. NaN marks a missing value;
// every other value, zero included, is present.
class DMatrix {
 public:
  DMatrix(const float* data, size_t rows, size_t cols, int nthread = 1);
  ~DMatrix();
  DMatrix(DMatrix&& other) noexcept;
  DMatrix& operator=(DMatrix&& other) noexcept;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;

  DMatrixHandle get() const { return handle_; }
  size_t rows() const { return rows_; }

  // The targets of a built-in objective, one per row.
  void set_labels(const std::vector<float>& labels);

 private:
  DMatrixHandle handle_ = nullptr;
  size_t rows_ = 0;
};

// A gradient-boosted tree model. Training calls must not overlap with anything else on
// the same booster; see predict_margin for prediction.
class Booster {
 public:
  Booster() = default;  // holds nothing
  // `cache`: the matrices the booster will train or be evaluated on every round, whose
  // predictions XGBoost then updates incrementally. They must outlive those calls only.
  explicit Booster(const std::vector<const DMatrix*>& cache);
  ~Booster();
  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  explicit operator bool() const { return handle_ != nullptr; }

  void set_param(const std::string& name, const std::string& value);

  // One boosting round with the booster's own objective and the labels of `train`.
  void update_one_iter(int iteration, const DMatrix& train);
  // One boosting round from per-row first and second derivatives of a custom loss
  // (XGBoost 1.7's XGBoosterBoostOneIter has no iteration argument).
  void boost_one_iter(const DMatrix& train, std::vector<float>& grad, std::vector<float>& hess);

  // Raw, untransformed predictions (margins, base_score included), one per row, of the
  // trees of rounds [0, rounds); rounds = 0 means all of them. `training` tells XGBoost
  // the prediction feeds a gradient computation (it matters for dart boosters only).
  std::vector<float> predict_margin(const DMatrix& data, int rounds = 0,
                                    bool training = false) const;

 private:
  BoosterHandle handle_ = nullptr;
};

}  // namespace gnnperf::xgb
