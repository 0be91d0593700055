#!/usr/bin/env bash
# Fetches ONNX Runtime's CPU shared library for this machine into the
# checkout, where executors/onnxruntime/ loads it at run time (dlopen).
#
# Source: the npm registry's onnxruntime-node package (MIT, Microsoft), which
# ships the official Linux x64 and arm64 builds of libonnxruntime.so.1. The
# tarball is fetched with `npm pack` (a download only: no install, no
# scripts), checked against the checksums pinned below, and only
# package/bin/napi-v6/linux/<arch>/libonnxruntime.so.1 is extracted, to
#   .deps/onnxruntime/<version>/linux-<arch>/libonnxruntime.so.1
# (git ignores .deps/). Nothing else of the package is kept or run.
#
# Does nothing, and prints nothing, when that file is already there with the
# pinned checksum. Installs Debian's npm (apt, sudo when not root) only when
# the file must be fetched and npm is missing.
#
# To move to another version: change ORT_VERSION, run
#   npm view onnxruntime-node@VERSION dist.integrity
# and re-pin every checksum below from a tarball whose integrity matches.
# CMake reads ORT_VERSION from this file (executors/onnxruntime/CMakeLists.txt).
set -euo pipefail

ORT_VERSION=1.30.0
# The tarball onnxruntime-node-1.30.0.tgz. The registry's dist.integrity,
#   sha512-twhs1C2C/BFkz1yc5OY0KIU2GUq6DURO7hD4bx5Q2Qy3nAMJwRXW8xU3NVczE29VA9lolLOYepoD8fjTGOfIqw==
# is the base64 of TARBALL_SHA512 (hex here, as sha512sum prints it).
TARBALL_SHA512=b7086cd42d82fc1164cf5c9ce4e634288536194aba0d444eee10f86f1e50d90cb79c0309c115d6f31537355733136f5503d96894b3987a9a03f1f8d318e7c8ab
TARBALL_SHA256=6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75
# The extracted libraries (the tarball holds libonnxruntime.so.1 only, no
# versioned name next to it).
LIB_SHA256_x64=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
LIB_SHA256_arm64=1f549d46250b005580b597f4164984aaf75b3bcb9f3aeb07c7f8a8fe60b23c76

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$(uname -m)" in
  x86_64 | amd64) arch=x64; lib_sha256=$LIB_SHA256_x64 ;;
  aarch64 | arm64) arch=arm64; lib_sha256=$LIB_SHA256_arm64 ;;
  *)
    echo "fetch-onnxruntime: no onnxruntime-node build for $(uname -m)" >&2
    exit 1
    ;;
esac

dest_dir="$root/.deps/onnxruntime/$ORT_VERSION/linux-$arch"
dest="$dest_dir/libonnxruntime.so.1"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dest" ] && [ "$(sha256_of "$dest")" = "$lib_sha256" ]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing: npm"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends npm
fi

echo "Fetching onnxruntime-node@$ORT_VERSION (npm) for linux-$arch"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --ignore-scripts: npm pack of a registry spec only downloads, and this
# makes sure of it. A private cache keeps the user's ~/.npm untouched.
(cd "$tmp" && npm pack "onnxruntime-node@$ORT_VERSION" --ignore-scripts \
  --cache "$tmp/npm-cache" --silent >/dev/null)
tarball="$tmp/onnxruntime-node-$ORT_VERSION.tgz"
if [ ! -f "$tarball" ]; then
  echo "fetch-onnxruntime: npm pack wrote no $tarball" >&2
  exit 1
fi

check() {  # check WHAT WANT GOT
  if [ "$2" != "$3" ]; then
    echo "fetch-onnxruntime: $1 checksum mismatch: want $2, got $3" >&2
    exit 1
  fi
}
check "tarball sha512" "$TARBALL_SHA512" "$(sha512sum "$tarball" | cut -d' ' -f1)"
check "tarball sha256" "$TARBALL_SHA256" "$(sha256_of "$tarball")"

member="package/bin/napi-v6/linux/$arch/libonnxruntime.so.1"
tar -xzf "$tarball" -C "$tmp" --no-same-owner "$member"
check "$member sha256" "$lib_sha256" "$(sha256_of "$tmp/$member")"

mkdir -p "$dest_dir"
install -m 0644 "$tmp/$member" "$dest.tmp"
mv -f "$dest.tmp" "$dest"
