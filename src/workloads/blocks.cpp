#include "workloads/blocks.h"

namespace gnnperf {
namespace {

// conv + batch norm, the unit every CNN block is made of.
Tensor conv_bn(Graph& g, const std::string& name, const Tensor& in, int out_c, int kernel,
               int stride, Activation act) {
  return batch_norm(g, name + "_bn", conv2d(g, name, in, out_c, kernel, stride), act);
}

// The identity, or a 1x1 strided conv + bn when the block changes the shape.
Tensor shortcut(Graph& g, const Tensor& in, int out_c, int stride) {
  if (stride == 1 && in.shape[0] == out_c) return in;
  return conv_bn(g, "downsample", in, out_c, 1, stride, Activation::kNone);
}

}  // namespace

Tensor basic_block(Graph& g, const Tensor& in, int out_c, int stride) {
  Tensor h = conv_bn(g, "conv1", in, out_c, 3, stride, Activation::kRelu);
  h = conv_bn(g, "conv2", h, out_c, 3, 1, Activation::kNone);
  return add(g, "residual_relu", h, shortcut(g, in, out_c, stride), Activation::kRelu);
}

Tensor bottleneck_block(Graph& g, const Tensor& in, int mid_c, int out_c, int stride) {
  Tensor h = conv_bn(g, "conv1", in, mid_c, 1, 1, Activation::kRelu);
  h = conv_bn(g, "conv2", h, mid_c, 3, stride, Activation::kRelu);
  h = conv_bn(g, "conv3", h, out_c, 1, 1, Activation::kNone);
  return add(g, "residual_relu", h, shortcut(g, in, out_c, stride), Activation::kRelu);
}

Tensor inverted_residual(Graph& g, const Tensor& in, int expand, int out_c, int stride) {
  Tensor h = in;
  if (expand != 1) h = conv_bn(g, "expand", h, in.shape[0] * expand, 1, 1, Activation::kRelu6);
  h = batch_norm(g, "depthwise_bn", depthwise_conv2d(g, "depthwise", h, 3, stride),
                 Activation::kRelu6);
  h = conv_bn(g, "project", h, out_c, 1, 1, Activation::kNone);
  if (stride == 1 && in.shape[0] == out_c) h = add(g, "residual", h, in);
  return h;
}

Tensor self_attention(Graph& g, const Tensor& x, const TransformerConfig& cfg) {
  Tensor q = dense(g, "query", x, cfg.hidden, Activation::kNone);
  Tensor k = dense(g, "key", x, cfg.hidden, Activation::kNone);
  Tensor v = dense(g, "value", x, cfg.hidden, Activation::kNone);
  Tensor probs = softmax(g, "probs", attention_scores(g, "scores", q, k, cfg.heads));
  Tensor context = attention_context(g, "context", probs, v, cfg.heads);
  Tensor out = dense(g, "attn_out", context, cfg.hidden, Activation::kNone);
  return layer_norm(g, "attn_ln", add(g, "attn_residual", out, x));
}

Tensor encoder_layer(Graph& g, const Tensor& x, const TransformerConfig& cfg) {
  Tensor a = self_attention(g, x, cfg);
  Tensor h = dense(g, "ffn1", a, cfg.ffn, Activation::kGelu);
  h = dense(g, "ffn2", h, cfg.hidden, Activation::kNone);
  return layer_norm(g, "ffn_ln", add(g, "ffn_residual", h, a));
}

}  // namespace gnnperf
