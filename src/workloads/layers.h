// Deep-learning layers as Halide Funcs. Every builder validates its shapes (throwing
// std::invalid_argument with the layer's name), names each Func it creates after `name`,
// and takes its weights from Graph::param. Float32 throughout.
#pragma once

#include <string>

#include "workloads/graph.h"

namespace gnnperf {

enum class Activation { kNone, kRelu, kRelu6, kGelu };

// Output extent of a window of `kernel` taps at `stride` over `in` padded by `pad` each
// side. Throws std::invalid_argument (mentioning `what`) on impossible shapes: non-positive
// sizes, padding outside [0, kernel/2], or a kernel larger than the padded input.
int window_output_extent(const std::string& what, int in, int kernel, int stride, int pad);

// Elementwise activation on any tensor; Func "<name>".
Tensor activation(Graph& g, const std::string& name, const Tensor& in, Activation act);

// in(c, x, y) extended with `value` outside its x and y extents, for the padded reads of
// windowed layers; Func "<name>". Same semantics as BoundaryConditions::constant_exterior
// (clamped load, then select), but a single Func with a deterministic name.
Tensor pad_xy(Graph& g, const std::string& name, const Tensor& in, const Halide::Expr& value);

// Dense 2-D convolution, zero padding kernel/2. Weights "<name>_w" (out_c, in_c, k, k);
// Funcs "<name>_pad" (if padded) and "<name>".
Tensor conv2d(Graph& g, const std::string& name, const Tensor& in, int out_c, int kernel,
              int stride);

// Depthwise 2-D convolution, zero padding kernel/2. Weights "<name>_w" (c, k, k).
Tensor depthwise_conv2d(Graph& g, const std::string& name, const Tensor& in, int kernel,
                        int stride);

// Adds a per-channel (dimension 0) bias "<name>_b" and applies `act`; Func "<name>".
Tensor bias_activation(Graph& g, const std::string& name, const Tensor& in, Activation act);

// Inference batch norm: in * scale(c) + shift(c) ("<name>_scale", "<name>_shift"), then act.
Tensor batch_norm(Graph& g, const std::string& name, const Tensor& in,
                  Activation act = Activation::kNone);

// Residual add of two tensors of equal shape, then act; Func "<name>".
Tensor add(Graph& g, const std::string& name, const Tensor& a, const Tensor& b,
           Activation act = Activation::kNone);

// k x k max / average pooling over x and y, padding `pad` (-inf for max; average divides by
// k*k, counting padding like PyTorch's default).
Tensor max_pool(Graph& g, const std::string& name, const Tensor& in, int kernel, int stride,
                int pad);
Tensor avg_pool(Graph& g, const std::string& name, const Tensor& in, int kernel, int stride,
                int pad);

// Mean over x and y of (c, x, y): the result is the matrix (c, 1) that fully connected
// layers consume.
Tensor global_avg_pool(Graph& g, const std::string& name, const Tensor& in);

// a(k, m, ...) times weights "<name>_w" (n, k): result (n, m, ...); Func "<name>".
Tensor matmul(Graph& g, const std::string& name, const Tensor& a, int n);

// Fully connected layer: matmul "<name>" then bias and `act` in "<name>_bias".
Tensor dense(Graph& g, const std::string& name, const Tensor& a, int n, Activation act);

// Softmax over dimension 0, max-subtracted; Funcs "<name>_max", "<name>_sum", "<name>".
Tensor softmax(Graph& g, const std::string& name, const Tensor& in);

// Layer norm over dimension 0 with "<name>_gamma", "<name>_beta"; Funcs "<name>_mean",
// "<name>_var", "<name>".
Tensor layer_norm(Graph& g, const std::string& name, const Tensor& in);

// Per-head attention scores q.k / sqrt(head_dim) from q, k of shape (hidden, seq): result
// (seq_k, seq_q, heads) so that softmax over dimension 0 normalises over keys.
Tensor attention_scores(Graph& g, const std::string& name, const Tensor& q, const Tensor& k,
                        int heads);

// Per-head weighted sum of values: probs (seq_k, seq_q, heads) and v (hidden, seq_k) give
// the context (hidden, seq_q).
Tensor attention_context(Graph& g, const std::string& name, const Tensor& probs, const Tensor& v,
                         int heads);

}  // namespace gnnperf
