# shellcheck shell=bash
# Fetching one npm package tarball at a pinned version and checksum, for the
# fetch scripts (fetch-onnxruntime.sh, fetch-test-models.sh), which source
# this file. Nothing here runs anything from a package.
#
#   sha256_of FILE                 prints FILE's sha256 (hex)
#   check_sum WHAT WANT GOT        exits 1 naming WHAT when GOT != WANT
#   ensure_npm                     installs Debian's npm (apt, sudo when not
#                                  root) when npm is missing
#   npm_pack_verified NAME VERSION SHA512 SHA256 DIR
#                                  downloads NAME@VERSION into DIR with
#                                  `npm pack`, checks the tarball against the
#                                  pinned SHA512 (the hex of the registry's
#                                  dist.integrity) and SHA256, and prints its
#                                  path
#
# Messages are prefixed with the sourcing script's name.

_npm_pack_who="$(basename "$0" .sh)"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

check_sum() { # check_sum WHAT WANT GOT
  if [ "$2" != "$3" ]; then
    echo "$_npm_pack_who: $1 checksum mismatch: want $2, got $3" >&2
    exit 1
  fi
}

ensure_npm() {
  if command -v npm >/dev/null 2>&1; then return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing: npm"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends npm
}

npm_pack_verified() { # npm_pack_verified NAME VERSION SHA512 SHA256 DIR
  local name=$1 version=$2 sha512=$3 sha256=$4 dir=$5
  # npm names the tarball after the package: @scope/name -> scope-name.
  local base="${name#@}"
  local tarball="$dir/${base//\//-}-$version.tgz"
  # --ignore-scripts: npm pack of a registry spec only downloads, and this
  # makes sure of it. A private cache keeps the user's ~/.npm untouched.
  (cd "$dir" && npm pack "$name@$version" --ignore-scripts \
    --cache "$dir/npm-cache" --silent >/dev/null)
  if [ ! -f "$tarball" ]; then
    echo "$_npm_pack_who: npm pack wrote no $tarball" >&2
    exit 1
  fi
  check_sum "$name@$version tarball sha512" "$sha512" \
    "$(sha512sum "$tarball" | cut -d' ' -f1)"
  check_sum "$name@$version tarball sha256" "$sha256" "$(sha256_of "$tarball")"
  echo "$tarball"
}
