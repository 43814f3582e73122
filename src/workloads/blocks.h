// Multi-layer blocks of the real networks, built from the layers in layers.h. Each block
// is meant to be the whole of one pipeline, so its Func names are fixed.
#pragma once

#include "workloads/layers.h"

namespace gnnperf {

// ResNet basic block: 3x3 conv (stride) - bn - relu - 3x3 conv - bn, plus the identity or,
// when the shape changes, a 1x1 strided conv + bn; then add and relu.
Tensor basic_block(Graph& g, const Tensor& in, int out_c, int stride);

// ResNet-50 (v1.5) bottleneck: 1x1 conv to mid_c, 3x3 conv (stride), 1x1 conv to out_c,
// each with bn (relu on the first two); shortcut as in basic_block; add and relu.
Tensor bottleneck_block(Graph& g, const Tensor& in, int mid_c, int out_c, int stride);

// MobileNetV2 inverted residual: 1x1 expand to in_c*expand + relu6 (skipped when expand is
// 1), 3x3 depthwise (stride) + relu6, 1x1 project + bn; residual add when stride is 1 and
// the channel count is unchanged.
Tensor inverted_residual(Graph& g, const Tensor& in, int expand, int out_c, int stride);

struct TransformerConfig {
  int seq;     // tokens
  int hidden;  // model width
  int heads;   // attention heads; hidden % heads == 0
  int ffn;     // width of the feed-forward layer
};

// Self-attention of a post-norm encoder layer on x (hidden, seq): Q/K/V projections,
// per-head scaled scores, softmax, context, output projection, residual add, layer norm.
Tensor self_attention(Graph& g, const Tensor& x, const TransformerConfig& cfg);

// A whole BERT encoder layer: self_attention, then the GELU MLP, residual add, layer norm.
Tensor encoder_layer(Graph& g, const Tensor& x, const TransformerConfig& cfg);

}  // namespace gnnperf
