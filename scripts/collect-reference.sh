#!/usr/bin/env bash
# Builds, or resumes, the reference dataset data/reference.db (see README, "Reference
# dataset"). Starts from the committed snapshot data/reference.db.xz when there is no
# database yet, so that a later session continues the collection instead of redoing it.
# One command over all pipelines: tasks go round-robin over pipelines, so a collection
# stopped early is still balanced. Timing uses one thread on this 2-vCPU virtual machine
# (see README, "Timing noise").
set -euo pipefail
cd "$(dirname "$0")/.."
db=data/reference.db
if [[ ! -f $db && -f $db.xz ]]; then
  xz -dk "$db.xz"
fi
build/gnnperf collect --db "$db" --seed 1 --timeout 120 --parallelism 1 --jobs 2 \
  --timing-window 1 --schedules 32 \
  --workloads 'random:300,resnet18.*,resnet50.*,mobilenet_v2.*,vgg16.*,bert_base.*'
build/gnnperf dataset info --db "$db"
