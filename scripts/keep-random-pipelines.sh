#!/usr/bin/env bash
# Copies a dataset keeping every named layer and block but only the random pipelines
# random:1 .. random:N, for learning curves over the number of random pipelines (README,
# "Nor does balancing families").
#   scripts/keep-random-pipelines.sh SOURCE.db N OUT.db
set -euo pipefail
if [[ $# -ne 3 || ! $2 =~ ^[0-9]+$ ]]; then
  sed -n '2,5p' "$0" >&2
  exit 2
fi
source=$1 keep=$2 out=$3
[[ -f $source ]] || { echo "keep-random-pipelines: no dataset '$source'" >&2; exit 2; }
[[ -e $out ]] && { echo "keep-random-pipelines: '$out' exists; not overwriting it" >&2; exit 2; }
# Built under a temporary name and renamed when complete, so a failure leaves no
# half-pruned OUT behind.
partial=$out.partial
trap 'rm -f "$partial"' EXIT
cp "$source" "$partial"
sqlite3 -bail "$partial" "
BEGIN;
CREATE TEMP TABLE dropped AS SELECT id FROM pipelines
  WHERE family = 'random' AND CAST(substr(name, 8) AS INTEGER) > $keep;
CREATE TEMP TABLE dropped_schedules AS SELECT id FROM schedules
  WHERE pipeline_id IN (SELECT id FROM dropped);
DELETE FROM measurements WHERE schedule_id IN (SELECT id FROM dropped_schedules);
DELETE FROM duplicate_tasks WHERE schedule_id IN (SELECT id FROM dropped_schedules);
DELETE FROM output_checks WHERE schedule_id IN (SELECT id FROM dropped_schedules);
DELETE FROM schedules WHERE id IN (SELECT id FROM dropped_schedules);
DELETE FROM stages WHERE pipeline_id IN (SELECT id FROM dropped);
DELETE FROM edges WHERE pipeline_id IN (SELECT id FROM dropped);
DELETE FROM pipelines WHERE id IN (SELECT id FROM dropped);
COMMIT;
VACUUM;"
mv "$partial" "$out"
echo "$out: $(sqlite3 "$out" "SELECT printf('%d pipelines (%d random), %d schedules',
  COUNT(*), SUM(family = 'random'), (SELECT COUNT(*) FROM schedules)) FROM pipelines")"
