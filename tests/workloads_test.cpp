// Tests of the workload library: the catalogue, spec resolution, the random generator and
// the numerical correctness of each layer against plain C++ loops.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>

#include "workloads/graph.h"
#include "workloads/layers.h"
#include "workloads/random_pipeline.h"
#include "workloads/registry.h"
#include "workloads/workload_factories.h"

namespace gnnperf {
namespace {

using Halide::Buffer;

// The host target minus AVX512_SapphireRapids: Halide 14 detects that feature on this
// project's AMD EPYC (Zen 4) machines, and code compiled with it can die with SIGILL.
Halide::Target test_target() {
  return Halide::get_host_target().without_feature(Halide::Target::AVX512_SapphireRapids);
}

// Whether `func` is the Func Halide wraps around ImageParam `param`: "<param>_im", made
// unique by Halide with a process-wide "$N" suffix.
bool is_input_func(const std::string& func, const std::string& param) {
  const std::string base = param + "_im";
  return func.rfind(base, 0) == 0 && (func.size() == base.size() || func[base.size()] == '$');
}

// Names of the Funcs a pipeline computes, excluding the Funcs of its input images.
std::set<std::string> func_names(const BuiltPipeline& built) {
  std::vector<Halide::Internal::Function> outs;
  for (const auto& o : built.outputs) outs.push_back(o.func.function());
  std::set<std::string> names;
  for (const auto& [name, f] : Halide::Internal::build_environment(outs)) {
    bool input = false;
    for (const auto& in : built.inputs) input = input || is_input_func(name, in.param.name());
    if (!input) names.insert(name);
  }
  return names;
}

// Everything that identifies a built pipeline's structure and sizes.
std::string signature(const BuiltPipeline& built) {
  std::string s;
  for (const auto& in : built.inputs) {
    std::ostringstream type;
    type << in.param.type();
    s += in.param.name() + ":" + type.str() + "[";
    for (int e : in.extents) s += std::to_string(e) + ",";
    s += "] ";
  }
  for (const auto& name : func_names(built)) s += name + " ";
  for (const auto& out : built.outputs) {
    s += "-> " + out.func.name() + "[";
    for (int e : out.extents) s += std::to_string(e) + ",";
    s += "]";
  }
  return s;
}

void expect_well_formed(const Workload& w, const BuiltPipeline& built) {
  ASSERT_FALSE(built.inputs.empty()) << w.name;
  ASSERT_FALSE(built.outputs.empty()) << w.name;
  for (const auto& in : built.inputs) {
    EXPECT_EQ(static_cast<int>(in.extents.size()), in.param.dimensions()) << w.name;
    for (int e : in.extents) EXPECT_GE(e, 1) << w.name;
  }
  for (const auto& out : built.outputs) {
    EXPECT_EQ(static_cast<int>(out.extents.size()), out.func.dimensions()) << w.name;
    for (int e : out.extents) EXPECT_GE(e, 1) << w.name;
  }
}

// Lowers the pipeline (no LLVM code generation): catches bad bounds and definitions.
void expect_lowers(const BuiltPipeline& built, const std::string& name) {
  Halide::Pipeline p = built.pipeline();
  EXPECT_NO_THROW(p.compile_to_module(p.infer_arguments(), "check", test_target())) << name;
}

TEST(NamedWorkloads, CatalogueIsWellFormed) {
  const auto& all = named_workloads();
  EXPECT_GE(all.size(), 70u);
  EXPECT_LE(all.size(), 130u);
  const std::set<std::string> families = {
      "conv",       "depthwise",    "pointwise_conv",  "pool",       "fc", "norm",
      "activation", "resnet_block", "mobilenet_block", "transformer"};
  const std::set<std::string> prefixes = {"resnet18.", "resnet50.", "mobilenet_v2.", "vgg16.",
                                          "bert_base."};
  std::set<std::string> names, seen_families;
  for (const Workload& w : all) {
    EXPECT_TRUE(names.insert(w.name).second) << "duplicate " << w.name;
    EXPECT_TRUE(families.count(w.family)) << w.name << " has family " << w.family;
    EXPECT_TRUE(prefixes.count(w.name.substr(0, w.name.find('.') + 1))) << w.name;
    EXPECT_FALSE(w.description.empty()) << w.name;
    seen_families.insert(w.family);
  }
  EXPECT_EQ(seen_families, families);
}

TEST(NamedWorkloads, EveryWorkloadBuildsAndLowersDeterministically) {
  for (const Workload& w : named_workloads()) {
    SCOPED_TRACE(w.name);
    const BuiltPipeline built = w.build();
    expect_well_formed(w, built);
    EXPECT_EQ(signature(built), signature(w.build()));
    expect_lowers(built, w.name);
  }
}

TEST(NamedWorkloads, KnownShapes) {
  const BuiltPipeline conv1 = find_workload("resnet18.conv1").build();
  EXPECT_EQ(conv1.inputs[0].extents, (std::vector<int>{3, 224, 224}));
  EXPECT_EQ(conv1.outputs[0].extents, (std::vector<int>{64, 112, 112}));
  EXPECT_EQ(find_workload("resnet18.maxpool").build().outputs[0].extents,
            (std::vector<int>{64, 56, 56}));
  EXPECT_EQ(find_workload("vgg16.fc6").build().inputs[0].extents, (std::vector<int>{25088, 1}));
  EXPECT_EQ(find_workload("bert_base.attn_scores").build().outputs[0].extents,
            (std::vector<int>{128, 128, 12}));
  EXPECT_EQ(find_workload("bert_base.ffn1").build().outputs[0].extents,
            (std::vector<int>{3072, 128}));
  const std::set<std::string> block = func_names(find_workload("resnet18.block3").build());
  EXPECT_TRUE(block.count("downsample")) << "first block of a stage has a downsample branch";
  EXPECT_FALSE(func_names(find_workload("resnet18.block2").build()).count("downsample"));
  EXPECT_TRUE(func_names(find_workload("bert_base.encoder").build()).count("probs_sum"));
}

std::vector<std::string> names_of(const std::vector<Workload>& ws) {
  std::vector<std::string> names;
  for (const Workload& w : ws) names.push_back(w.name);
  return names;
}

TEST(Resolve, NamesGlobsAndRandomSets) {
  EXPECT_EQ(names_of(resolve_workloads("resnet18.conv1")),
            std::vector<std::string>{"resnet18.conv1"});
  const auto blocks = names_of(resolve_workloads("resnet18.block?"));
  EXPECT_EQ(blocks, (std::vector<std::string>{"resnet18.block2", "resnet18.block3",
                                              "resnet18.block4", "resnet18.block5"}));
  // Order of the spec, duplicates dropped.
  EXPECT_EQ(names_of(resolve_workloads("vgg16.fc8, resnet18.conv1,vgg16.fc*")),
            (std::vector<std::string>{"vgg16.fc8", "resnet18.conv1", "vgg16.fc6", "vgg16.fc7"}));
  EXPECT_EQ(names_of(resolve_workloads("random:3")),
            (std::vector<std::string>{"random:1", "random:2", "random:3"}));
  EXPECT_EQ(names_of(resolve_workloads("random:2:10")),
            (std::vector<std::string>{"random:10", "random:11"}));
  EXPECT_EQ(names_of(resolve_workloads("random:1:42")), std::vector<std::string>{"random:42"});
  EXPECT_EQ(find_workload("random:42").description, random_pipeline(42).description);
  EXPECT_EQ(names_of(resolve_workloads("random_large:2:7,random:1")),
            (std::vector<std::string>{"random_large:7", "random_large:8", "random:1"}));
  EXPECT_EQ(find_workload("random_large:7").description, random_large_pipeline(7).description);
  size_t transformer = 0;
  for (const Workload& w : named_workloads()) transformer += w.family == "transformer";
  EXPECT_EQ(resolve_workloads("bert_base.*").size(), 12u);
  EXPECT_GE(transformer, 4u);
}

TEST(Resolve, ErrorsNameTheItem) {
  auto message = [](const std::string& spec) {
    try {
      resolve_workloads(spec);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("resnet18.conv1,resnet51.conv1"),
            "unknown workload 'resnet51.conv1' (see `gnnperf workloads`)");
  EXPECT_NE(message("nothing.*").find("'nothing.*'"), std::string::npos);
  for (const char* bad : {"random:0", "random:100001", "random:x", "random:3:y", "random:",
                          "random:1:2:3", "random:-1", "random_large:0", "random_large:x"}) {
    EXPECT_NE(message(bad).find(std::string("'") + bad + "'"), std::string::npos) << bad;
  }
  EXPECT_NE(message("resnet18.conv1,,vgg16.fc8").find("empty item"), std::string::npos);
  EXPECT_THROW(find_workload("random:abc"), std::invalid_argument);
  EXPECT_THROW(find_workload("random_large:"), std::invalid_argument);
}

TEST(ShapeValidation, ImpossibleShapesThrow) {
  EXPECT_THROW(conv2d_workload("bad", 3, 8, 0, 3, 1), std::invalid_argument);
  EXPECT_THROW(conv2d_workload("bad", 3, 8, 8, 0, 1), std::invalid_argument);
  EXPECT_THROW(conv2d_workload("bad", 3, -1, 8, 3, 1), std::invalid_argument);
  EXPECT_THROW(conv2d_workload("bad", 3, 8, 8, 3, 0), std::invalid_argument);
  EXPECT_THROW(pool_workload("bad", PoolKind::kMax, 8, 4, 3, 1, 2), std::invalid_argument);
  EXPECT_THROW(depthwise_workload("bad", 0, 8, 3, 1), std::invalid_argument);
  EXPECT_THROW(dense_workload("bad", 1, 0, 10, Activation::kNone), std::invalid_argument);
  try {
    pool_workload("too_big", PoolKind::kMax, 8, 2, 5, 1, 0);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("too_big"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("larger than the padded input"), std::string::npos);
  }
  EXPECT_NO_THROW(conv2d_workload("ok", 3, 8, 4, 5, 2).build());
}

TEST(RandomPipelines, DeterministicBoundedAndValid) {
  std::set<std::string> signatures;
  std::map<std::string, int> ops;
  int two_inputs = 0, two_outputs = 0, non_float = 0;
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    const Workload w = random_pipeline(seed);
    SCOPED_TRACE(w.name);
    EXPECT_EQ(w.name, "random:" + std::to_string(seed));
    EXPECT_EQ(w.family, "random");
    const BuiltPipeline built = w.build();
    expect_well_formed(w, built);
    const std::string sig = signature(built);
    EXPECT_EQ(sig, signature(random_pipeline(seed).build()));
    EXPECT_EQ(w.description, random_pipeline(seed).description);
    signatures.insert(sig);
    const size_t funcs = func_names(built).size();
    EXPECT_GE(funcs, 2u);
    EXPECT_LE(funcs, 30u);
    EXPECT_LE(built.inputs.size(), 2u);
    EXPECT_LE(built.outputs.size(), 2u);
    two_inputs += built.inputs.size() == 2;
    two_outputs += built.outputs.size() == 2;
    for (const auto& in : built.inputs) non_float += !in.param.type().is_float();
    if (seed <= 40) expect_lowers(built, w.name);
  }
  EXPECT_EQ(signatures.size(), 150u) << "different seeds give different pipelines";
  EXPECT_GT(two_inputs, 0);
  EXPECT_GT(two_outputs, 0);
  EXPECT_GT(non_float, 0);
}

// Elements of a buffer of these extents.
int64_t points(const std::vector<int>& extents) {
  return std::accumulate(extents.begin(), extents.end(), int64_t{1}, std::multiplies<>());
}

TEST(RandomPipelines, LargeOnesAreWideDeterministicAndValid) {
  int64_t largest = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const Workload w = random_large_pipeline(seed);
    SCOPED_TRACE(w.name);
    EXPECT_EQ(w.name, "random_large:" + std::to_string(seed));
    EXPECT_EQ(w.family, "random_large");
    EXPECT_EQ(w.description, random_large_pipeline(seed).description);
    EXPECT_NE(w.description, random_pipeline(seed).description);
    const BuiltPipeline built = w.build();
    expect_well_formed(w, built);
    EXPECT_EQ(signature(built), signature(random_large_pipeline(seed).build()));
    for (const auto& in : built.inputs) {
      EXPECT_GE(in.extents[0], 12) << "16 to 384 channels, halved to fit 1M elements";
      EXPECT_LE(points(in.extents), int64_t{1} << 20);
      largest = std::max(largest, points(in.extents));
    }
    for (const auto& out : built.outputs) EXPECT_LE(points(out.extents), int64_t{1} << 20);
    if (seed <= 8) expect_lowers(built, w.name);
  }
  EXPECT_GT(largest, int64_t{256} * 1024) << "beyond the small pipelines' 64K elements";
}

// Fills a buffer with small deterministic values.
Buffer<float> filled(const std::vector<int>& shape, int salt) {
  Buffer<float> b(shape);
  int i = 0;
  b.for_each_value([&](float& v) { v = static_cast<float>((i++ * 7 + salt) % 11 - 5) * 0.25f; });
  return b;
}

// Builds `f` on a fresh Graph, binds every input to `given` data or else to filled() data,
// and realizes the output.
struct Realized {
  std::map<std::string, Buffer<float>> inputs;
  Buffer<float> out;
};

Realized realize(const std::vector<InputSpec>& specs,
                 const std::function<Tensor(Graph&, const std::vector<Tensor>&)>& f,
                 const std::map<std::string, Buffer<float>>& given = {}) {
  Graph g;
  std::vector<Tensor> in;
  for (const InputSpec& s : specs) in.push_back(g.input(s.name, s.shape));
  Tensor out = f(g, in);
  BuiltPipeline built = g.finish({out});
  Realized r;
  int salt = 0;
  for (auto& pin : built.inputs) {
    ++salt;
    auto it = given.find(pin.param.name());
    Buffer<float> b = it != given.end() ? it->second : filled(pin.extents, salt);
    pin.param.set(b);
    r.inputs.emplace(pin.param.name(), b);
  }
  r.out = built.pipeline().realize(out.shape, test_target());
  return r;
}

TEST(LayerCorrectness, Conv2dStride2WithPadding) {
  const int ci = 3, co = 4, n = 7, k = 3, s = 2, out_n = 4;
  Realized r = realize({{"input", {ci, n, n}}}, [](Graph& g, const std::vector<Tensor>& in) {
    return conv2d(g, "conv", in[0], co, k, s);
  });
  const auto& x = r.inputs.at("input");
  const auto& w = r.inputs.at("conv_w");
  ASSERT_EQ(r.out.dim(1).extent(), out_n);
  for (int oy = 0; oy < out_n; ++oy) {
    for (int ox = 0; ox < out_n; ++ox) {
      for (int c = 0; c < co; ++c) {
        float ref = 0;
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            const int ix = ox * s + kx - 1, iy = oy * s + ky - 1;
            if (ix < 0 || iy < 0 || ix >= n || iy >= n) continue;
            for (int i = 0; i < ci; ++i) ref += w(c, i, kx, ky) * x(i, ix, iy);
          }
        }
        EXPECT_NEAR(r.out(c, ox, oy), ref, 1e-4) << c << "," << ox << "," << oy;
      }
    }
  }
}

TEST(LayerCorrectness, DepthwiseConv) {
  const int c = 3, n = 6, k = 3;
  Realized r = realize({{"input", {c, n, n}}}, [](Graph& g, const std::vector<Tensor>& in) {
    return depthwise_conv2d(g, "dw", in[0], k, 1);
  });
  const auto& x = r.inputs.at("input");
  const auto& w = r.inputs.at("dw_w");
  for (int y = 0; y < n; ++y) {
    for (int xx = 0; xx < n; ++xx) {
      for (int ch = 0; ch < c; ++ch) {
        float ref = 0;
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            const int ix = xx + kx - 1, iy = y + ky - 1;
            if (ix >= 0 && iy >= 0 && ix < n && iy < n) ref += w(ch, kx, ky) * x(ch, ix, iy);
          }
        }
        EXPECT_NEAR(r.out(ch, xx, y), ref, 1e-4);
      }
    }
  }
}

TEST(LayerCorrectness, MaxPoolWithPadding) {
  const int c = 2, n = 7;
  Realized r = realize({{"input", {c, n, n}}}, [](Graph& g, const std::vector<Tensor>& in) {
    return max_pool(g, "pool", in[0], 3, 2, 1);
  });
  const auto& x = r.inputs.at("input");
  ASSERT_EQ(r.out.dim(1).extent(), 4);
  for (int y = 0; y < 4; ++y) {
    for (int xx = 0; xx < 4; ++xx) {
      for (int ch = 0; ch < c; ++ch) {
        float ref = -1e30f;
        for (int ky = 0; ky < 3; ++ky) {
          for (int kx = 0; kx < 3; ++kx) {
            const int ix = xx * 2 + kx - 1, iy = y * 2 + ky - 1;
            if (ix >= 0 && iy >= 0 && ix < n && iy < n) ref = std::max(ref, x(ch, ix, iy));
          }
        }
        EXPECT_EQ(r.out(ch, xx, y), ref);
      }
    }
  }
}

TEST(LayerCorrectness, SoftmaxRowsSumToOne) {
  Realized r = realize({{"input", {9, 5}}}, [](Graph& g, const std::vector<Tensor>& in) {
    return softmax(g, "softmax", in[0]);
  });
  const auto& x = r.inputs.at("input");
  for (int row = 0; row < 5; ++row) {
    float sum = 0, denom = 0;
    for (int i = 0; i < 9; ++i) denom += std::exp(x(i, row));
    for (int i = 0; i < 9; ++i) {
      sum += r.out(i, row);
      EXPECT_NEAR(r.out(i, row), std::exp(x(i, row)) / denom, 1e-5);
    }
    EXPECT_NEAR(sum, 1.0f, 1e-5);
  }
}

TEST(LayerCorrectness, LayerNormNormalisesRows) {
  const int n = 16, rows = 3;
  // Identity gamma and beta: each output row must have mean 0 and variance 1.
  Buffer<float> gamma(n), beta(n);
  gamma.fill(1.0f);
  beta.fill(0.0f);
  Realized r =
      realize({{"input", {n, rows}}},
              [](Graph& g, const std::vector<Tensor>& in) { return layer_norm(g, "ln", in[0]); },
              {{"ln_gamma", gamma}, {"ln_beta", beta}});
  for (int row = 0; row < rows; ++row) {
    double mean = 0, var = 0;
    for (int i = 0; i < n; ++i) mean += r.out(i, row) / n;
    for (int i = 0; i < n; ++i) var += (r.out(i, row) - mean) * (r.out(i, row) - mean) / n;
    EXPECT_NEAR(mean, 0.0, 1e-4);
    EXPECT_NEAR(var, 1.0, 1e-3);
  }
}

TEST(LayerCorrectness, MatmulAndAttention) {
  const int k = 5, m = 3, n = 4;
  Realized r = realize({{"a", {k, m}}}, [](Graph& g, const std::vector<Tensor>& in) {
    return matmul(g, "mm", in[0], n);
  });
  const auto& a = r.inputs.at("a");
  const auto& w = r.inputs.at("mm_w");
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float ref = 0;
      for (int t = 0; t < k; ++t) ref += a(t, i) * w(j, t);
      EXPECT_NEAR(r.out(j, i), ref, 1e-5);
    }
  }
  // Two heads of width 2 over 3 tokens.
  const int heads = 2, hidden = 4, seq = 3;
  Realized s = realize({{"q", {hidden, seq}}, {"k", {hidden, seq}}},
                       [](Graph& g, const std::vector<Tensor>& in) {
                         return attention_scores(g, "scores", in[0], in[1], heads);
                       });
  const auto& q = s.inputs.at("q");
  const auto& kk = s.inputs.at("k");
  for (int h = 0; h < heads; ++h) {
    for (int i = 0; i < seq; ++i) {
      for (int j = 0; j < seq; ++j) {
        float ref = 0;
        for (int d = 0; d < 2; ++d) ref += q(h * 2 + d, i) * kk(h * 2 + d, j);
        EXPECT_NEAR(s.out(j, i, h), ref / std::sqrt(2.0f), 1e-5);
      }
    }
  }
}

TEST(RandomPipelines, UnscheduledRunIsFast) {
  for (uint64_t seed : {3u, 7u, 11u, 19u}) {
    BuiltPipeline built = random_pipeline(seed).build();
    SCOPED_TRACE(seed);
    for (auto& in : built.inputs) {
      Buffer<> b(in.param.type(), in.extents);
      std::memset(b.data(), 1, b.size_in_bytes());
      in.param.set(b);
    }
    std::vector<Buffer<>> outs;
    for (const auto& out : built.outputs) {
      outs.emplace_back(out.func.output_types()[0], out.extents);
    }
    Halide::Pipeline p = built.pipeline();
    p.compile_jit(test_target());
    const auto start = std::chrono::steady_clock::now();
    p.realize(Halide::Realization(outs), test_target());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 0.5);
  }
}

}  // namespace
}  // namespace gnnperf
