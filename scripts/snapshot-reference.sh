#!/usr/bin/env bash
# Compresses a reference database (data/reference.db unless named) into FILE.xz for
# committing. Run it only while no collection writes to the database.
#   scripts/snapshot-reference.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-data/reference.db}
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
xz -9 -T1 -k -f "$db"
ls -l "$db" "$db.xz"
