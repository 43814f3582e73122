#!/usr/bin/env bash
# Trains the GNN on the reference dataset for each split and compares it with every
# baseline on that split's held-out pipelines (README, "Results on the reference
# dataset"). Writes out/eval-<split>.json and out/report-<split>/index.html.
# The random split's model is then copied to data/reference-gnn.pt, the model the main
# job (scripts/run-default.sh) loads.
set -euo pipefail
cd "$(dirname "$0")/.."
# One LibTorch thread: results do not depend on the core count, and training beside
# other work does not stall (two threads on two busy cores ran epochs 25x slower).
export OMP_NUM_THREADS=1
mkdir -p out
db=out/reference.db
if [[ ! -f $db ]]; then
  xz -dkc data/reference.db.xz > "$db.tmp" && mv "$db.tmp" "$db"
fi
for split in random family:transformer family:depthwise; do
  name=${split/:/-}
  build/gnnperf train --db "$db" --out "out/gnn-$name.pt" --seed 1 --split "$split"
  build/gnnperf eval --db "$db" --model "out/gnn-$name.pt" --json "out/eval-$name.json"
  build/gnnperf report --eval "out/eval-$name.json" --db "$db" --out "out/report-$name"
done
cp out/gnn-random.pt data/reference-gnn.pt
