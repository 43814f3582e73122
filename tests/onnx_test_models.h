// ONNX models written by the tests themselves: a small CNN and a transformer encoder
// layer, built as protobuf with deterministic weights, so the importer is tested on
// whole networks without any file from outside.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gnnperf::test {

class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(int opset);

  // A float32 graph input; a negative dim is written as the symbolic "N".
  void input(const std::string& name, const std::vector<int64_t>& dims);
  void output(const std::string& name);
  // A float32 initializer of values offset + scale * (deterministic noise in [-1, 1]).
  void weight(const std::string& name, const std::vector<int64_t>& dims, float scale = 0.1f,
              float offset = 0.f);
  void int64_initializer(const std::string& name, const std::vector<int64_t>& values);
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs);

  static void attr(onnx::NodeProto& node, const std::string& name, int64_t value);
  static void attr(onnx::NodeProto& node, const std::string& name, float value);
  static void attr(onnx::NodeProto& node, const std::string& name,
                   const std::vector<int64_t>& values);
  static void attr(onnx::NodeProto& node, const std::string& name, const std::string& value);

  void save(const std::string& path) const;

 private:
  onnx::ModelProto model_;
  uint32_t noise_state_ = 1;
};

// conv-bn-relu, maxpool, conv-relu + residual add, depthwise conv, global average pool,
// flatten, gemm, softmax: input "x" [1,3,32,32] (or [N,3,32,32] if dynamic_batch),
// output "probs" [1,10]. Returns the path written.
std::string write_small_cnn(const std::string& path, bool dynamic_batch = false);

// One BERT-style encoder layer: input "x" [1,16,32], 4 heads, MLP 64 with erf GELU,
// layer norms; output "y" [1,16,32].
std::string write_small_transformer(const std::string& path);

}  // namespace gnnperf::test
