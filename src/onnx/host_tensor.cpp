#include "onnx/host_tensor.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "onnx/onnx_error.h"

namespace gnnperf {
namespace {

using ::onnx::TensorProto;

// Calls fn(T{}) with the C++ type of a Halide type the importer supports.
template <typename Fn>
auto visit_type(Halide::Type t, Fn&& fn) {
  if (t == Halide::Float(32)) return fn(float{});
  if (t == Halide::Float(64)) return fn(double{});
  if (t == Halide::Int(8)) return fn(int8_t{});
  if (t == Halide::Int(16)) return fn(int16_t{});
  if (t == Halide::Int(32)) return fn(int32_t{});
  if (t == Halide::Int(64)) return fn(int64_t{});
  if (t == Halide::UInt(8)) return fn(uint8_t{});
  if (t == Halide::UInt(16)) return fn(uint16_t{});
  if (t == Halide::UInt(32)) return fn(uint32_t{});
  if (t == Halide::UInt(64)) return fn(uint64_t{});
  if (t == Halide::Bool()) return fn(bool{});
  throw OnnxUnsupported(
      fmt::format("tensor element type {} is not supported", halide_type_name(t)));
}

template <typename To>
std::vector<To> converted(const HostTensor& t) {
  std::vector<To> out(static_cast<size_t>(t.num_elements()));
  visit_type(t.type(), [&](auto zero) {
    using From = decltype(zero);
    const auto* data = reinterpret_cast<const From*>(t.buffer.data());
    // Signed 8-bit tensors must sign-extend: the int8 to wider conversion is the point.
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<To>(data[i]);  // NOLINT(bugprone-signed-char-misuse)
  });
  return out;
}

// Copies the typed repeated field `values` into the buffer, converting to the element
// type (ONNX stores int8/16, uint8/16 and bool in int32_data, uint32 in uint64_data).
template <typename Repeated>
void copy_field(const Repeated& values, HostTensor& t) {
  if (static_cast<int64_t>(values.size()) != t.num_elements()) {
    throw OnnxError(fmt::format("tensor holds {} values but its dims give {}", values.size(),
                                t.num_elements()));
  }
  visit_type(t.type(), [&](auto zero) {
    using To = decltype(zero);
    auto* data = reinterpret_cast<To*>(t.buffer.data());
    for (int i = 0; i < values.size(); ++i) data[i] = static_cast<To>(values.Get(i));
  });
}

}  // namespace

int64_t HostTensor::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::vector<int64_t> HostTensor::to_int64() const { return converted<int64_t>(*this); }
std::vector<double> HostTensor::to_double() const { return converted<double>(*this); }

Halide::Type halide_type_of_onnx(int32_t elem_type) {
  switch (elem_type) {
    case TensorProto::FLOAT:
      return Halide::Float(32);
    case TensorProto::DOUBLE:
      return Halide::Float(64);
    case TensorProto::INT8:
      return Halide::Int(8);
    case TensorProto::INT16:
      return Halide::Int(16);
    case TensorProto::INT32:
      return Halide::Int(32);
    case TensorProto::INT64:
      return Halide::Int(64);
    case TensorProto::UINT8:
      return Halide::UInt(8);
    case TensorProto::UINT16:
      return Halide::UInt(16);
    case TensorProto::UINT32:
      return Halide::UInt(32);
    case TensorProto::UINT64:
      return Halide::UInt(64);
    case TensorProto::BOOL:
      return Halide::Bool();
    default:
      throw OnnxUnsupported(
          fmt::format("tensor element type {} is not supported", onnx_type_name(elem_type)));
  }
}

std::string halide_type_name(Halide::Type type) {
  std::ostringstream out;
  out << type;
  return out.str();
}

std::string onnx_type_name(int32_t elem_type) {
  if (TensorProto::DataType_IsValid(elem_type)) {
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(elem_type));
  }
  return "#" + std::to_string(elem_type);
}

HostTensor make_host_tensor(const std::vector<int64_t>& dims, Halide::Type type) {
  std::vector<int> extents;
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
    if (*it < 0 || *it > (int64_t{1} << 31)) {
      throw OnnxError(fmt::format("tensor dimension {} is out of range", *it));
    }
    extents.push_back(static_cast<int>(*it));
  }
  HostTensor t;
  t.dims = dims;
  t.buffer = Halide::Buffer<>(type, extents);
  if (t.buffer.data()) std::memset(t.buffer.data(), 0, t.buffer.size_in_bytes());
  return t;
}

HostTensor decode_tensor(const TensorProto& proto) {
  if (proto.data_location() == TensorProto::EXTERNAL) {
    throw OnnxUnsupported(
        fmt::format("tensor '{}' keeps its data in an external file", proto.name()));
  }
  const std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  HostTensor t = make_host_tensor(dims, halide_type_of_onnx(proto.data_type()));
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != t.buffer.size_in_bytes()) {
      throw OnnxError(fmt::format("tensor '{}' has {} bytes of data, its dims need {}",
                                  proto.name(), raw.size(), t.buffer.size_in_bytes()));
    }
    if (!raw.empty()) std::memcpy(t.buffer.data(), raw.data(), raw.size());
    return t;
  }
  switch (proto.data_type()) {
    case TensorProto::FLOAT:
      copy_field(proto.float_data(), t);
      break;
    case TensorProto::DOUBLE:
      copy_field(proto.double_data(), t);
      break;
    case TensorProto::INT64:
      copy_field(proto.int64_data(), t);
      break;
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      copy_field(proto.uint64_data(), t);
      break;
    default:  // int8/16/32, uint8/16, bool
      copy_field(proto.int32_data(), t);
      break;
  }
  return t;
}

HostTensor read_tensor_file(const std::string& path) {
  return decode_tensor(read_tensor_proto(path));
}

TensorProto read_tensor_proto(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OnnxError(fmt::format("cannot read '{}'", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  TensorProto proto;
  if (!proto.ParseFromString(bytes.str())) {
    throw OnnxError(fmt::format("'{}' is not a serialized ONNX tensor", path));
  }
  return proto;
}

}  // namespace gnnperf
