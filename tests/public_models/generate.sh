#!/usr/bin/env bash
# Writes the public test models' reference data into OUT_DIR: fetches the
# models and ONNX Runtime's node binding (scripts/fetch-test-models.sh, a
# no-op when they are there), then runs tests/public_models/reference.js,
# which writes OUT_DIR/manifest.json last. The CTest fixture
# joule_public_models runs this once per ctest run; a test binary run by hand
# runs it on first use (testing/generated_files.h).
#
# Usage: generate.sh OUT_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: generate.sh OUT_DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/../../scripts/fetch-test-models.sh"
# Debian's npm, which the fetch installs when it must, brings nodejs.
if ! command -v node >/dev/null 2>&1; then
  echo "generate.sh: node is missing (scripts/install-deps.sh installs nodejs)" >&2
  exit 1
fi
exec node "$here/reference.js" "$1"
