#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: install, build, run ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build && ctest --output-on-failure -j1 "$@"
