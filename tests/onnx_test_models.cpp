#include "onnx_test_models.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace gnnperf::test {

OnnxGraphBuilder::OnnxGraphBuilder(int opset) {
  model_.set_ir_version(8);
  model_.set_producer_name("gnnperf tests");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

void OnnxGraphBuilder::input(const std::string& name, const std::vector<int64_t>& dims) {
  auto* v = model_.mutable_graph()->add_input();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) {
    auto* dim = t->mutable_shape()->add_dim();
    if (d < 0) {
      dim->set_dim_param("N");
    } else {
      dim->set_dim_value(d);
    }
  }
}

void OnnxGraphBuilder::output(const std::string& name) {
  auto* v = model_.mutable_graph()->add_output();
  v->set_name(name);
  v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
}

void OnnxGraphBuilder::weight(const std::string& name, const std::vector<int64_t>& dims,
                              float scale, float offset) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    n *= d;
  }
  for (int64_t i = 0; i < n; ++i) {
    noise_state_ = noise_state_ * 1664525u + 1013904223u;  // a fixed LCG: same weights always
    const float unit = static_cast<float>(noise_state_ >> 8) / static_cast<float>(1 << 24);
    t->add_float_data(offset + scale * (2 * unit - 1));
  }
}

void OnnxGraphBuilder::int64_initializer(const std::string& name,
                                         const std::vector<int64_t>& values) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
}

onnx::NodeProto& OnnxGraphBuilder::node(const std::string& op,
                                        const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs) {
  auto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(outputs.at(0) + "_node");
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return *n;
}

void OnnxGraphBuilder::attr(onnx::NodeProto& node, const std::string& name, int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void OnnxGraphBuilder::attr(onnx::NodeProto& node, const std::string& name, float value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

void OnnxGraphBuilder::attr(onnx::NodeProto& node, const std::string& name,
                            const std::vector<int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

void OnnxGraphBuilder::attr(onnx::NodeProto& node, const std::string& name,
                            const std::string& value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

void OnnxGraphBuilder::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out || !model_.SerializeToOstream(&out)) throw std::runtime_error("cannot write " + path);
}

std::string write_small_cnn(const std::string& path, bool dynamic_batch) {
  using B = OnnxGraphBuilder;
  B b(13);
  b.input("x", {dynamic_batch ? -1 : 1, 3, 32, 32});
  b.weight("w1", {8, 3, 3, 3}, 0.3f);
  b.weight("b1", {8});
  auto& conv1 = b.node("Conv", {"x", "w1", "b1"}, {"c1"});
  B::attr(conv1, "pads", std::vector<int64_t>{1, 1, 1, 1});
  b.weight("bn_scale", {8}, 0.1f, 1.f);
  b.weight("bn_bias", {8});
  b.weight("bn_mean", {8});
  b.weight("bn_var", {8}, 0.1f, 1.f);  // positive
  b.node("BatchNormalization", {"c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"}, {"n1"});
  b.node("Relu", {"n1"}, {"r1"});
  auto& pool = b.node("MaxPool", {"r1"}, {"p1"});
  B::attr(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  B::attr(pool, "strides", std::vector<int64_t>{2, 2});
  b.weight("w2", {8, 8, 3, 3}, 0.2f);
  auto& conv2 = b.node("Conv", {"p1", "w2"}, {"c2"});
  B::attr(conv2, "pads", std::vector<int64_t>{1, 1, 1, 1});
  b.node("Relu", {"c2"}, {"r2"});
  b.node("Add", {"r2", "p1"}, {"res"});
  b.weight("wd", {8, 1, 3, 3}, 0.3f);
  auto& dw = b.node("Conv", {"res", "wd"}, {"dw"});
  B::attr(dw, "group", int64_t{8});
  B::attr(dw, "strides", std::vector<int64_t>{2, 2});
  B::attr(dw, "pads", std::vector<int64_t>{1, 1, 1, 1});
  b.node("GlobalAveragePool", {"dw"}, {"gap"});
  b.node("Flatten", {"gap"}, {"flat"});
  b.weight("wf", {10, 8}, 0.5f);
  b.weight("bf", {10});
  auto& fc = b.node("Gemm", {"flat", "wf", "bf"}, {"logits"});
  B::attr(fc, "transB", int64_t{1});
  b.node("Softmax", {"logits"}, {"probs"});
  b.output("probs");
  b.save(path);
  return path;
}

std::string write_small_transformer(const std::string& path) {
  using B = OnnxGraphBuilder;
  constexpr int64_t kSeq = 16, kHidden = 32, kHeads = 4, kHeadDim = 8, kMlp = 64;
  B b(17);  // LayerNormalization is opset 17
  b.input("x", {1, kSeq, kHidden});
  b.int64_initializer("split_heads", {1, kSeq, kHeads, kHeadDim});
  b.int64_initializer("merge_heads", {1, kSeq, kHidden});
  for (const char* p : {"q", "k", "v"}) {
    b.weight(std::string("w") + p, {kHidden, kHidden}, 0.2f);
    b.weight(std::string("b") + p, {kHidden});
    b.node("MatMul", {"x", std::string("w") + p}, {std::string(p) + "_mm"});
    b.node("Add", {std::string(p) + "_mm", std::string("b") + p}, {std::string(p) + "_lin"});
    b.node("Reshape", {std::string(p) + "_lin", "split_heads"}, {std::string(p) + "_heads"});
  }
  B::attr(b.node("Transpose", {"q_heads"}, {"q_t"}), "perm", std::vector<int64_t>{0, 2, 1, 3});
  B::attr(b.node("Transpose", {"k_heads"}, {"k_t"}), "perm", std::vector<int64_t>{0, 2, 3, 1});
  B::attr(b.node("Transpose", {"v_heads"}, {"v_t"}), "perm", std::vector<int64_t>{0, 2, 1, 3});
  b.node("MatMul", {"q_t", "k_t"}, {"scores"});
  b.weight("scale", {1}, 0.f, 1.f / std::sqrt(static_cast<float>(kHeadDim)));
  b.node("Mul", {"scores", "scale"}, {"scaled"});
  B::attr(b.node("Softmax", {"scaled"}, {"attn"}), "axis", int64_t{-1});
  b.node("MatMul", {"attn", "v_t"}, {"context"});
  B::attr(b.node("Transpose", {"context"}, {"context_t"}), "perm",
          std::vector<int64_t>{0, 2, 1, 3});
  b.node("Reshape", {"context_t", "merge_heads"}, {"merged"});
  b.weight("wo", {kHidden, kHidden}, 0.2f);
  b.node("MatMul", {"merged", "wo"}, {"attn_out"});
  b.node("Add", {"attn_out", "x"}, {"res1"});
  b.weight("ln1_g", {kHidden}, 0.1f, 1.f);
  b.weight("ln1_b", {kHidden});
  b.node("LayerNormalization", {"res1", "ln1_g", "ln1_b"}, {"h1"});
  b.weight("w_up", {kHidden, kMlp}, 0.2f);
  b.node("MatMul", {"h1", "w_up"}, {"up"});
  // GELU as exported by PyTorch: x * 0.5 * (1 + erf(x / sqrt(2))).
  b.weight("inv_sqrt2", {1}, 0.f, 1.f / std::sqrt(2.f));
  b.weight("one", {1}, 0.f, 1.f);
  b.weight("half", {1}, 0.f, 0.5f);
  b.node("Mul", {"up", "inv_sqrt2"}, {"g_in"});
  b.node("Erf", {"g_in"}, {"g_erf"});
  b.node("Add", {"g_erf", "one"}, {"g_add"});
  b.node("Mul", {"up", "g_add"}, {"g_mul"});
  b.node("Mul", {"g_mul", "half"}, {"gelu"});
  b.weight("w_down", {kMlp, kHidden}, 0.2f);
  b.node("MatMul", {"gelu", "w_down"}, {"down"});
  b.node("Add", {"down", "h1"}, {"res2"});
  b.weight("ln2_g", {kHidden}, 0.1f, 1.f);
  b.weight("ln2_b", {kHidden});
  b.node("LayerNormalization", {"res2", "ln2_g", "ln2_b"}, {"y"});
  b.output("y");
  b.save(path);
  return path;
}

}  // namespace gnnperf::test
