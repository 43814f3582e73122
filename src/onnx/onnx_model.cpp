#include "onnx/onnx_model.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "onnx/onnx_error.h"

namespace gnnperf {
namespace {

// The dims of a tensor type when every one is a known positive number.
std::optional<std::vector<int64_t>> static_dims(const ::onnx::TypeProto_Tensor& t) {
  if (!t.has_shape()) return std::nullopt;
  std::vector<int64_t> dims;
  for (const auto& d : t.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) return std::nullopt;
    dims.push_back(d.dim_value());
  }
  return dims;
}

std::string describe_dynamic(const ::onnx::TypeProto_Tensor& t) {
  if (!t.has_shape()) return "no shape";
  for (int i = 0; i < t.shape().dim_size(); ++i) {
    const auto& d = t.shape().dim(i);
    if (d.has_dim_param()) return fmt::format("dimension {} is '{}'", i, d.dim_param());
    if (!d.has_dim_value()) return fmt::format("dimension {} is unknown", i);
  }
  return "a negative dimension";
}

}  // namespace

InputShapes parse_input_shapes(const std::vector<std::string>& items) {
  InputShapes shapes;
  for (const auto& item : items) {
    const size_t eq = item.find('=');
    std::vector<int64_t> dims;
    bool ok = eq != std::string::npos && eq > 0 && eq + 1 < item.size();
    for (size_t pos = eq + 1; ok && pos <= item.size();) {
      const size_t x = std::min(item.find('x', pos), item.size());
      const std::string part = item.substr(pos, x - pos);
      ok = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
      if (ok) dims.push_back(std::stoll(part));
      pos = x + 1;
    }
    if (!ok) {
      throw std::invalid_argument("malformed input shape '" + item +
                                  "' (expected NAME=DIMS, e.g. input=1x3x224x224)");
    }
    shapes[item.substr(0, eq)] = dims;
  }
  return shapes;
}

OnnxModel::~OnnxModel() = default;

const ::onnx::GraphProto& OnnxModel::graph() const { return proto_->graph(); }

std::shared_ptr<const OnnxModel> OnnxModel::load(const std::string& path,
                                                 const InputShapes& shapes) {
  return from_proto(read_onnx_file(path), path, shapes);
}

::onnx::ModelProto read_onnx_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OnnxError(fmt::format("cannot read ONNX file '{}'", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  ::onnx::ModelProto proto;
  // A truncated or foreign file usually fails to parse; when it parses by chance it has
  // no graph or no opset, which the checks below catch.
  if (!proto.ParseFromString(bytes.str()) || !proto.has_graph() || proto.ir_version() <= 0) {
    throw OnnxError(fmt::format("'{}' is not an ONNX model (or is truncated)", path));
  }
  return proto;
}

std::shared_ptr<const OnnxModel> OnnxModel::from_proto(const ::onnx::ModelProto& proto,
                                                       const std::string& name,
                                                       const InputShapes& shapes) {
  std::shared_ptr<OnnxModel> m(new OnnxModel);
  m->stem_ = std::filesystem::path(name).stem().string();
  m->proto_ = std::make_unique<::onnx::ModelProto>(proto);
  for (const auto& op : proto.opset_import()) {
    if (op.domain().empty() || op.domain() == "ai.onnx") m->opset_ = static_cast<int>(op.version());
  }
  if (m->opset_ == 0) {
    std::vector<std::string> domains;
    for (const auto& op : proto.opset_import()) domains.push_back(op.domain());
    throw OnnxUnsupported(fmt::format("'{}' uses only the op domains {} and no default ONNX opset",
                                      name, fmt::join(domains, ", ")));
  }
  for (const auto& [input, dims] : shapes) {
    ::onnx::ValueInfoProto* target = nullptr;
    for (auto& v : *m->proto_->mutable_graph()->mutable_input()) {
      if (v.name() == input) target = &v;
    }
    if (!target) {
      throw OnnxError(fmt::format("'{}' has no graph input '{}' to give a shape", name, input));
    }
    auto* shape = target->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
  }
  try {
    // Data propagation lets inference see through Shape -> ... -> Reshape chains.
    ::onnx::shape_inference::InferShapes(*m->proto_, ::onnx::OpSchemaRegistry::Instance(),
                                         ::onnx::ShapeInferenceOptions(false, 0, true));
  } catch (const std::exception&) {
    // The importer computes every shape itself; inference only cross-checks it.
  }
  const auto& g = m->proto_->graph();
  for (const auto& t : g.initializer()) {
    m->initializers_.emplace(t.name(), decode_tensor(t));
    m->infos_[t.name()] = TensorInfo{{t.dims().begin(), t.dims().end()}, t.data_type()};
  }
  for (const auto& v : g.input()) {
    if (m->initializers_.count(v.name())) continue;  // older files list weights as inputs
    const auto& t = v.type().tensor_type();
    if (!v.type().has_tensor_type()) {
      throw OnnxUnsupported(fmt::format("graph input '{}' is not a tensor", v.name()));
    }
    if (!static_dims(t)) {
      throw OnnxError(
          fmt::format("graph input '{}' has a dynamic shape ({}); give it one with "
                      "--input-shape {}=DIMS",
                      v.name(), describe_dynamic(t), v.name()));
    }
    m->inputs_.push_back(v.name());
  }
  for (const auto* list : {&g.input(), &g.value_info(), &g.output()}) {
    for (const auto& v : *list) {
      if (!v.type().has_tensor_type()) continue;
      if (auto dims = static_dims(v.type().tensor_type())) {
        m->infos_[v.name()] = TensorInfo{*dims, v.type().tensor_type().elem_type()};
      }
    }
  }
  return m;
}

std::optional<TensorInfo> OnnxModel::info(const std::string& name) const {
  auto it = infos_.find(name);
  if (it == infos_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gnnperf
