#!/usr/bin/env python3
"""Checks `arxivflow gen` output with independent parsers (json, csv, email.utils).

Usage: gen_distribution_test.py /path/to/arxivflow

Generates 100k records with seed 7 and asserts the contract of docs/gen.md:
field set and order, types, null rates, id styles, author-count tail,
categories, versions with RFC 2822 dates whose weekday matches the date,
record size, determinism, and the NIPS CSV shape; and that the prose of the
abstracts has the statistics of the real records in tests/data (distinct
words, compressibility, a vocabulary that keeps growing).
"""
import collections
import csv
import datetime
import email.utils
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zlib

RECORDS = 100_000
NIPS_RECORDS = 500
FIELDS = ["id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no",
          "categories", "license", "abstract", "versions", "update_date", "authors_parsed"]
NULLABLE = {"submitter", "comments", "journal-ref", "doi", "report-no", "license"}
# field -> (expected null rate, absolute tolerance); see docs/gen.md
NULL_RATES = {"submitter": (0.001, 0.001), "comments": (0.25, 0.02), "journal-ref": (0.65, 0.02),
              "doi": (0.55, 0.02), "report-no": (0.88, 0.015), "license": (0.30, 0.02)}
NEW_ID = re.compile(r"^\d{4}\.\d{4,5}$")
OLD_ID = re.compile(r"^[a-z]+(-[a-z]+)?/\d{7}$")
CATEGORY = re.compile(r"^[a-z]+(-[a-z]+)?(\.[A-Za-z]+(-[a-z]+)?)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

REAL_SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "arxiv-sample-200.jsonl")

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, file=sys.stderr)


def run_gen(binary, *args, stdout=None):
    subprocess.run([binary, "--log-level", "warn", "gen", *args], check=True, stdout=stdout)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def check_versions(rec):
    # Messages are built only on failure: this runs for every record.
    versions = rec["versions"]
    if not (isinstance(versions, list) and 1 <= len(versions) <= 10):
        check(False, f"{rec['id']}: {len(versions)} versions")
    prev = None
    for i, v in enumerate(versions):
        if list(v.keys()) != ["version", "created"]:
            check(False, f"{rec['id']}: version keys {list(v)}")
        if v["version"] != f"v{i + 1}":
            check(False, f"{rec['id']}: version label {v['version']}")
        created = v["created"]
        parts = email.utils.parsedate(created)  # RFC 2822 parser; None when malformed
        if parts is None or not created.endswith(" GMT"):
            check(False, f"{rec['id']}: created is not RFC 2822 GMT: {created!r}")
            continue
        dt = datetime.datetime(*parts[:6])
        if created[:3] != WEEKDAYS[dt.weekday()]:
            check(False, f"{rec['id']}: weekday mismatch in {created}")
        if prev is not None and dt < prev:
            check(False, f"{rec['id']}: versions out of order")
        prev = dt
    return prev


def check_record(rec, line_no):
    keys = list(rec.keys())
    if keys != FIELDS:
        check(False, f"line {line_no}: fields {keys}")
        return
    for k in FIELDS:
        v = rec[k]
        if v is None:
            if k not in NULLABLE:
                check(False, f"line {line_no}: {k} is null")
        elif k in ("versions", "authors_parsed"):
            if not isinstance(v, list):
                check(False, f"line {line_no}: {k} not a list")
        elif not isinstance(v, str):
            check(False, f"line {line_no}: {k} not a string")
    rid = rec["id"]
    if not (NEW_ID.match(rid) or OLD_ID.match(rid)):
        check(False, f"line {line_no}: odd id {rid!r}")
    cats = rec["categories"].split(" ")
    if not 1 <= len(cats) <= 5 or len(set(cats)) != len(cats):
        check(False, f"{rid}: categories {cats}")
    for c in cats:
        if not CATEGORY.match(c):
            check(False, f"{rid}: odd category {c!r}")
    last = check_versions(rec)
    if not ISO_DATE.match(rec["update_date"]):
        check(False, f"{rid}: update_date {rec['update_date']!r}")
    upd = datetime.date.fromisoformat(rec["update_date"])
    if last is not None and upd < last.date():
        check(False, f"{rid}: update_date {upd} before last version {last}")
    parsed = rec["authors_parsed"]
    if not parsed:
        check(False, f"{rid}: no authors")
    for a in parsed:
        if not (isinstance(a, list) and len(a) in (3, 4) and all(isinstance(p, str) for p in a)):
            check(False, f"{rid}: bad authors_parsed entry {a!r}")
    # The free-text field lists the same people; with TeX accents the spelling
    # differs, so compare only records written without backslashes.
    if "\\" not in rec["authors"]:
        flat = " ".join(rec["authors"].split())
        for a in parsed:
            if a[0] not in flat and " ".join(a[0].split()) not in flat:
                check(False, f"{rid}: {a[0]!r} not in authors {flat[:200]!r}")
    if not (rec["abstract"].startswith("  ") and rec["abstract"].endswith("\n")):
        check(False, f"{rid}: abstract shape")


def distinct_words(text):
    return {w.lower().strip(".,;:()\"'") for w in text.split()}


def check_prose(abstracts):
    """Generated abstracts against the real ones, on the same number of bytes."""
    with open(REAL_SAMPLE, encoding="utf-8") as f:
        real = "".join(json.loads(line)["abstract"] for line in f)
    ours = "".join(abstracts)
    check(len(ours) > 100 * len(real), "too little generated abstract text")
    sample = ours[:len(real)]
    real_words, our_words = len(distinct_words(real)), len(distinct_words(sample))
    real_z = len(zlib.compress(real.encode(), 6))
    our_z = len(zlib.compress(sample.encode(), 6))
    print(f"prose over {len(real)} characters: distinct words {our_words} (real {real_words}), "
          f"zlib {our_z} bytes (real {real_z})")
    check(abs(our_words / real_words - 1) <= 0.15, f"distinct words {our_words}, real {real_words}")
    check(abs(our_z / real_z - 1) <= 0.08, f"zlib size {our_z}, real {real_z}")
    # Heaps' law: the vocabulary keeps growing (a fixed word pool stops at
    # its size); the full snapshot's abstracts use over a million words.
    whole = len(distinct_words(ours))
    print(f"distinct words over {len(ours)} characters of abstracts: {whole}")
    check(whole >= 300_000, f"only {whole} distinct words in all abstracts")


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="gen_test_") as tmp:
        snap = os.path.join(tmp, "a.jsonl")
        nips = os.path.join(tmp, "nips.csv")
        run_gen(binary, "--records", str(RECORDS), "--seed", "7", "--output", snap,
                "--nips-output", nips, "--nips-records", str(NIPS_RECORDS))

        raw = open(snap, "rb").read()
        lines = raw.split(b"\n")
        check(lines[-1] == b"", "file does not end with a newline")
        lines = lines[:-1]
        check(len(lines) == RECORDS, f"{len(lines)} lines, expected {RECORDS}")
        nulls = collections.Counter()
        ids = set()
        old_style = 0
        author_counts = []
        abstracts = []
        multi_para = titles_wrapped = empty_comments = all_null = 0
        escaped_lines = raw_utf8_lines = latex_lines = four_part = 0
        for n, line in enumerate(lines, 1):
            try:
                rec = json.loads(line)  # dicts keep the file's key order
            except ValueError as e:
                check(False, f"line {n}: invalid JSON: {e}")
                continue
            check_record(rec, n)
            for k in NULLABLE:
                nulls[k] += rec.get(k) is None
            check(rec["abstract"] is not None, f"line {n}: abstract null")
            ids.add(rec["id"])
            old_style += "/" in rec["id"]
            author_counts.append(len(rec["authors_parsed"]))
            abstracts.append(rec["abstract"])
            multi_para += "\n  " in rec["abstract"].strip()
            titles_wrapped += "\n  " in rec["title"]
            empty_comments += rec["comments"] == ""
            all_null += all(rec[k] is None for k in NULLABLE)
            escaped_lines += b"\\u" in line
            raw_utf8_lines += not line.isascii()
            latex_lines += b"\\\\" in line
            four_part += any(len(a) == 4 for a in rec["authors_parsed"])
            if len(failures) > 50:
                break

        check(len(ids) == RECORDS, f"{RECORDS - len(ids)} duplicate ids")
        for field, (rate, tol) in NULL_RATES.items():
            got = nulls[field] / RECORDS
            print(f"null rate {field}: {got:.4f} (expect {rate} +- {tol})")
            check(abs(got - rate) <= tol, f"null rate of {field} is {got:.4f}, expected {rate}+-{tol}")
        old_frac = old_style / RECORDS
        print(f"old-style ids: {old_frac:.4f}")
        check(abs(old_frac - 0.20) <= 0.01, f"old-style share {old_frac}")

        med = statistics.median(author_counts)
        ge30 = sum(c >= 30 for c in author_counts) / RECORDS
        ge100 = sum(c >= 100 for c in author_counts)
        ge500 = sum(c >= 500 for c in author_counts) / RECORDS
        print(f"authors: median {med}, >=30 {ge30:.4f}, >=100 {ge100}, >=500 {ge500:.5f}, max {max(author_counts)}")
        check(3 <= med <= 4, f"median author count {med}")
        check(0.006 <= ge30 <= 0.015, f"share with >= 30 authors {ge30}")
        check(ge100 >= 100, f"only {ge100} records with >= 100 authors")
        check(0.0002 <= ge500 <= 0.001, f"share with >= 500 authors {ge500}")
        check(max(author_counts) >= 1000, f"max author count {max(author_counts)}")

        mean_size = len(raw) / RECORDS
        print(f"mean record size: {mean_size:.0f} bytes")
        check(abs(mean_size - 1800) <= 360, f"mean record size {mean_size}")
        print(f"odd records: multi-paragraph {multi_para}, wrapped titles {titles_wrapped}, "
              f"empty comments {empty_comments}, all-null {all_null}, \\u lines {escaped_lines}, "
              f"raw UTF-8 lines {raw_utf8_lines}, 4-part authors {four_part}")
        check(multi_para > RECORDS * 0.05, "too few multi-paragraph abstracts")
        check(titles_wrapped > RECORDS * 0.05, "too few titles with hard line breaks")
        check(empty_comments > 0, "no empty comments")
        check(all_null > 0, "no record with every nullable field null")
        check(escaped_lines > RECORDS * 0.05, "too few \\u escapes")
        check(raw_utf8_lines > 0, "no raw UTF-8")
        check(latex_lines > RECORDS * 0.3, "too little LaTeX")
        check(four_part > 0, "no authors_parsed entries with an affiliation")
        check_prose(abstracts)

        # Determinism: same seed and N give the same bytes whatever the thread
        # count; another seed gives other bytes; stdout equals a file.
        digest = sha256(snap)
        again = os.path.join(tmp, "b.jsonl")
        run_gen(binary, "--records", str(RECORDS), "--seed", "7", "--output", again, "--threads", "1")
        check(sha256(again) == digest, "same seed gave different bytes")
        run_gen(binary, "--records", str(RECORDS), "--seed", "8", "--output", again)
        check(sha256(again) != digest, "different seeds gave the same bytes")
        os.remove(again)
        small = os.path.join(tmp, "small.jsonl")
        run_gen(binary, "--records", "1000", "--seed", "7", "--output", small)
        piped = subprocess.run([binary, "--log-level", "warn", "gen", "--records", "1000", "--seed", "7",
                                "--output", "-"], check=True, stdout=subprocess.PIPE).stdout
        check(piped == open(small, "rb").read(), "--output - differs from a file")

        # NIPS CSV through Python's csv module.
        csv.field_size_limit(1 << 30)
        with open(nips, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        check(rows[0] == ["id", "year", "title", "event_type", "pdf_name", "abstract", "paper_text"],
              f"NIPS header {rows[0]}")
        body = rows[1:]
        check(len(body) == NIPS_RECORDS, f"{len(body)} NIPS rows")
        check(all(len(r) == 7 for r in body), "NIPS row with != 7 fields")
        check([int(r[0]) for r in body] == list(range(1, NIPS_RECORDS + 1)), "NIPS ids not 1..M")
        check(all(1987 <= int(r[1]) <= 2017 for r in body), "NIPS year out of range")
        check(all("\n" in r[6] for r in body), "paper_text without line breaks")
        missing = sum(r[5] == "Abstract Missing" for r in body)
        empty_event = sum(r[3] == "" for r in body)
        print(f"NIPS: {len(body)} rows, {missing} 'Abstract Missing', {empty_event} empty event_type")
        check(missing > 0, "no 'Abstract Missing'")
        check(0 < empty_event < len(body), "event_type never / always empty")
        check(all(r[4].startswith(r[0] + "-") and r[4].endswith(".pdf") for r in body), "pdf_name shape")

    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
