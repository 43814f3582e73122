// The layers of one BERT-base encoder layer at sequence length 128, and the whole layer.
#include <fmt/format.h>

#include "workloads/networks.h"
#include "workloads/workload_factories.h"

namespace gnnperf {
namespace {

const TransformerConfig kBert = {128, 768, 12, 3072};

// One output per pipeline; the common case of the table below.
WorkloadBody single(std::function<Tensor(Graph&, const std::vector<Tensor>&)> f) {
  return [f = std::move(f)](Graph& g, const std::vector<Tensor>& in) {
    return std::vector<Tensor>{f(g, in)};
  };
}

}  // namespace

std::vector<Workload> bert_base_workloads() {
  const std::string net = "bert_base";
  const TransformerConfig c = kBert;
  const std::vector<int> hidden = {c.hidden, c.seq};
  const std::vector<int> scores = {c.seq, c.seq, c.heads};
  std::vector<Workload> out;
  out.push_back(dense_workload(net + ".qkv_proj", c.seq, c.hidden, c.hidden, Activation::kNone));
  out.push_back(make_workload(net + ".attn_scores", "transformer",
                              fmt::format("per-head Q.K^T / sqrt({}), {} heads, seq {}",
                                          c.hidden / c.heads, c.heads, c.seq),
                              {{"query", hidden}, {"key", hidden}},
                              single([c](Graph& g, const std::vector<Tensor>& in) {
                                return attention_scores(g, "scores", in[0], in[1], c.heads);
                              })));
  out.push_back(make_workload(net + ".attn_softmax", "transformer",
                              fmt::format("softmax over keys, {}x{}x{}", c.seq, c.seq, c.heads),
                              {{"scores", scores}},
                              single([](Graph& g, const std::vector<Tensor>& in) {
                                return softmax(g, "softmax", in[0]);
                              })));
  out.push_back(make_workload(
      net + ".attn_context", "transformer",
      fmt::format("per-head probs x V, {} heads, seq {}, hidden {}", c.heads, c.seq, c.hidden),
      {{"probs", scores}, {"value", hidden}}, single([c](Graph& g, const std::vector<Tensor>& in) {
        return attention_context(g, "context", in[0], in[1], c.heads);
      })));
  out.push_back(make_workload(
      net + ".attn_output", "fc",
      fmt::format("output projection {}x{} -> {} + bias + residual", c.seq, c.hidden, c.hidden),
      {{"context", hidden}, {"residual", hidden}},
      single([c](Graph& g, const std::vector<Tensor>& in) {
        return add(g, "residual_add", dense(g, "proj", in[0], c.hidden, Activation::kNone), in[1]);
      })));
  out.push_back(make_workload(
      net + ".layer_norm", "norm",
      fmt::format("layer norm over {} features, {} rows", c.hidden, c.seq), {{"input", hidden}},
      single([](Graph& g, const std::vector<Tensor>& in) { return layer_norm(g, "ln", in[0]); })));
  out.push_back(make_workload(
      net + ".add_layer_norm", "norm",
      fmt::format("residual add + layer norm over {} features, {} rows", c.hidden, c.seq),
      {{"input", hidden}, {"residual", hidden}},
      single([](Graph& g, const std::vector<Tensor>& in) {
        return layer_norm(g, "ln", add(g, "residual_add", in[0], in[1]));
      })));
  out.push_back(dense_workload(net + ".ffn1", c.seq, c.hidden, c.ffn, Activation::kGelu));
  out.push_back(dense_workload(net + ".ffn2", c.seq, c.ffn, c.hidden, Activation::kNone));
  out.push_back(activation_workload(net + ".gelu", {c.ffn, c.seq}, Activation::kGelu));
  out.push_back(make_workload(
      net + ".attention", "transformer",
      fmt::format("self-attention sublayer, seq {}, hidden {}, {} heads", c.seq, c.hidden, c.heads),
      {{"input", hidden}}, single([c](Graph& g, const std::vector<Tensor>& in) {
        return self_attention(g, in[0], c);
      })));
  out.push_back(make_workload(
      net + ".encoder", "transformer",
      fmt::format("encoder layer, seq {}, hidden {}, {} heads, ffn {}", c.seq, c.hidden, c.heads,
                  c.ffn),
      {{"input", hidden}},
      single([c](Graph& g, const std::vector<Tensor>& in) { return encoder_layer(g, in[0], c); })));
  // Every BERT layer is in the transformer family, so that a leave-one-family-out
  // split holds out the whole kind of network, its matmuls and norms included.
  for (auto& w : out) w.family = "transformer";
  return out;
}

}  // namespace gnnperf
