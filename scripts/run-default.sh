#!/usr/bin/env bash
# The main job on its built-in default: collects a small dataset (a few minutes on two
# cores) of named layers and random pipelines, then prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p out
build/gnnperf collect --db out/default.db \
  --workloads 'resnet18.conv2,resnet18.fc,mobilenet_v2.dw*,bert_base.attn_softmax,random:6' --schedules 6 --seed 1 --parallelism 1
build/gnnperf dataset info --db out/default.db
