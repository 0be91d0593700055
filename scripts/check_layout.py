#!/usr/bin/env python3
"""Checks the layering of docs/ARCHITECTURE.md ("Data flow") on every
#include of every C++ source under the repository: a folder includes only
itself and folders of a lower rank. Folders of the same rank are siblings
and include neither each other. Test sources (*_test.cc, the test-only
headers *_test_util.h and *_test_helpers.h, and everything in testing/ and
tests/) may also include testing/ and tests/.

Usage: check_layout.py [REPO_ROOT]. Prints each offending include as
FILE:LINE: ... and exits 1 if there is any.
"""
import os
import re
import sys

# Rank of each project folder (first path component, or platform/linux).
RANKS = {
    "core": 0,
    "telemetry": 0,
    "platform": 1,
    "devices": 2,
    "models": 2,
    "executors": 3,
    "scheduler": 4,
    "governor": 4,
    "joule": 4.5,  # generated proto headers (joule/v1/*.pb.h): api and above
    "api": 5,
    "server": 6,
    "sim": 7,
    "cmd": 8,
    "bench": 8,
    "testing": 9,
    "tests": 9,
}
TEST_ONLY = {"testing", "tests"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path):
    return path.split("/", 1)[0]


def is_test_source(rel):
    return (rel.endswith(("_test.cc", "_test_util.h", "_test_helpers.h"))
            or folder_of(rel) in TEST_ONLY)


def check(root):
    problems = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        top = rel_dir.split(os.sep)[0]
        if rel_dir != "." and (top.startswith(".") or top.startswith("build")):
            dirnames[:] = []
            continue
        for name in filenames:
            if not name.endswith((".cc", ".h")):
                continue
            rel = os.path.normpath(os.path.join(rel_dir, name))
            own = folder_of(rel)
            if own not in RANKS:
                continue
            with open(os.path.join(root, rel), encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = folder_of(m.group(1))
                    if target not in RANKS or target == own:
                        continue
                    if target in TEST_ONLY and is_test_source(rel):
                        continue
                    if RANKS[target] >= RANKS[own]:
                        kind = ("a sibling" if RANKS[target] == RANKS[own]
                                else "a folder above it")
                        problems.append(
                            f"{rel}:{lineno}: includes {m.group(1)}: {own}/ "
                            f"must not include {kind} ({target}/)")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(os.path.abspath(root))
    for p in problems:
        print(p)
    if problems:
        print(f"layout: {len(problems)} include(s) against docs/ARCHITECTURE.md")
        return 1
    print("layout: every include points down (docs/ARCHITECTURE.md, Data flow)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
