// The named layers and blocks of real networks at batch 1 and full resolution, each in a
// stable order. Names are "<network>.<layer>".
#pragma once

#include <vector>

#include "workloads/workload.h"

namespace gnnperf {

std::vector<Workload> resnet18_workloads();
std::vector<Workload> resnet50_workloads();
std::vector<Workload> mobilenet_v2_workloads();
std::vector<Workload> vgg16_workloads();
std::vector<Workload> bert_base_workloads();

}  // namespace gnnperf
