#!/usr/bin/env bash
# Builds, or resumes, the reference dataset data/reference.db (see README, "Reference
# dataset"). Starts from the committed snapshot data/reference.db.xz when there is no
# database yet, so that a later session continues the collection instead of redoing it.
# Timing uses one thread: on this 2-vCPU virtual machine two-thread timings of one
# schedule jump between two levels (2.0 and 3.7 ms for resnet18.conv3_1) as the host
# shares the second vCPU, while one-thread timings stay within a few percent.
set -euo pipefail
cd "$(dirname "$0")/.."
db=data/reference.db
if [[ ! -f $db && -f $db.xz ]]; then
  xz -dk "$db.xz"
fi
common=(--db "$db" --seed 1 --timeout 120 --parallelism 1 --jobs 2)
build/gnnperf collect "${common[@]}" --schedules 12 --workloads 'random:100'
build/gnnperf collect "${common[@]}" --schedules 45 \
  --workloads 'resnet18.*,resnet50.*,mobilenet_v2.*,vgg16.*,bert_base.*'
build/gnnperf dataset info --db "$db"
