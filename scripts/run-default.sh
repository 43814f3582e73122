#!/usr/bin/env bash
# The main job on its built-in default:
#  1. collects a small dataset (a few minutes on two cores) of named layers and random
#     pipelines, and prints its summary;
#  2. on the committed reference dataset, loads the committed GNN (or trains one if it is
#     missing) and compares it with every baseline on the held-out pipelines.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p out
build/gnnperf collect --db out/default.db --timing-window 0.2 \
  --workloads 'resnet18.conv2,resnet18.fc,mobilenet_v2.dw*,bert_base.attn_softmax,random:6' \
  --schedules 6 --seed 1 --parallelism 1
build/gnnperf dataset info --db out/default.db

if [[ ! -f data/reference.db.xz ]]; then
  echo "run-default: data/reference.db.xz is not in this checkout; skipping the comparison" >&2
  exit 0
fi
scripts/extract-reference.sh data/reference.db.xz out/reference.db
model=data/reference-gnn.pt
if [[ ! -f $model ]]; then
  model=out/reference-gnn.pt
  build/gnnperf train --db out/reference.db --out "$model" --seed 1
fi
build/gnnperf eval --db out/reference.db --model "$model" --json out/reference-eval.json
build/gnnperf report --eval out/reference-eval.json --db out/reference.db --out out/report
