// Tensors whose contents are known at import time: initializers, Constant nodes, the
// ONNX conformance suite's .pb inputs and outputs, and values folded from them.
#pragma once

#include <Halide.h>

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace gnnperf {

struct HostTensor {
  std::vector<int64_t> dims;  // ONNX order, outermost first; empty for a scalar
  Halide::Buffer<> buffer;    // dimensions reversed (innermost first), min 0

  Halide::Type type() const { return buffer.type(); }
  int64_t num_elements() const;
  // The elements in ONNX (row-major) order, converted.
  std::vector<int64_t> to_int64() const;
  std::vector<double> to_double() const;
};

// The Halide type of an ONNX TensorProto element type; throws OnnxUnsupported for
// strings, complex numbers and the like.
Halide::Type halide_type_of_onnx(int32_t elem_type);
std::string onnx_type_name(int32_t elem_type);
std::string halide_type_name(Halide::Type type);  // "float32", "int64", ...

// A zero-filled tensor of the given ONNX dims and type.
HostTensor make_host_tensor(const std::vector<int64_t>& dims, Halide::Type type);

// Decodes raw_data or the typed data fields. Throws OnnxError for external data or a
// size that does not match the dims.
HostTensor decode_tensor(const onnx::TensorProto& proto);

// Reads a serialized TensorProto (.pb) file; throws OnnxError naming the file.
onnx::TensorProto read_tensor_proto(const std::string& path);
HostTensor read_tensor_file(const std::string& path);

}  // namespace gnnperf
