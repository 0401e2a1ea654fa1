"""The transform's data-driven cases: one set of inputs and expected outputs
that both implementations of the cleaning rules are checked against
(`arxivflow transform` by tests/transform/cases_test.py, the Spark job by
tests/spark/equivalence_test.py), so the two cannot drift apart silently.

A case file (cases/*.json) is a list of cases:

    {"name": "...",
     "input": CONTENT, "input_name": "in.jsonl",      # the snapshot
     "nips": CONTENT, "nips_name": "nips.csv",        # optional
     "args": ["--max-rejects", "2"],                  # optional
     "expect": {
       "exit": 0,                                     # 1 = error, 2 = too many rejects
       "records": {"read": 3, "accepted": 2, "rejected": 1, "duplicates": 0},
       "unparsed_values": 0,
       "inputs": [{"compression": "gzip", "layout": "jsonl"}],   # keys checked
       "rejects": [{"input": "snapshot", "line": 2, "offset": 40, "reason": "...",
                    "raw": "...", "truncated": false}],           # all of them, in order
       "tables": {"papers": [[...], ...], ...}}}                 # all rows of all six tables

CONTENT is a string (UTF-8 text), or {"lines": [...], "end": "\\n"},
{"base64": "..."}, {"repeat": "x", "times": N}, {"concat": [CONTENT, ...]},
{"gzip": CONTENT} or {"gzip_members": [CONTENT, ...]}. A table row is the
list of its column values as `arxivflow parquet cat` prints them (dates
"YYYY-MM-DD", timestamps "YYYY-MM-DDTHH:MM:SSZ"); a value may be a
{"repeat": ...} CONTENT too. Rows compare as multisets (row order in parts
is not part of the contract); rejects compare in input order.
"""
import base64
import glob
import gzip
import json
import os
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = ["papers", "authors", "abstracts", "categories", "versions", "titles"]
COLUMNS = {
    "papers": ["id", "title", "categories", "doi", "comments", "journalref", "license", "reportno",
               "submitter", "updatedate"],
    "authors": ["id", "author", "position", "lastname", "firstname", "suffix"],
    "abstracts": ["id", "abstract", "origin"],
    "categories": ["id", "category", "position"],
    "versions": ["id", "created", "version", "month", "year", "origin"],
    "titles": ["id", "title", "origin"],
}
# The star schema as `arxivflow parquet schema` prints it (src/schema/star_schema.cc).
SCHEMAS = {
    "papers": ['"id" BYTE_ARRAY STRING REQUIRED'] + [f'"{c}" BYTE_ARRAY STRING OPTIONAL' for c in COLUMNS["papers"][1:9]]
    + ['"updatedate" INT32 DATE OPTIONAL'],
    "authors": ['"id" BYTE_ARRAY STRING REQUIRED', '"author" BYTE_ARRAY STRING OPTIONAL', '"position" INT32 REQUIRED',
                '"lastname" BYTE_ARRAY STRING OPTIONAL', '"firstname" BYTE_ARRAY STRING OPTIONAL',
                '"suffix" BYTE_ARRAY STRING OPTIONAL'],
    "abstracts": ['"id" BYTE_ARRAY STRING REQUIRED', '"abstract" BYTE_ARRAY STRING OPTIONAL',
                  '"origin" BYTE_ARRAY STRING REQUIRED'],
    "categories": ['"id" BYTE_ARRAY STRING REQUIRED', '"category" BYTE_ARRAY STRING REQUIRED', '"position" INT32 REQUIRED'],
    "versions": ['"id" BYTE_ARRAY STRING REQUIRED', '"created" INT64 TIMESTAMP(MICROS,UTC) OPTIONAL',
                 '"version" BYTE_ARRAY STRING OPTIONAL', '"month" INT32 INT(16,true) OPTIONAL',
                 '"year" INT32 INT(16,true) OPTIONAL', '"origin" BYTE_ARRAY STRING REQUIRED'],
    "titles": ['"id" BYTE_ARRAY STRING REQUIRED', '"title" BYTE_ARRAY STRING REQUIRED', '"origin" BYTE_ARRAY STRING REQUIRED'],
}


def load_cases(folder=None):
    cases = []
    for path in sorted(glob.glob(os.path.join(folder or os.path.join(HERE, "cases"), "*.json"))):
        with open(path, encoding="utf-8") as f:
            for case in json.load(f):
                case["file"] = os.path.basename(path)
                cases.append(case)
    return cases


def content(spec):
    """The bytes a CONTENT spec stands for."""
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if "lines" in spec:
        end = spec.get("end", "\n")
        return "".join(line + end for line in spec["lines"]).encode("utf-8")
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    if "repeat" in spec:
        return spec["repeat"].encode("utf-8") * spec["times"]
    if "concat" in spec:
        return b"".join(content(s) for s in spec["concat"])
    if "gzip" in spec:
        return gzip.compress(content(spec["gzip"]), mtime=0)
    if "gzip_members" in spec:
        return b"".join(gzip.compress(content(s), mtime=0) for s in spec["gzip_members"])
    if "cut" in spec:
        data = content(spec["cut"])
        return data[:len(data) // 2]
    raise ValueError("unknown content spec %r" % spec)


def value(v):
    if isinstance(v, dict):
        return content(v).decode("utf-8")
    return v


def materialize(case, folder):
    """Writes the case's inputs into `folder`; returns (input path, nips path or None)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, case.get("input_name", "in.jsonl"))
    with open(path, "wb") as f:
        f.write(content(case["input"]))
    nips = None
    if "nips" in case:
        nips = os.path.join(folder, case.get("nips_name", "nips.csv"))
        with open(nips, "wb") as f:
            f.write(content(case["nips"]))
    return path, nips


def parquet_rows(bin_path, files):
    rows = []
    for f in files:
        out = subprocess.run([bin_path, "parquet", "cat", f], capture_output=True, text=True, check=True).stdout
        rows += [json.loads(line) for line in out.splitlines() if line]
    return rows


def parquet_schema(bin_path, f):
    out = subprocess.run([bin_path, "parquet", "schema", f], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def read_area(bin_path, out):
    """The published area: manifest, rejects and every table's rows (as lists
    in schema order), with each table's part files read through the manifest."""
    with open(os.path.join(out, "_manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    with open(os.path.join(out, manifest["rejects_file"]), encoding="utf-8") as f:
        rejects = [json.loads(line) for line in f if line.strip()]
    tables, schemas = {}, {}
    for t in TABLES:
        files = [os.path.join(out, p["path"]) for p in manifest["tables"][t]["parts"]]
        rows = parquet_rows(bin_path, files)
        tables[t] = [[r[c] for c in COLUMNS[t]] for r in rows]
        schemas[t] = [parquet_schema(bin_path, f) for f in files]
    return {"manifest": manifest, "rejects": rejects, "tables": tables, "schemas": schemas}


def _key(row):
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def check(case, exit_code, area, paths):
    """Failures (strings) of one run against the case's expectations.
    `area` is read_area() of the output, or None when nothing was published."""
    expect = case["expect"]
    failures = []
    want_exit = expect.get("exit", 0)
    if exit_code != want_exit:
        return ["exit code %s, expected %s" % (exit_code, want_exit)]
    if want_exit != 0:
        if area is not None:
            failures.append("an area was published by a failed run")
        return failures
    m = area["manifest"]
    if "records" in expect and m["records"] != expect["records"]:
        failures.append("records %s, expected %s" % (m["records"], expect["records"]))
    if m["records"]["accepted"] + m["records"]["rejected"] != m["records"]["read"]:
        failures.append("manifest: accepted + rejected != read")
    if "unparsed_values" in expect and m["unparsed_values"] != expect["unparsed_values"]:
        failures.append("unparsed_values %s, expected %s" % (m["unparsed_values"], expect["unparsed_values"]))
    # Every input was read whole: its CRC-32 is zlib's of the file as stored,
    # and no SHA-256 unless asked for (--input-sha256).
    for i, path in enumerate(p for p in paths if p):
        got = m["inputs"][i] if i < len(m["inputs"]) else {}
        with open(path, "rb") as f:
            crc = "%08x" % zlib.crc32(f.read())
        if got.get("crc32") != crc or got.get("sha256") is not None:
            failures.append("inputs[%d]: crc32 %r, sha256 %r; expected crc32 %r, sha256 None"
                            % (i, got.get("crc32"), got.get("sha256"), crc))
    for i, want in enumerate(expect.get("inputs", [])):
        got = m["inputs"][i] if i < len(m["inputs"]) else {}
        for k, v in want.items():
            if got.get(k) != v:
                failures.append("inputs[%d].%s = %r, expected %r" % (i, k, got.get(k), v))
    if "rejects" in expect:
        got = []
        for r in area["rejects"]:
            kind = "snapshot" if r["file"] == paths[0] else "nips" if r["file"] == paths[1] else r["file"]
            got.append({"input": kind, **{k: v for k, v in r.items() if k != "file"}})
        want = expect["rejects"]
        if [_key(x) for x in got] != [_key(x) for x in want]:
            failures.append("rejects differ:\n  got      %s\n  expected %s" %
                            (json.dumps(got, ensure_ascii=False)[:3000], json.dumps(want, ensure_ascii=False)[:3000]))
    for t in TABLES:
        for files in area["schemas"][t]:
            if files != SCHEMAS[t]:
                failures.append("%s: schema %s, expected %s" % (t, files, SCHEMAS[t]))
                break
        if m["tables"][t]["rows"] != len(area["tables"][t]):
            failures.append("%s: manifest says %d rows, parts hold %d" % (t, m["tables"][t]["rows"], len(area["tables"][t])))
        if "tables" not in expect:
            continue
        want = sorted(_key([value(v) for v in row]) for row in expect["tables"].get(t, []))
        got = sorted(_key(row) for row in area["tables"][t])
        if got != want:
            missing = [x for x in want if x not in set(got)][:3]
            extra = [x for x in got if x not in set(want)][:3]
            failures.append("%s: %d rows, expected %d; missing %s; unexpected %s" %
                            (t, len(got), len(want), missing, extra))
    return failures


def expectations(exit_code, area, paths):
    """The `expect` block that describes a run (to write a new case's
    expectations, which are then reviewed by hand)."""
    if exit_code != 0:
        return {"exit": exit_code}
    m = area["manifest"]
    rejects = []
    for r in area["rejects"]:
        kind = "snapshot" if r["file"] == paths[0] else "nips"
        rejects.append({"input": kind, **{k: v for k, v in r.items() if k != "file"}})
    return {"exit": 0, "records": m["records"], "unparsed_values": m["unparsed_values"],
            "inputs": [{"compression": i["compression"], "layout": i["layout"]} for i in m["inputs"]],
            "rejects": rejects,
            "tables": {t: sorted(area["tables"][t], key=_key) for t in TABLES}}
