#!/usr/bin/env bash
# Compresses data/reference.db into data/reference.db.xz for committing. Run it only
# while no collection writes to the database.
set -euo pipefail
cd "$(dirname "$0")/.."
sqlite3 data/reference.db "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
xz -9 -T1 -k -f data/reference.db
ls -l data/reference.db data/reference.db.xz
