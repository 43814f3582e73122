// ResNet-18, ResNet-50, MobileNetV2 and VGG-16 as tables of layer configs.
#include <fmt/format.h>

#include <set>
#include <string>
#include <tuple>

#include "workloads/networks.h"
#include "workloads/workload_factories.h"

namespace gnnperf {
namespace {

struct ConvLayer {
  const char* name;
  int in_c, out_c, size, kernel, stride;
  bool bias_relu;
};

void add_convs(std::vector<Workload>& out, const std::string& net,
               const std::vector<ConvLayer>& layers) {
  for (const ConvLayer& l : layers) {
    out.push_back(conv2d_workload(net + "." + l.name, l.in_c, l.out_c, l.size, l.kernel, l.stride,
                                  l.bias_relu));
  }
}

// The classifier head shared by the CNNs: global average pool and fc to 1000 classes.
void add_head(std::vector<Workload>& out, const std::string& net, int channels, int size) {
  out.push_back(pool_workload(net + ".avgpool", PoolKind::kGlobalAvg, channels, size));
  out.push_back(dense_workload(net + ".fc", 1, channels, 1000, Activation::kNone));
}

}  // namespace

std::vector<Workload> resnet18_workloads() {
  const std::string net = "resnet18";
  std::vector<Workload> out;
  add_convs(out, net, {{"conv1", 3, 64, 224, 7, 2, true}});
  out.push_back(
      make_workload(net + ".bn1", "norm", "batch norm + relu 64 ch @112x112",
                    {{"input", {64, 112, 112}}}, [](Graph& g, const std::vector<Tensor>& in) {
                      return std::vector<Tensor>{batch_norm(g, "bn", in[0], Activation::kRelu)};
                    }));
  out.push_back(activation_workload(net + ".relu", {64, 112, 112}, Activation::kRelu));
  out.push_back(pool_workload(net + ".maxpool", PoolKind::kMax, 64, 112, 3, 2, 1));
  add_convs(out, net,
            {{"conv2", 64, 64, 56, 3, 1, false},
             {"conv3_1", 64, 128, 56, 3, 2, false},
             {"conv3", 128, 128, 28, 3, 1, false},
             {"conv3_1_ds", 64, 128, 56, 1, 2, false},
             {"conv4_1", 128, 256, 28, 3, 2, false},
             {"conv4", 256, 256, 14, 3, 1, false},
             {"conv4_1_ds", 128, 256, 28, 1, 2, false},
             {"conv5_1", 256, 512, 14, 3, 2, false},
             {"conv5", 512, 512, 7, 3, 1, false},
             {"conv5_1_ds", 256, 512, 14, 1, 2, false}});
  add_head(out, net, 512, 7);
  // First block of each stage: in_c, out_c, input size, stride.
  const std::vector<std::tuple<int, int, int, int>> blocks = {
      {64, 64, 56, 1}, {64, 128, 56, 2}, {128, 256, 28, 2}, {256, 512, 14, 2}};
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto [in_c, out_c, size, stride] = blocks[i];
    out.push_back(
        basic_block_workload(fmt::format("{}.block{}", net, i + 2), in_c, out_c, size, stride));
  }
  return out;
}

std::vector<Workload> resnet50_workloads() {
  const std::string net = "resnet50";
  struct Stage {
    int in_c, mid_c, out_c, size, stride;  // size: input of the stage's first block
  };
  const std::vector<Stage> stages = {{64, 64, 256, 56, 1},
                                     {256, 128, 512, 56, 2},
                                     {512, 256, 1024, 28, 2},
                                     {1024, 512, 2048, 14, 2}};
  std::vector<Workload> out;
  add_convs(out, net, {{"conv1", 3, 64, 224, 7, 2, true}});
  // The distinct convs of the first bottleneck of each stage (the stride sits on the 3x3,
  // as in torchvision); the later blocks of a stage repeat shapes from here or ResNet-18.
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    const std::string p = fmt::format("{}.conv{}_1", net, i + 2);
    const int out_size = s.size / s.stride;
    out.push_back(conv2d_workload(p + "a", s.in_c, s.mid_c, s.size, 1, 1));
    out.push_back(conv2d_workload(p + "b", s.mid_c, s.mid_c, s.size, 3, s.stride));
    out.push_back(conv2d_workload(p + "c", s.mid_c, s.out_c, out_size, 1, 1));
    out.push_back(conv2d_workload(p + "_ds", s.in_c, s.out_c, s.size, 1, s.stride));
  }
  add_head(out, net, 2048, 7);
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    out.push_back(bottleneck_workload(fmt::format("{}.block{}", net, i + 2), s.in_c, s.mid_c,
                                      s.out_c, s.size, s.stride));
  }
  return out;
}

std::vector<Workload> mobilenet_v2_workloads() {
  const std::string net = "mobilenet_v2";
  // The paper's table: expansion t, output channels c, repeats n, first stride s.
  struct Stage {
    int t, c, n, s;
  };
  const std::vector<Stage> stages = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                     {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::vector<Workload> layers, blocks;
  layers.push_back(conv2d_workload(net + ".conv1", 3, 32, 224, 3, 2, true));
  layers.push_back(activation_workload(net + ".relu6", {96, 112, 112}, Activation::kRelu6));
  std::set<std::tuple<int, int, int>> depthwise_seen;  // (channels, size, stride)
  int in_c = 32, size = 112;
  for (const Stage& st : stages) {
    // The first block of a stage and, if the stage repeats, the repeated block (all repeats
    // of a stage are identical).
    for (int rep = 0; rep < std::min(st.n, 2); ++rep) {
      const int stride = rep == 0 ? st.s : 1;
      const int id = static_cast<int>(blocks.size()) + 1;
      const int hidden = in_c * st.t;
      blocks.push_back(inverted_residual_workload(fmt::format("{}.block{}", net, id), in_c, st.t,
                                                  st.c, size, stride));
      if (depthwise_seen.insert({hidden, size, stride}).second) {
        layers.push_back(
            depthwise_workload(fmt::format("{}.dw{}", net, id), hidden, size, 3, stride));
      }
      // Expand and project convs: the first block of each stage has all distinct shapes.
      if (rep == 0) {
        if (st.t != 1) {
          layers.push_back(
              conv2d_workload(fmt::format("{}.expand{}", net, id), in_c, hidden, size, 1, 1));
        }
        layers.push_back(conv2d_workload(fmt::format("{}.project{}", net, id), hidden, st.c,
                                         size / stride, 1, 1));
      }
      in_c = st.c;
      size /= stride;
    }
  }
  layers.push_back(conv2d_workload(net + ".conv_last", 320, 1280, 7, 1, 1));
  add_head(layers, net, 1280, 7);
  layers.insert(layers.end(), std::make_move_iterator(blocks.begin()),
                std::make_move_iterator(blocks.end()));
  return layers;
}

std::vector<Workload> vgg16_workloads() {
  const std::string net = "vgg16";
  std::vector<Workload> out;
  // Distinct 3x3 conv + bias + relu layers (conv3_3, conv4_3, conv5_2, conv5_3 repeat these).
  add_convs(out, net,
            {{"conv1_1", 3, 64, 224, 3, 1, true},
             {"conv1_2", 64, 64, 224, 3, 1, true},
             {"conv2_1", 64, 128, 112, 3, 1, true},
             {"conv2_2", 128, 128, 112, 3, 1, true},
             {"conv3_1", 128, 256, 56, 3, 1, true},
             {"conv3_2", 256, 256, 56, 3, 1, true},
             {"conv4_1", 256, 512, 28, 3, 1, true},
             {"conv4_2", 512, 512, 28, 3, 1, true},
             {"conv5_1", 512, 512, 14, 3, 1, true}});
  // 2x2 stride-2 max pool after each stage: channels, input size.
  const std::vector<std::pair<int, int>> pools = {
      {64, 224}, {128, 112}, {256, 56}, {512, 28}, {512, 14}};
  for (size_t i = 0; i < pools.size(); ++i) {
    out.push_back(pool_workload(fmt::format("{}.pool{}", net, i + 1), PoolKind::kMax,
                                pools[i].first, pools[i].second, 2, 2, 0));
  }
  out.push_back(dense_workload(net + ".fc6", 1, 512 * 7 * 7, 4096, Activation::kRelu));
  out.push_back(dense_workload(net + ".fc7", 1, 4096, 4096, Activation::kRelu));
  out.push_back(dense_workload(net + ".fc8", 1, 4096, 1000, Activation::kNone));
  return out;
}

}  // namespace gnnperf
