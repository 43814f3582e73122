// The catalogue of built-in workloads and the parser of workload specs.
#pragma once

#include <string>
#include <vector>

#include "workloads/workload.h"

namespace gnnperf {

// Every named workload (layers and blocks of ResNet-18, ResNet-50, MobileNetV2, VGG-16,
// BERT-base), in a stable order. Random pipelines are not listed here.
const std::vector<Workload>& named_workloads();

// Resolves a comma-separated spec. Each item is one of:
//   - an exact name ("resnet50.conv2_1a");
//   - a glob with * and ? over the named workloads ("resnet50.*", "*.block?");
//   - "random:N": N random pipelines with seeds 1..N;
//   - "random:N:SEED": N random pipelines with seeds SEED..SEED+N-1;
//   - "random_large:N" and "random_large:N:SEED": the same with random_large pipelines;
//   - "conv2d:IN_C:OUT_C:SIZE:KERNEL:STRIDE": a conv layer of the user's own shape.
// Random pipelines are named "random:<seed>" ("random_large:<seed>"), so one pipeline is
// "random:1:SEED" (the two-part form is always a count; find_workload accepts the pipeline's own
// name). Throws std::invalid_argument naming the first item that is malformed or matches nothing.
// The result has no duplicates and keeps the order of the spec.
std::vector<Workload> resolve_workloads(const std::string& spec);

// The workload with exactly this name, including random pipelines by their name
// "random:<seed>" or "random_large:<seed>" (so a stored name always rebuilds the same pipeline).
// Throws std::invalid_argument for an unknown name.
Workload find_workload(const std::string& name);

}  // namespace gnnperf
