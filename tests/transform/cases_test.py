#!/usr/bin/env python3
"""Runs every case of tests/transform/cases/*.json through `arxivflow transform`
and checks exit code, manifest counts, rejects (line, offset, reason, raw) and
every row of the six tables against the case's expectations (cases.py).

usage: cases_test.py ARXIVFLOW_BIN [--write-missing]
  --write-missing  give cases that have no "expect" block the outputs of this
                   run (to be reviewed by hand before committing)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402


def run_case(bin_path, case, folder):
    paths = cases.materialize(case, folder)
    out = os.path.join(folder, "out")
    args = [bin_path, "transform", "--input", paths[0], "--output", out, "--threads", "2", "--progress", "never"]
    if paths[1]:
        args += ["--nips", paths[1]]
    r = subprocess.run(args + case.get("args", []), capture_output=True, text=True)
    area = cases.read_area(bin_path, out) if os.path.exists(os.path.join(out, "_manifest.json")) else None
    return r.returncode, r.stderr, area, paths


def main():
    bin_path = os.path.abspath(sys.argv[1])
    write_missing = "--write-missing" in sys.argv
    work = tempfile.mkdtemp(prefix="af-cases-")
    failed = passed = 0
    new = {}
    try:
        for n, case in enumerate(cases.load_cases()):
            folder = os.path.join(work, "case%d" % n)
            code, stderr, area, paths = run_case(bin_path, case, folder)
            if "expect" not in case:
                if write_missing:
                    new.setdefault(case["file"], {})[case["name"]] = cases.expectations(code, area, paths)
                    print("wrote - %s: %s" % (case["file"], case["name"]))
                else:
                    failed += 1
                    print("FAIL - %s: %s: no expectations" % (case["file"], case["name"]))
                continue
            failures = cases.check(case, code, area, paths)
            want_error = case["expect"].get("error_cpp")
            if want_error and want_error not in stderr:
                failures.append("stderr %r lacks %r" % (stderr.strip(), want_error))
            if failures:
                failed += 1
                print("FAIL - %s: %s\n    %s\n    stderr: %s" % (case["file"], case["name"],
                                                              "\n    ".join(failures), stderr.strip()[-500:]))
            else:
                passed += 1
                print("ok - %s: %s" % (case["file"], case["name"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for file, expects in new.items():
        path = os.path.join(cases.HERE, "cases", file)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for case in data:
            if case["name"] in expects:
                case["expect"] = expects[case["name"]]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
