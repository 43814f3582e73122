// A parsed ONNX model: the protobuf, its opset, and the static shape of every tensor
// the file or ONNX's own shape inference states.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onnx/host_tensor.h"

namespace onnx {
class ModelProto;
class GraphProto;
}  // namespace onnx

namespace gnnperf {

struct TensorInfo {
  std::vector<int64_t> dims;  // ONNX order
  int32_t elem_type = 0;      // onnx::TensorProto::DataType
};

// Shapes given by the user for graph inputs the file leaves dynamic (a batch
// dimension "N", say), by input name.
using InputShapes = std::map<std::string, std::vector<int64_t>>;

// Parses "NAME=1x3x224x224" items; throws std::invalid_argument on a malformed one.
InputShapes parse_input_shapes(const std::vector<std::string>& items);

// Reads and parses an ONNX file; throws OnnxError if it cannot be read or is not a
// (complete) ONNX model.
onnx::ModelProto read_onnx_file(const std::string& path);

class OnnxModel {
 public:
  // Parses `path`, fixes the given input shapes and runs ONNX shape inference over it.
  // Throws OnnxError with one line: unreadable file, not a (complete) ONNX model, a
  // shape for an input the graph does not have, or a graph input still dynamic.
  static std::shared_ptr<const OnnxModel> load(const std::string& path,
                                               const InputShapes& shapes = {});
  // The same, from a model already in memory (`name` stands for the file in messages).
  static std::shared_ptr<const OnnxModel> from_proto(const onnx::ModelProto& proto,
                                                     const std::string& name,
                                                     const InputShapes& shapes = {});
  ~OnnxModel();

  // File name without directory and extension: "resnet18" for /x/resnet18.onnx.
  const std::string& stem() const { return stem_; }
  const onnx::GraphProto& graph() const;
  int opset() const { return opset_; }  // of the default ONNX domain

  // Static dims and type of a tensor, if the file or shape inference give them.
  std::optional<TensorInfo> info(const std::string& name) const;
  // Initializers by name, decoded.
  const std::map<std::string, HostTensor>& initializers() const { return initializers_; }
  // Graph inputs that are not initializers, in file order.
  const std::vector<std::string>& inputs() const { return inputs_; }

 private:
  OnnxModel() = default;

  std::string stem_;
  std::unique_ptr<onnx::ModelProto> proto_;
  int opset_ = 0;
  std::map<std::string, TensorInfo> infos_;
  std::map<std::string, HostTensor> initializers_;
  std::vector<std::string> inputs_;
};

}  // namespace gnnperf
