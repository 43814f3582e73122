#!/usr/bin/env bash
# Writes the committed snapshot SNAPSHOT.xz out as the working database DB, unless DB is
# already there and newer: a model is trained on the snapshot it was committed with, and
# eval refuses a dataset that lacks the model's pipelines, so a stale copy must go.
#   scripts/extract-reference.sh SNAPSHOT.xz DB
set -euo pipefail
cd "$(dirname "$0")/.."
snapshot=$1 db=$2
[[ -f $db && ! $snapshot -nt $db ]] && exit 0
xz -dkc "$snapshot" > "$db.tmp"
# The old copy's WAL and shared-memory index must not be applied to the new file.
rm -f "$db-wal" "$db-shm"
mv "$db.tmp" "$db"
