#!/usr/bin/env bash
# Fetches ONNX Runtime's CPU shared library for this machine into the
# checkout, where executors/onnxruntime/ loads it at run time (dlopen).
#
# Source: the npm registry's onnxruntime-node package (MIT, Microsoft), which
# ships the official Linux x64 and arm64 builds of libonnxruntime.so.1. The
# tarball is fetched with `npm pack` (a download only: no install, no
# scripts; scripts/npm-pack.sh), checked against the checksums pinned below,
# and only package/bin/napi-v6/linux/<arch>/libonnxruntime.so.1 is
# extracted, to
#   .deps/onnxruntime/<version>/linux-<arch>/libonnxruntime.so.1
# (git ignores .deps/). Nothing else of the package is kept or run.
#
# With --node it also keeps what node needs to `require` the package's own
# binding, for the reference outputs of the public test models
# (tests/public_models/reference.js):
#   .deps/onnxruntime-node/node_modules/onnxruntime-node/
#       package.json, dist/*.js,
#       bin/napi-v6/linux/<arch>/onnxruntime_binding.node,
#       bin/napi-v6/linux/<arch>/libonnxruntime.so.1 (a link to the library
#       above)
#   .deps/onnxruntime-node/node_modules/onnxruntime-common/
#       package.json, dist/cjs/*.js and dist/cjs/package.json
# onnxruntime-common (MIT, Microsoft) is the binding's one run-time
# dependency, pinned and checked here too. The package's install script
# (which would download more) is never run.
#
# Does nothing, and prints nothing, when those files are already there with
# the pinned checksums. Installs Debian's npm (apt, sudo when not root) only
# when something must be fetched and npm is missing.
#
# To move to another version: change ORT_VERSION, run
#   npm view onnxruntime-node@VERSION dist.integrity
#   npm view onnxruntime-common@VERSION dist.integrity
# and re-pin every checksum below from tarballs whose integrity matches.
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
# --node: the binding, and onnxruntime-common-1.30.0.tgz, whose
# dist.integrity is
#   sha512-7fdVWjAID1dVhH/G8qK3APARunV4VkBFoCQAP7qp4Wkab0mrorvmc+sqiT+mKXOzDqdjN5j+/Z9nb4gzNPWcyA==
BINDING_SHA256_x64=ccdc60b981d93a490cf9513d3f583547252b6e285b72988a96a494f2f006c7b8
BINDING_SHA256_arm64=afec78dc11d38dc81605b068cefe1fc73ffe77ca240c15468aa40786150beac8
COMMON_TARBALL_SHA512=edf7555a30080f5755847fc6f2a2b700f011ba7578564045a024003fbaa9e1691a6f49aba2bbe673eb2a893fa62973b30ea7633798fefd9f676f883334f59cc8
COMMON_TARBALL_SHA256=7906c439e0d3e0f4048caa23b64cdfadc0f455c377f579ce1ab2a4b778f07d5f

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$scripts/.." && pwd)"
# shellcheck source=scripts/npm-pack.sh
. "$scripts/npm-pack.sh"

node=false
case "${1:-}" in
  "") ;;
  --node) node=true ;;
  *)
    echo "usage: fetch-onnxruntime.sh [--node]" >&2
    exit 2
    ;;
esac

case "$(uname -m)" in
  x86_64 | amd64) arch=x64; lib_sha256=$LIB_SHA256_x64; binding_sha256=$BINDING_SHA256_x64 ;;
  aarch64 | arm64) arch=arm64; lib_sha256=$LIB_SHA256_arm64; binding_sha256=$BINDING_SHA256_arm64 ;;
  *)
    echo "fetch-onnxruntime: no onnxruntime-node build for $(uname -m)" >&2
    exit 1
    ;;
esac

dest_dir="$root/.deps/onnxruntime/$ORT_VERSION/linux-$arch"
dest="$dest_dir/libonnxruntime.so.1"
node_dir="$root/.deps/onnxruntime-node"
bin_rel="bin/napi-v6/linux/$arch"
binding="$node_dir/node_modules/onnxruntime-node/$bin_rel/onnxruntime_binding.node"
# Written last, once everything under node_dir is in place and checked: the
# pins it was made from.
stamp="$node_dir/.fetched"
stamp_want="onnxruntime-node@$ORT_VERSION $TARBALL_SHA512 $binding_sha256
onnxruntime-common@$ORT_VERSION $COMMON_TARBALL_SHA512"

need_lib=true
if [ -f "$dest" ] && [ "$(sha256_of "$dest")" = "$lib_sha256" ]; then
  need_lib=false
fi
need_node=false
if $node; then
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$stamp_want" ] ||
    [ ! -f "$binding" ] || [ "$(sha256_of "$binding")" != "$binding_sha256" ]; then
    need_node=true
  fi
fi
if ! $need_lib && ! $need_node; then
  exit 0
fi

ensure_npm
echo "Fetching onnxruntime-node@$ORT_VERSION (npm) for linux-$arch"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

tarball="$(npm_pack_verified onnxruntime-node "$ORT_VERSION" \
  "$TARBALL_SHA512" "$TARBALL_SHA256" "$tmp")"

if $need_lib; then
  member="package/$bin_rel/libonnxruntime.so.1"
  tar -xzf "$tarball" -C "$tmp" --no-same-owner "$member"
  check_sum "$member sha256" "$lib_sha256" "$(sha256_of "$tmp/$member")"
  mkdir -p "$dest_dir"
  install -m 0644 "$tmp/$member" "$dest.tmp"
  mv -f "$dest.tmp" "$dest"
fi

if $need_node; then
  common="$(npm_pack_verified onnxruntime-common "$ORT_VERSION" \
    "$COMMON_TARBALL_SHA512" "$COMMON_TARBALL_SHA256" "$tmp")"
  stage="$tmp/stage/node_modules"
  mkdir -p "$stage/onnxruntime-node" "$stage/onnxruntime-common"
  # Only the package's own JavaScript and the binding: the members are named
  # one by one (no wildcards), so nothing else can come along.
  tar -xzf "$tarball" -C "$stage/onnxruntime-node" --no-same-owner \
    --strip-components=1 package/package.json package/dist/backend.js \
    package/dist/binding.js package/dist/index.js package/dist/version.js \
    "package/$bin_rel/onnxruntime_binding.node"
  check_sum "onnxruntime_binding.node sha256" "$binding_sha256" \
    "$(sha256_of "$stage/onnxruntime-node/$bin_rel/onnxruntime_binding.node")"
  # The binding finds the library beside it ($ORIGIN): link the one fetched
  # above rather than keep a second copy.
  ln -s "../../../../../../../onnxruntime/$ORT_VERSION/linux-$arch/libonnxruntime.so.1" \
    "$stage/onnxruntime-node/$bin_rel/libonnxruntime.so.1"
  common_members=(package/package.json package/dist/cjs/package.json)
  for f in backend-impl backend env-impl env index inference-session-impl \
    inference-session onnx-model onnx-value tensor-conversion-impl \
    tensor-conversion tensor-factory-impl tensor-factory \
    tensor-impl-type-mapping tensor-impl tensor-utils-impl tensor-utils \
    tensor trace type-helper version; do
    common_members+=("package/dist/cjs/$f.js")
  done
  tar -xzf "$common" -C "$stage/onnxruntime-common" --no-same-owner \
    --strip-components=1 "${common_members[@]}"
  printf '%s\n' "$stamp_want" >"$tmp/stage/.fetched"
  rm -rf "$node_dir"
  mkdir -p "$root/.deps"
  mv "$tmp/stage" "$node_dir"
fi
