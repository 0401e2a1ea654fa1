#!/usr/bin/env python3
"""The Spark job (spark/arxiv_transform.py) against `arxivflow transform`.

1. Every shared case of tests/transform/cases/ (the expectations the C++
   transform is checked against by tests/transform/cases_test.py).
2. The same corpus through both, compared row by row, every column, with the
   manifests' counts and the rejects' lines, offsets, reasons and raw text:
   the 200 real records with the NIPS sample, the same records as a JSON array
   and gzip-compressed, thousands of damaged records, and a generated
   50 k-record snapshot with a generated NIPS CSV.
3. `arxivflow warehouse load` and `check --from` read the Spark output.
4. Publication: a rerun replaces the area, a failed run leaves it intact,
   inputs Spark cannot read as the C++ does are refused; spark-submit's exit
   codes; a run killed with SIGKILL leaves the previous area intact.

usage: .venv/bin/python tests/spark/equivalence_test.py ARXIVFLOW_BIN
One SparkSession (local[2]) runs every in-process case; cases run a few at a
time, since most of a small job's time is Spark's own latency.
"""
import concurrent.futures
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "transform"))
sys.path.insert(0, os.path.join(SOURCE, "spark"))

import arxiv_transform as job  # noqa: E402
import cases  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(SOURCE, "build", "arxivflow")
SAMPLE = os.path.join(SOURCE, "tests", "data", "arxiv-sample-200.jsonl")
NIPS_SAMPLE = os.path.join(SOURCE, "tests", "transform", "data", "nips-sample.csv")
GENERATED_RECORDS = int(os.environ.get("SPARK_TEST_RECORDS", "50000"))

failures = []


def check(cond, message):
    print(("ok - " if cond else "FAIL - ") + message, flush=True)
    if not cond:
        failures.append(message)


def spark_session():
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("arxivflow spark equivalence test")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.default.parallelism", "2")
             .config("spark.driver.memory", "1g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(spark, input_path, out, nips=None, args=()):
    args = list(args)
    max_rejects = args[args.index("--max-rejects") + 1] if "--max-rejects" in args else None
    try:
        opts = job.Options(input_path, out, nips, max_rejects)
    except ValueError as e:
        return 1, str(e)
    return job.run_job(spark, opts, log=lambda msg: None)


def run_cpp(input_path, out, nips=None, args=()):
    cmd = [BIN, "transform", "--input", input_path, "--output", out, "--threads", "2", "--progress", "never"]
    if nips:
        cmd += ["--nips", nips]
    r = subprocess.run(cmd + list(args), capture_output=True, text=True)
    return r.returncode, r.stderr


def area_or_none(out):
    return cases.read_area(BIN, out) if os.path.exists(os.path.join(out, "_manifest.json")) else None


# ---------------------------------------------------------------- 1. shared cases

def shared_cases(spark, work):
    def one(n_case):
        n, case = n_case
        folder = os.path.join(work, "case%d" % n)
        paths = cases.materialize(case, folder)
        out = os.path.join(folder, "out")
        code, message = run_spark(spark, paths[0], out, paths[1], case.get("args", []))
        problems = cases.check(case, code, area_or_none(out), paths)
        want_error = case["expect"].get("error_spark")
        if want_error and want_error not in message:
            problems.append("message %r lacks %r" % (message, want_error))
        leftovers = [x for x in os.listdir(folder) if ".tmp-" in x]
        if leftovers:
            problems.append("staging left behind: %s" % leftovers)
        shutil.rmtree(folder, ignore_errors=True)
        return case, problems, message

    all_cases = cases.load_cases()
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        for case, problems, message in pool.map(one, enumerate(all_cases)):
            check(not problems, "case %s: %s%s" % (case["file"], case["name"],
                                                   "" if not problems else "\n    " + "\n    ".join(problems) +
                                                   "\n    spark: " + message))


# ---------------------------------------------------------------- 2. corpus, C++ vs Spark

def compare_areas(label, a, b):
    """Every row of every table, the manifests' counts and the rejects."""
    ok = True
    for t in cases.TABLES:
        ra = sorted(json.dumps(r, ensure_ascii=False) for r in a["tables"][t])
        rb = sorted(json.dumps(r, ensure_ascii=False) for r in b["tables"][t])
        if ra != rb:
            ok = False
            sa, sb = set(ra), set(rb)
            print("  %s: %d vs %d rows; only C++: %s; only Spark: %s" %
                  (t, len(ra), len(rb), [x[:200] for x in list(sa - sb)[:2]], [x[:200] for x in list(sb - sa)[:2]]))
        schemas = {tuple(s) for s in a["schemas"][t] + b["schemas"][t]}
        if schemas != {tuple(cases.SCHEMAS[t])}:
            ok = False
            print("  %s: schemas %s" % (t, schemas))
    ma, mb = a["manifest"], b["manifest"]
    for key in ("records", "unparsed_values", "truncations"):
        if ma[key] != mb[key]:
            ok = False
            print("  manifest %s: C++ %s, Spark %s" % (key, ma[key], mb[key]))
    for t in cases.TABLES:
        if ma["tables"][t]["rows"] != mb["tables"][t]["rows"]:
            ok = False
            print("  manifest tables.%s.rows: C++ %s, Spark %s" % (t, ma["tables"][t]["rows"], mb["tables"][t]["rows"]))
    for ia, ib in zip(ma["inputs"], mb["inputs"]):
        for k in ("kind", "path", "size_bytes", "bytes_read", "crc32", "sha256", "compression", "layout",
                  "records_read", "records_accepted", "records_rejected"):
            if ia.get(k) != ib.get(k):
                ok = False
                print("  manifest inputs.%s: C++ %r, Spark %r" % (k, ia.get(k), ib.get(k)))
    ja = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in a["rejects"])
    jb = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in b["rejects"])
    if ja != jb:
        ok = False
        print("  rejects: %d vs %d; first difference: %s" %
              (len(ja), len(jb), next(((x[:300], y[:300]) for x, y in zip(ja, jb) if x != y), None)))
    counts = ", ".join("%s %d" % (t, ma["tables"][t]["rows"]) for t in cases.TABLES)
    check(ok, "%s: Spark = C++ row by row (%d records, %d rejects; %s)" %
          (label, ma["records"]["read"], ma["records"]["rejected"], counts))


def corpus(spark, work, label, input_path, nips=None):
    cpp_out, spark_out = os.path.join(work, "cpp"), os.path.join(work, "spark")
    for d in (cpp_out, spark_out):
        shutil.rmtree(d, ignore_errors=True)
    code_cpp, err = run_cpp(input_path, cpp_out, nips)
    t0 = time.time()
    code_spark, message = run_spark(spark, input_path, spark_out, nips)
    elapsed = time.time() - t0
    if code_cpp != 0 or code_spark != 0:
        check(False, "%s: both exit 0 (C++ %d %s; Spark %d %s)" % (label, code_cpp, err.strip(), code_spark, message))
        return
    compare_areas(label + " (Spark %.0f s)" % elapsed, cases.read_area(BIN, cpp_out), cases.read_area(BIN, spark_out))


def damaged_records(count, seed):
    """Records with random bytes inserted, deleted or replaced: every kind of
    invalid JSON, invalid UTF-8, type errors and duplicates."""
    rng = random.Random(seed)
    with open(SAMPLE, "rb") as f:
        base = [line for line in f.read().split(b"\n") if line]
    small = [b'{"id":"x%d","title":"t","versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}],'
             b'"authors_parsed":[["a","b",""]],"n":[1,2.5,-3e2,true,false,null,{"k":"\\u00e9"}]}' % i for i in range(50)]
    alphabet = b'{}[]:,"\\ \t\r\x0c\x0b\x00\x01\xff\xc3\xa9\xed\xa0\x80tfnrue0123456789-+.eEaxu'
    tokens = [b"\\u", b"\\ud800", b"\\udc00", b'\\"', b"true", b"null", b"1e400", b"18446744073709551616", b"-",
              b"NaN", b"[", b"]", b"{", b"}", b'"', b",", b":", b"\\x", b"01", b"\xe9", b"\xf0\x9f\x98"]
    out = []
    for _ in range(count):
        rec = bytearray(rng.choice(small if rng.random() < 0.6 else base))
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            op, pos = rng.random(), rng.randrange(len(rec) + 1)
            if op < 0.35:
                rec[pos:pos] = bytes([rng.choice(alphabet)])
            elif op < 0.6 and len(rec) > 1:
                del rec[pos:pos + rng.choice([1, 1, 2, 5])]
            elif op < 0.8:
                rec[pos:pos] = rng.choice(tokens)
            elif rec:
                rec[min(pos, len(rec) - 1)] = rng.choice(alphabet)
        out.append(bytes(rec).replace(b"\n", b" "))
    return b"\n".join(out) + b"\n"


def one_array_element(record):
    """True when the array scanner sees `[record]` as one element (a damaged
    record may unbalance the array itself, which is an error for the file)."""
    scanner = job.JsonArrayScanner("probe", 0)
    try:
        found = list(scanner.feed(b"[" + record + b"]"))
        scanner.finish()
    except job.InputError:
        return False
    return len(found) == 1


def corpus_tests(spark, work):
    corpus(spark, work, "the 200 real records and the NIPS sample", SAMPLE, NIPS_SAMPLE)
    with open(SAMPLE, encoding="utf-8") as f:
        lines = [line for line in f.read().split("\n") if line]
    array = os.path.join(work, "sample-array.json")
    with open(array, "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join("  " + line for line in lines) + "\n]\n")
    corpus(spark, work, "the 200 records as a JSON array", array)
    packed = os.path.join(work, "sample.jsonl.gz")
    with open(SAMPLE, "rb") as src, gzip.open(packed, "wb") as dst:
        dst.write(src.read())
    corpus(spark, work, "the 200 records gzip-compressed", packed, NIPS_SAMPLE)
    damaged = os.path.join(work, "damaged.jsonl")
    with open(damaged, "wb") as f:
        f.write(damaged_records(6000, 17))
    corpus(spark, work, "6000 damaged records", damaged)
    damaged_array = os.path.join(work, "damaged-array.json.gz")
    elements = [r for r in damaged_records(1500, 23).split(b"\n")[:-1] if one_array_element(r)]
    with gzip.open(damaged_array, "wb") as f:
        f.write(b"[" + b",\n".join(elements) + b"]")
    corpus(spark, work, "1500 damaged records as a gzip JSON array", damaged_array)
    snapshot = os.path.join(work, "generated.jsonl")
    nips_csv = os.path.join(work, "generated-nips.csv")
    subprocess.run([BIN, "gen", "--records", str(GENERATED_RECORDS), "--seed", "7", "--output", snapshot,
                    "--nips-output", nips_csv, "--nips-records", "500"], check=True, capture_output=True)
    corpus(spark, work, "a generated %d-record snapshot and NIPS CSV" % GENERATED_RECORDS, snapshot, nips_csv)
    return snapshot


# ---------------------------------------------------------------- 3. warehouse

def warehouse_tests(spark, work):
    out = os.path.join(work, "wh-area")
    code, message = run_spark(spark, SAMPLE, out, NIPS_SAMPLE)
    check(code == 0, "Spark area for the warehouse (%s)" % message)
    db = "sqlite:///" + os.path.join(work, "wh.db")
    env = dict(os.environ, ARXIVFLOW_HOME=os.path.join(work, "home"))
    steps = [["warehouse", "create", "--conn", db], ["warehouse", "load", "--conn", db, "--from", out],
             ["warehouse", "check", "--conn", db, "--from", out]]
    for step in steps:
        r = subprocess.run([BIN] + step, capture_output=True, text=True, env=env)
        check(r.returncode == 0, "arxivflow %s --from <Spark area> exits 0 (%s)" %
              (" ".join(step[:2]), (r.stderr or r.stdout).strip().splitlines()[-1:] if r.returncode else "ok"))


# ---------------------------------------------------------------- 4. publication

def publication_tests(spark, work, snapshot):
    out = os.path.join(work, "pub")
    code, _ = run_spark(spark, SAMPLE, out)
    first = open(os.path.join(out, "_manifest.json")).read()
    code2, _ = run_spark(spark, SAMPLE, out, NIPS_SAMPLE)
    second = json.load(open(os.path.join(out, "_manifest.json")))
    check(code == 0 and code2 == 0 and second["records"]["read"] == 205,
          "a rerun replaces the area (swapped in whole)")
    cut = os.path.join(work, "cut.jsonl.gz")
    with open(SAMPLE, "rb") as f:
        packed = gzip.compress(f.read())
    with open(cut, "wb") as f:
        f.write(packed[:len(packed) // 2])
    before = open(os.path.join(out, "_manifest.json")).read()
    code, message = run_spark(spark, cut, out)
    check(code == 1, "a cut .gz: exit 1 (%s)" % message)
    check(open(os.path.join(out, "_manifest.json")).read() == before, "a cut .gz: the previous area is intact")
    check(not [x for x in os.listdir(work) if x.startswith(".pub.tmp-")], "a failed run leaves no staging folder")
    check(first != before, "manifests differ between runs")

    misnamed = os.path.join(work, "packed.jsonl")
    with open(misnamed, "wb") as f:
        f.write(packed)
    code, message = run_spark(spark, misnamed, os.path.join(work, "x1"))
    check(code == 1 and "rename it to end in .gz" in message, "gzip content in a file not named .gz is refused (%s)" % message)
    fake = os.path.join(work, "plain.jsonl.gz")
    shutil.copyfile(SAMPLE, fake)
    code, message = run_spark(spark, fake, os.path.join(work, "x2"))
    check(code == 1 and "not compressed" in message, "a plain file named .gz is refused (%s)" % message)
    if shutil.which("zstd"):
        zst = os.path.join(work, "sample.jsonl.zst")
        subprocess.run(["zstd", "-q", "-f", "-o", zst, SAMPLE], check=True)
        code, message = run_spark(spark, zst, os.path.join(work, "x3"))
        check(code == 1 and "zstd" in message, "zstd input is refused with a clear message (%s)" % message)
    code, message = run_spark(spark, os.path.join(work, "missing.jsonl"), os.path.join(work, "x4"))
    check(code == 1 and "no such file" in message, "a missing input: exit 1 (%s)" % message)


def object_store_tests(spark, work):
    """The object-store protocol (as on S3: run-tagged parts, manifest last,
    the previous run's objects deleted after it) on any non-local Hadoop file
    system; here viewfs:// mounted on a local folder."""
    folder = os.path.join(work, "objects")
    os.makedirs(folder)
    spark.sparkContext._jsc.hadoopConfiguration().set("fs.viewfs.mounttable.lake.link./area", "file://" + folder)
    uri = "viewfs://lake/area"

    def listing():
        out = []
        for root, _, files in os.walk(folder):
            out += [os.path.relpath(os.path.join(root, f), folder) for f in files if not f.endswith(".crc")]
        return sorted(out)
    code, message = run_spark(spark, SAMPLE, uri, NIPS_SAMPLE)
    first = listing()
    m = json.load(open(os.path.join(folder, "_manifest.json")))
    check(code == 0 and m["run_id"] and ("_rejects-%s.jsonl" % m["run_id"]) in first and
          all(p["path"] in first for t in cases.TABLES for p in m["tables"][t]["parts"]),
          "object store: parts, run-tagged rejects and the manifest that lists them (%s)" % message)
    code, _ = run_spark(spark, SAMPLE, uri)
    second = listing()
    old_parts = {p for p in first if "/part-" in p}
    check(code == 0 and not old_parts & set(second) and not [p for p in second if m["run_id"] in p],
          "object store: a rerun deletes the previous run's parts and reject log after its manifest")
    cut = os.path.join(work, "cut2.jsonl.gz")
    with open(SAMPLE, "rb") as f:
        packed = gzip.compress(f.read())
    with open(cut, "wb") as f:
        f.write(packed[:len(packed) // 2])
    manifest = open(os.path.join(folder, "_manifest.json")).read()
    code, message = run_spark(spark, cut, uri)
    check(code == 1 and listing() == second and open(os.path.join(folder, "_manifest.json")).read() == manifest,
          "object store: a failed run leaves the live manifest and every object as they were")
    db = "sqlite:///" + os.path.join(work, "objects.db")
    r = subprocess.run([BIN, "warehouse", "create", "--conn", db], capture_output=True, text=True)
    r = subprocess.run([BIN, "warehouse", "load", "--conn", db, "--from", folder], capture_output=True, text=True)
    check(r.returncode == 0, "object store: warehouse load reads the area (%s)" % r.stderr.strip()[-200:])


def spark_submit_tests(spark, work, snapshot):
    """The job as users run it, with spark-submit: a run killed with SIGKILL
    leaves the previous area intact; the next run replaces it, removes the
    killed run's staging folder and exits 0 with a one-line summary."""
    submit = os.path.join(os.path.dirname(sys.executable), "spark-submit")
    script = os.path.join(SOURCE, "spark", "arxiv_transform.py")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable,
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    base = [submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false", script]
    out = os.path.join(work, "submit")
    code, _ = run_spark(spark, SAMPLE, out)
    before = open(os.path.join(out, "_manifest.json")).read()
    p = subprocess.Popen(base + ["--input", snapshot, "--output", out], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not [x for x in os.listdir(work) if x.startswith(".submit.tmp-")]:
        time.sleep(0.2)
    time.sleep(2)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    check(code == 0 and open(os.path.join(out, "_manifest.json")).read() == before,
          "SIGKILL mid-run: the previous area is intact")
    r = subprocess.run(base + ["--input", SAMPLE, "--nips", NIPS_SAMPLE, "--output", out],
                       capture_output=True, text=True, env=env)
    # spark-submit sends the driver's stderr to stdout.
    summary = [line for line in r.stdout.splitlines() if line.startswith("arxiv_transform: ")]
    check(r.returncode == 0 and summary and "205 records read" in summary[-1],
          "spark-submit: exit 0 and one line of summary (%s)" % (summary[-1:] or r.stdout[-300:]))
    check(json.load(open(os.path.join(out, "_manifest.json")))["records"]["read"] == 205,
          "spark-submit: the new area replaced the previous one")
    check(not [x for x in os.listdir(work) if x.startswith(".submit.tmp-")],
          "the next run removed the killed run's staging folder")


def timed(label, fn, *args):
    t0 = time.time()
    result = fn(*args)
    print("# %s: %.0f s" % (label, time.time() - t0), flush=True)
    return result


def main():
    work = tempfile.mkdtemp(prefix="af-spark-")
    spark = spark_session()
    try:
        timed("shared cases", shared_cases, spark, work)
        snapshot = timed("corpus", corpus_tests, spark, work)
        timed("warehouse", warehouse_tests, spark, work)
        timed("publication", publication_tests, spark, work, snapshot)
        timed("object store", object_store_tests, spark, work)
        timed("spark-submit", spark_submit_tests, spark, work, snapshot)
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
