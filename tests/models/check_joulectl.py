#!/usr/bin/python3
"""`joulectl analyze --json` on every generated model against what
make_models.py computed, and a failing exit with a message for the malformed
ones. The JSON must parse with Python's json module.

Usage: /usr/bin/python3 check_joulectl.py JOULECTL MODELS_DIR
"""

import glob
import json
import os
import subprocess
import sys

KEYS = ("ops", "macs", "weight_bytes", "activation_bytes",
        "native_weight_bytes", "native_activation_bytes", "input_bytes",
        "output_bytes", "nodes_resolved", "nodes_total")
MALFORMED = ("cyclic", "missing_input", "duplicate_output", "huge_dims",
             "lying_initializer", "dynamic_seq", "crash_convtranspose")


def expected(path):
    totals, unresolved = {}, []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0] == "node":
                continue
            if parts[0] == "unresolved":
                unresolved.append(parts[1])
            elif parts[0] == "precision":
                totals["precision"] = parts[1]
            else:
                totals[parts[0]] = int(parts[1])
    return totals, unresolved


def main():
    joulectl, models = sys.argv[1], sys.argv[2]
    failures = []
    for exp in sorted(glob.glob(os.path.join(models, "*.expected"))):
        stem = os.path.basename(exp)[:-len(".expected")]
        args = [joulectl, "analyze", "--json"]
        if stem == "reshape_chain_b3":
            args += [os.path.join(models, "reshape_chain.onnx"),
                     "--input-shape", "x=3,4,8,8"]
        elif stem.startswith("ocr_dyn"):
            width = 320 if stem.endswith("_w320") else 160
            args += [os.path.join(models, "ocr_dyn.onnx"),
                     "--input-shape", f"x=1,1,32,{width}"]
        else:
            args.append(os.path.join(models, stem + ".onnx"))
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"{stem}: exit {run.returncode}: {run.stderr}")
            continue
        got = json.loads(run.stdout)
        totals, unresolved = expected(exp)
        for key in KEYS:
            if key in totals and got[key] != totals[key]:
                failures.append(f"{stem}: {key} {got[key]} != {totals[key]}")
        if got["complete"] != bool(totals["complete"]):
            failures.append(f"{stem}: complete {got['complete']}")
        if got["precision"] != totals["precision"]:
            failures.append(f"{stem}: precision {got['precision']}")
        if got["unresolved_nodes"] != unresolved:
            failures.append(f"{stem}: unresolved {got['unresolved_nodes']}")
    for stem in MALFORMED:
        run = subprocess.run(
            [joulectl, "analyze", os.path.join(models, stem + ".onnx")],
            capture_output=True, text=True)
        if run.returncode != 1 or "joulectl: analyze" not in run.stderr:
            failures.append(f"{stem}: exit {run.returncode}: {run.stderr}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
