#!/usr/bin/env bash
# bench/sim_scenarios.sh BUILD_DIR — joule-sim --compare on every shipped
# scenario (sim/scenarios/*.yaml, seed from each file): the comparison table
# (every run, then the offline lower bound) and the goal check of the
# default policy (sim/report.h CheckGoals), as bench/RESULTS.md section 4
# records them.
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
for f in sim/scenarios/*.yaml; do
  echo "### $(basename "$f" .yaml)"
  echo
  "$build/cmd/joule-sim" --scenario "$f" --compare 2>/dev/null |
    sed -n '/^| run /,/^Wrote /p' | grep -v '^Wrote '
  echo
done
