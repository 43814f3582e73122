// The catalogue of built-in workloads and the parser of workload specs.
#pragma once

#include <string>
#include <vector>

#include "workloads/workload.h"

namespace gnnperf {

// Every named workload (layers and blocks of ResNet-18, ResNet-50, MobileNetV2, VGG-16,
// BERT-base), in a stable order. Random pipelines are not listed here.
const std::vector<Workload>& named_workloads();

// Resolves a comma-separated spec of names, globs ("resnet50.*") and random sets
// ("random:N" or "random:N:SEED", which expands to N pipelines "random:<seed+i>").
// Single random pipelines may also be named directly as "random:SEED".
// Throws std::invalid_argument naming the first item that matches nothing.
// The result has no duplicates and keeps the order of the spec.
std::vector<Workload> resolve_workloads(const std::string& spec);

}  // namespace gnnperf
