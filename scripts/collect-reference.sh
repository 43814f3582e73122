#!/usr/bin/env bash
# Builds, or resumes, the reference dataset data/reference.db (see README, "Reference
# dataset"). Starts from the committed snapshot data/reference.db.xz when there is no
# database yet, so that a later session continues the collection instead of redoing it.
# One command over all pipelines: tasks go round-robin over pipelines, so a collection
# stopped early is still balanced. Timing uses one thread on this 2-vCPU virtual machine
# (see README, "Timing noise").
#   scripts/collect-reference.sh [--db FILE] [DURATION]
# DURATION (timeout's syntax: 90m, 2h) stops the collection then. Whether it finished,
# timed out or was interrupted, the script ends by snapshotting the database into
# FILE.xz: the database is not in git, and a session's data that is not snapshotted and
# committed is lost with its machine. FILE is data/reference.db unless --db names the
# database of a second machine's run (README, "Second reference run").
set -euo pipefail
cd "$(dirname "$0")/.."
db=data/reference.db
if [[ ${1:-} == --db ]]; then
  db=$2
  shift 2
fi
if [[ ! -f $db && -f $db.xz ]]; then
  xz -dk "$db.xz"
fi
limit=()
[[ $# -ge 1 ]] && limit=(timeout --foreground --signal=INT "$1")
status=0
"${limit[@]}" build/gnnperf collect --db "$db" --seed 1 --timeout 120 --parallelism 1 --jobs 2 \
  --timing-window 1 --schedules 32 \
  --workloads 'random:2400,random_large:240,resnet18.*,resnet50.*,mobilenet_v2.*,vgg16.*,bert_base.*' ||
  status=$?
# 124: the duration ran out; 130: Ctrl-C. Anything else is an error worth seeing, but the
# schedules stored before it are still worth keeping.
[[ $status -ne 0 && $status -ne 124 && $status -ne 130 ]] &&
  echo "collect-reference: collect exited with status $status" >&2
# collect measures each new pipeline's value features when it stores its first timing;
# this measures those of any pipeline a killed run (or a collect older than session 36)
# left without them, since the default model needs them. Usually there are none.
build/gnnperf dataset values --db "$db" ||
  echo "collect-reference: dataset values exited with status $?" >&2
build/gnnperf dataset info --db "$db"
scripts/snapshot-reference.sh "$db"
