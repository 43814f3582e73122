// Errors of the ONNX importer. Both carry one line meant for the user.
#pragma once

#include <stdexcept>
#include <string>

namespace gnnperf {

// The file cannot be imported at all: unreadable, not ONNX, shapes left unknown.
struct OnnxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The file is fine but uses an op, attribute or type the importer does not build.
struct OnnxUnsupported : OnnxError {
  using OnnxError::OnnxError;
};

// An op needs the contents of `tensor` at import time (a shape, axes, scales), but the
// graph computes it or takes it as an input.
struct OnnxNeedsConstant : OnnxUnsupported {
  OnnxNeedsConstant(const std::string& message, std::string tensor_name)
      : OnnxUnsupported(message), tensor(std::move(tensor_name)) {}
  std::string tensor;
};

}  // namespace gnnperf
