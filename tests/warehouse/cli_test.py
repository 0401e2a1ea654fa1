#!/usr/bin/env python3
"""End-to-end test of `arxivflow warehouse create|load|check` on one target.

    cli_test.py --bin ARXIVFLOW --area-writer WRITER --target sqlite|postgres

For postgres, runs under tests/support/pg_harness.py (ARXIVFLOW_TEST_PG_URI).
"""

import argparse
import os
import shutil
import tempfile

from wh_common import TABLES, check, counts, loaded_rows, main_wrapper, pg_scalar, run

ROWS = 2500


def word_fingerprint(word):
    """FingerprintWord (src/warehouse/word_index.cc): the search index's key of a word."""
    mask = (1 << 64) - 1

    def mix(x, y):
        r = (x & mask) * (y & mask)
        return (r & mask) ^ (r >> 64)

    b = word.encode()
    a = (0x243f6a8885a308d3 ^ len(b)) & mask
    c = (0x13198a2e03707344 ^ (len(b) << 32)) & mask
    for i in range(0, len(b), 8):
        w = int.from_bytes(b[i:i + 8].ljust(8, b"\0"), "little")
        a, c = mix(a ^ w, 0x9e3779b97f4a7c15), mix(c ^ w, 0xc2b2ae3d27d4eb4f)
    a = mix(a, 0xa0761d6478bd642f)
    c = mix(c ^ 0x452821e638d01377, 0xe7037ed1a0b428db)
    return (a - (1 << 64) if a >= 1 << 63 else a), c & 0xffffffff

def test(args):
    tmp = tempfile.mkdtemp(prefix="af-wh-cli-")
    try:
        area = os.path.join(tmp, "area")
        run([args.area_writer, area, str(ROWS), "1000"])
        if args.target == "sqlite":
            conn = "sqlite://" + os.path.join(tmp, "w.db")
        else:
            conn = os.environ["ARXIVFLOW_TEST_PG_URI"]
            password = os.environ["ARXIVFLOW_TEST_PG_PASSWORD"]
        wh = [args.bin, "warehouse"]

        # create: idempotent, --drop recreates.
        _, out, _ = run(wh + ["create", "--conn", conn])
        check(password not in out if args.target == "postgres" else True, "password printed by create")
        run(wh + ["create", "--conn", conn])
        run(wh + ["create", "--conn", conn, "--drop"])

        # load twice: same counts, never appended.
        for round_ in range(2):
            _, out, err = run(wh + ["load", "--conn", conn, "--from", area])
            rows = loaded_rows(out)
            check(rows == {t: ROWS for t in TABLES}, "round %d: load printed %s" % (round_, rows))
            check(counts(conn, args.target) == {t: ROWS for t in TABLES},
                  "round %d: counts %s" % (round_, counts(conn, args.target)))
            if args.target == "postgres":
                check(password not in out + err, "password in load output")

        # check: all built-in checks pass, with the manifest.
        _, out, _ = run(wh + ["check", "--conn", conn, "--from", area])
        check("papers_matches_manifest" in out and "FAIL" not in out and "ERROR" not in out, out)
        check("all 26 checks passed" in out, out)
        # Without --from the reconciliation is skipped, not failed.
        _, out, _ = run(wh + ["check", "--conn", conn])
        check("SKIP" in out and "6 skipped" in out, out)

        # A failing check fails the command with a clear message.
        checks = os.path.join(tmp, "checks.yaml")
        with open(checks, "w") as f:
            f.write("checks:\n"
                    "  - {name: too_many_papers, table: papers, row_count: true, condition: result >= 1000000}\n"
                    "  - {name: has_authors, table: authors, row_count: true, condition: result >= 1}\n")
        _, out, err = run(wh + ["check", "--conn", conn, "--checks", checks], expect=1)
        check("FAIL too_many_papers: observed %d, expected result >= 1000000" % ROWS in out, out)
        check("error: 1 of 2 data-quality checks failed: too_many_papers" in err, err)
        # A malformed checks file is refused before touching the warehouse.
        with open(checks, "w") as f:
            f.write("checks:\n  - {name: x, table: papers, row_count: true, condition: 'result >= 1; rm -rf /'}\n")
        _, _, err = run(wh + ["check", "--conn", conn, "--checks", checks], expect=1)
        check("checks.yaml: check #1 (x): condition:" in err, err)

        # --tables loads only the named tables.
        smaller = os.path.join(tmp, "smaller")
        run([args.area_writer, smaller, "40"])
        _, out, _ = run(wh + ["load", "--conn", conn, "--from", smaller, "--tables", "authors,titles"])
        check(loaded_rows(out) == {"authors": 40, "titles": 40}, out)
        c = counts(conn, args.target)
        check(c["authors"] == 40 and c["titles"] == 40 and c["papers"] == ROWS, c)
        _, _, err = run(wh + ["load", "--conn", conn, "--from", smaller, "--tables", "authors,nope"], expect=1)
        check("error: unknown table 'nope'" in err, err)

        # The referential checks catch orphans: papers shrinks to 40 rows,
        # categories and versions keep ROWS rows, authors has 40.
        run(wh + ["load", "--conn", conn, "--from", smaller, "--tables", "papers"])
        _, out, err = run(wh + ["check", "--conn", conn], expect=1)
        check("FAIL authors_id_in_papers" not in out, out)
        check("FAIL categories_id_in_papers: observed %d, expected result == 0" % (ROWS - 40) in out, out)
        check("FAIL versions_id_in_papers: observed %d, expected result == 0" % (ROWS - 40) in out, out)
        check("data-quality checks failed: " in err, err)

        # A folder without a manifest is refused.
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        _, _, err = run(wh + ["load", "--conn", conn, "--from", empty], expect=1)
        check("_manifest.json: missing" in err and err.startswith("error: "), err)

        # A bad connection string.
        _, _, err = run(wh + ["load", "--conn", "mysql://root:hunter22@h/db", "--from", area], expect=1)
        check("unsupported scheme 'mysql'" in err and "hunter22" not in err, err)
        _, _, err = run(wh + ["create", "--conn", "sqlite://relative.db"], expect=1)
        check("absolute path" in err, err)

        if args.target == "sqlite":
            # Missing tables: a fresh database without `create`.
            fresh = "sqlite://" + os.path.join(tmp, "fresh.db")
            _, _, err = run(wh + ["load", "--conn", fresh, "--from", area], expect=1)
            check("table papers does not exist; run `arxivflow warehouse create` first" in err, err)
            _, out, err = run(wh + ["check", "--conn", fresh], expect=1)
            check("no such table: papers" in out, out)
            # The UI's search index.
            # The UI's search index: the row of the word 'title' (its
            # fingerprint and newest-first LEB128 doclist, docs/warehouse.md)
            # names every titles row.
            import sqlite3
            db = sqlite3.connect(os.path.join(tmp, "w.db"))
            h, c = word_fingerprint("title")
            docs = []
            for (blob,) in db.execute("SELECT docs FROM papers_fts WHERE word_hash = ? AND word_check = ?", (h, c)):
                value, shift = 0, 0
                for b in blob:
                    value |= (b & 0x7f) << shift
                    shift += 7
                    if not b & 0x80:
                        docs.append(value if not docs else docs[-1] - value)
                        value, shift = 0, 0
            rowids = [r for (r,) in db.execute("SELECT rowid FROM titles ORDER BY rowid DESC")]
            db.close()
            check(docs == rowids and len(docs) == 40, "papers_fts holds %d of 40 titles for 'title'" % len(docs))
        else:
            port = os.environ["ARXIVFLOW_TEST_PG_PORT"]
            # Wrong password: clear, and the password never printed.
            bad = "postgresql://arxivflow:Wr0ngPassw0rd@127.0.0.1:%s/arxivflow" % port
            _, out, err = run(wh + ["check", "--conn", bad], expect=1)
            check("password authentication failed" in err, err)
            check("Wr0ngPassw0rd" not in out + err and "arxivflow:***@" in err, err)
            # Unreachable: a closed port on loopback.
            closed = "postgresql://arxivflow:S3cretPw@127.0.0.1:1/arxivflow"
            _, out, err = run(wh + ["create", "--conn", closed], expect=1)
            check("cannot connect" in err and "S3cretPw" not in out + err, err)
            # Keyword form works too.
            kw = "host=127.0.0.1 port=%s dbname=arxivflow user=arxivflow password='%s'" % (port, password)
            ok_checks = os.path.join(tmp, "ok.yaml")
            with open(ok_checks, "w") as f:
                f.write("checks: [{name: papers_40, table: papers, row_count: true, condition: result == 40}]\n")
            _, out, err = run(wh + ["check", "--conn", kw, "--checks", ok_checks])
            check("all 1 checks passed" in out and password not in out + err, out + err)
            # Missing tables: an empty database.
            admin = os.environ["ARXIVFLOW_TEST_PG_ADMIN_URI"]
            pg_scalar(admin, "CREATE DATABASE empty_db OWNER arxivflow")
            empty_uri = conn.rsplit("/", 1)[0] + "/empty_db"
            _, out, err = run(wh + ["check", "--conn", empty_uri], expect=1)
            check('relation "papers" does not exist' in out, out)
            _, _, err = run(wh + ["load", "--conn", empty_uri, "--from", area], expect=1)
            check("table papers does not exist; run `arxivflow warehouse create` first" in err, err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--area-writer", required=True)
    p.add_argument("--target", choices=["sqlite", "postgres"], required=True)
    args = p.parse_args()
    main_wrapper(lambda: test(args))


if __name__ == "__main__":
    main()
