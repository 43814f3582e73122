#!/usr/bin/env bash
# Trains the GNN on a reference dataset for each split and compares it with every
# baseline on that split's held-out pipelines (README, "Results on the reference
# dataset").
#   scripts/evaluate-reference.sh [--db data/NAME.db]
# The dataset is data/reference.db unless --db names another machine's run (README,
# "Second reference run"); it is read from its committed snapshot NAME.db.xz into out/.
# Writes out/eval-<split>.json and out/report-<split>/index.html for the default dataset,
# out/NAME/... for another. Only the default dataset's random-split model is copied to
# data/reference-gnn.pt, the model the main job (scripts/run-default.sh) loads.
set -euo pipefail
cd "$(dirname "$0")/.."
source=data/reference.db
if [[ $# -eq 2 && $1 == --db ]]; then
  source=$2
elif [[ $# -ne 0 ]]; then
  echo "evaluate-reference: usage: scripts/evaluate-reference.sh [--db data/NAME.db]" >&2
  exit 2
fi
if [[ ! -f $source.xz ]]; then
  echo "evaluate-reference: no snapshot $source.xz" >&2
  exit 2
fi
name=$(basename "$source" .db)
default=false
[[ $source == data/reference.db ]] && default=true
out=out
$default || out=out/$name
# One LibTorch thread: results do not depend on the core count, and training beside
# other work does not stall (two threads on two busy cores ran epochs 25x slower).
export OMP_NUM_THREADS=1
mkdir -p "$out"
db=$out/$name.db
scripts/extract-reference.sh "$source.xz" "$db"
# The GNN reads value features; snapshots of schema version 3 have none (a no-op otherwise).
build/gnnperf dataset values --db "$db"
for split in random family:transformer family:depthwise; do
  tag=${split/:/-}
  build/gnnperf train --db "$db" --out "$out/gnn-$tag.pt" --seed 1 --split "$split"
  build/gnnperf eval --db "$db" --model "$out/gnn-$tag.pt" --json "$out/eval-$tag.json"
  build/gnnperf report --eval "$out/eval-$tag.json" --db "$db" --out "$out/report-$tag"
done
if $default; then
  cp "$out/gnn-random.pt" data/reference-gnn.pt
fi
