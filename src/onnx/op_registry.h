// The ONNX ops the importer builds, by op type (default domain only).
//
// Each family of ops lives in its own ops_<family>.cpp and adds itself through one
// register_* function, so the table below is the one place that lists them all.
#pragma once

#include <map>
#include <string>

#include "onnx/op_context.h"

namespace gnnperf {

using OpTable = std::map<std::string, OpBuilder>;

void register_elementwise_ops(OpTable& table);    // unary, binary with broadcasting, Clip...
void register_linear_ops(OpTable& table);         // Conv, ConvTranspose, Gemm, MatMul
void register_normalization_ops(OpTable& table);  // Batch/Instance/LayerNormalization, Softmax
void register_pooling_ops(OpTable& table);        // Max/Average/GlobalAveragePool, Reduce*
void register_shape_ops(OpTable& table);  // Reshape, Transpose, Concat, Slice, Pad, Resize...

// Resize and Upsample, kept in their own file; register_shape_ops adds them.
void register_resize_ops(OpTable& table);

// Every supported op type.
const OpTable& op_table();

}  // namespace gnnperf
