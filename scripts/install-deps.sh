#!/usr/bin/env bash
# Installs the Debian packages joule builds and tests with, when missing,
# then ONNX Runtime's shared library and its node binding
# (scripts/fetch-onnxruntime.sh --node, from the npm registry at a pinned
# version and checksum; the binding comes from the same download, and the
# tests' reference outputs need it). Uses sudo only when not root. Prints
# nothing when all are present. (The public test models themselves are
# fetched by the tests: scripts/fetch-test-models.sh, run by the CTest
# fixture joule_public_models.)
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config ccache clang clang-format
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libabsl-dev libboost-dev libboost-system-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev nghttp2-client
  libonnx-dev python3-onnx python3-numpy libssl-dev
  prometheus nodejs
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$(dirname "${BASH_SOURCE[0]}")/fetch-onnxruntime.sh" --node
