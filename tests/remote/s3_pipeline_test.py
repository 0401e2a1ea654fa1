#!/usr/bin/env python3
"""End to end over S3: transform to s3://, warehouse load/check from s3://.

    node tests/support/s3rver_harness.mjs -- python3 tests/remote/s3_pipeline_test.py ARXIVFLOW

The harness sets AWS_ENDPOINT_URL and the s3rver credentials. Covers: output
and input on S3 (plain and .gz), shards reading byte ranges of an S3 object,
reruns replacing a prefix cleanly, wrong credentials, a missing bucket, an
unreachable endpoint, a transform killed mid-run, and --aws-conn.
"""

import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib

BIN = os.path.abspath(sys.argv[1])
SAMPLE = os.path.abspath("tests/data/arxiv-sample-200.jsonl")
TABLES = ["papers", "authors", "categories", "versions", "abstracts", "titles"]
SAMPLE_COUNTS = {"papers": 200, "authors": 537, "categories": 305, "versions": 326,
                 "abstracts": 200, "titles": 200}
BUCKET = "lake"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(args, env=None, ok=True):
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    if ok and p.returncode != 0:
        fail("%s exited %d\nstdout:\n%s\nstderr:\n%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


def af(*args, env=None, ok=True):
    return run([BIN] + list(args), env=env, ok=ok)


def ls(prefix):
    out = af("aws", "s3", "ls", "s3://%s/%s" % (BUCKET, prefix)).stdout
    return [line.split(None, 1)[1] for line in out.splitlines() if line.strip()]


def read_object(tmp, key):
    local = os.path.join(tmp, "fetched-" + key.replace("/", "_"))
    af("aws", "s3", "cp", "s3://%s/%s" % (BUCKET, key), local)
    with open(local, "rb") as f:
        return f.read()


def load_counts(tmp, area, name, env=None):
    db = os.path.join(tmp, name + ".db")
    conn = "sqlite://" + db
    af("warehouse", "create", "--conn", conn, env=env)
    af("warehouse", "load", "--conn", conn, "--from", area, env=env)
    con = sqlite3.connect(db)
    try:
        return {t: con.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0] for t in TABLES}, conn
    finally:
        con.close()


def papers_ids(conn_uri):
    con = sqlite3.connect(conn_uri[len("sqlite://"):])
    try:
        return {r[0] for r in con.execute("SELECT id FROM papers")}
    finally:
        con.close()


def manifest_parts(manifest):
    return sorted(p["path"] for t in manifest["tables"].values() for p in t["parts"])


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class DroppingProxy:
    """Forwards 127.0.0.1 TCP to the S3 endpoint, but cuts every connection
    that uploads to a key containing `needle` after its first kilobyte."""

    def __init__(self, upstream_port, needle):
        self.upstream_port = upstream_port
        self.needle = needle
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.dropped = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))

        def back():
            try:
                while True:
                    data = upstream.recv(65536)
                    if not data:
                        break
                    client.sendall(data)
            except OSError:
                pass
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=back, daemon=True).start()
        sent = 0
        uploading = False
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if data.startswith(b"PUT ") and self.needle in data.split(b"\r\n", 1)[0]:
                    uploading = True
                    sent = 0
                elif data[:4] in (b"GET ", b"HEAD", b"POST", b"DELE"):
                    uploading = False
                if uploading and sent + len(data) > 1024:
                    upstream.sendall(data[:1024 - sent])
                    self.dropped += 1
                    break
                sent += len(data)
                upstream.sendall(data)
        except OSError:
            pass
        for s in (client, upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def close(self):
        self.sock.close()


def main():
    check("AWS_ENDPOINT_URL" in os.environ, "run under tests/support/s3rver_harness.mjs")
    tmp = tempfile.mkdtemp(prefix="af-s3-pipeline-")
    try:
        af("aws", "s3", "create-bucket", BUCKET)

        # 1. Local input -> s3:// output -> load from s3:// -> exact counts, check passes.
        af("transform", "--input", SAMPLE, "--output", "s3://%s/area" % BUCKET, "--threads", "2",
           "--progress", "never")
        keys = ls("area/")
        check("area/_manifest.json" in keys, "no manifest in %s" % keys)
        manifest = json.loads(read_object(tmp, "area/_manifest.json"))
        run_id = manifest["run_id"]
        listed = ["area/" + p for p in manifest_parts(manifest)]
        check(all(run_id in p for p in listed), "part names carry the run id: %s" % listed)
        check(all(k in keys for k in listed), "listed parts missing: %s vs %s" % (listed, keys))
        check("area/" + manifest["rejects_file"] in keys, "reject log not uploaded: %s" % keys)
        counts, conn = load_counts(tmp, "s3://%s/area" % BUCKET, "first")
        check(counts == SAMPLE_COUNTS, "counts from s3 output: %s" % counts)
        out = af("warehouse", "check", "--conn", conn, "--from", "s3://%s/area" % BUCKET).stdout
        check("all 26 checks passed" in out and "FAIL" not in out, out)
        print("ok: transform -> s3, load/check from s3")

        # 2. s3:// input, plain and gzip: same counts; the manifest records the
        # object, its ETag and the checksum of the bytes read.
        with open(SAMPLE, "rb") as f:
            raw = f.read()
        gz = os.path.join(tmp, "sample.jsonl.gz")
        with gzip.open(gz, "wb") as f:
            f.write(raw)
        af("aws", "s3", "cp", SAMPLE, "s3://%s/in/sample.jsonl" % BUCKET)
        af("aws", "s3", "cp", gz, "s3://%s/in/sample.jsonl.gz" % BUCKET)
        for name, digest_of in (("sample.jsonl", raw), ("sample.jsonl.gz", open(gz, "rb").read())):
            area = "s3://%s/from-%s" % (BUCKET, name.replace(".", "-"))
            # The CRC-32 always; the SHA-256 when asked (here for the .gz).
            with_sha256 = name.endswith(".gz")
            af("transform", "--input", "s3://%s/in/%s" % (BUCKET, name), "--output", area,
               "--threads", "2", "--progress", "never", *(["--input-sha256"] if with_sha256 else []))
            counts, _ = load_counts(tmp, area, "in-" + name)
            check(counts == SAMPLE_COUNTS, "counts from s3 input %s: %s" % (name, counts))
            m = json.loads(read_object(tmp, area[len("s3://%s/" % BUCKET):] + "/_manifest.json"))
            inp = m["inputs"][0]
            check(inp["path"] == "s3://%s/in/%s" % (BUCKET, name), inp)
            check(inp["crc32"] == "%08x" % zlib.crc32(digest_of), "crc32 %s" % inp)
            check(inp["sha256"] == (hashlib.sha256(digest_of).hexdigest() if with_sha256 else None),
                  "sha256 %s" % inp)
            check(inp["size_bytes"] == len(digest_of) and inp.get("etag"), "size/etag %s" % inp)
        print("ok: s3 input (plain, gzip)")

        # 3. Shards of an s3:// object: byte ranges, together all 200 papers.
        ids = set()
        total = 0
        for k in range(2):
            area = "s3://%s/shard%d" % (BUCKET, k)
            af("transform", "--input", "s3://%s/in/sample.jsonl" % BUCKET, "--output", area,
               "--shard", "%d/2" % k, "--threads", "2", "--progress", "never")
            m = json.loads(read_object(tmp, "shard%d/_manifest.json" % k))
            check(m["inputs"][0]["bytes_read"] < len(raw), "shard %d read the whole object" % k)
            counts, conn = load_counts(tmp, area, "shard%d" % k)
            total += counts["papers"]
            ids |= papers_ids(conn)
        check(total == 200 and len(ids) == 200, "shards cover %d papers (%d distinct)" % (total, len(ids)))
        print("ok: shards from s3")

        # 4. A second run over the same prefix replaces it: no stale parts.
        small = os.path.join(tmp, "small.jsonl")
        with open(small, "wb") as f:
            f.write(b"".join(raw.splitlines(keepends=True)[:50]))
        af("transform", "--input", small, "--output", "s3://%s/area" % BUCKET, "--threads", "2",
           "--progress", "never")
        m2 = json.loads(read_object(tmp, "area/_manifest.json"))
        check(m2["run_id"] != run_id, "run id reused")
        keys = ls("area/")
        stale = [k for k in keys if run_id in k]
        check(not stale, "objects of the replaced run remain: %s" % stale)
        counts, _ = load_counts(tmp, "s3://%s/area" % BUCKET, "second")
        check(counts["papers"] == 50, "rerun counts %s" % counts)
        af("transform", "--input", SAMPLE, "--output", "s3://%s/area" % BUCKET, "--threads", "2",
           "--progress", "never")
        good_manifest = read_object(tmp, "area/_manifest.json")
        print("ok: rerun replaces the prefix")

        # 5. Wrong secret key: SignatureDoesNotMatch, non-zero exit, nothing published.
        env = dict(os.environ, AWS_SECRET_ACCESS_KEY="not-the-secret")
        p = af("transform", "--input", SAMPLE, "--output", "s3://%s/area" % BUCKET, "--progress", "never",
               env=env, ok=False)
        check(p.returncode != 0 and "SignatureDoesNotMatch" in p.stderr, "wrong secret: %r" % p.stderr)
        check("not-the-secret" not in p.stderr, "secret leaked into the message")
        p = af("warehouse", "load", "--conn", "sqlite://" + os.path.join(tmp, "x.db"), "--from",
               "s3://%s/area" % BUCKET, env=env, ok=False)
        check(p.returncode != 0 and "SignatureDoesNotMatch" in p.stderr, "load, wrong secret: %r" % p.stderr)
        check(read_object(tmp, "area/_manifest.json") == good_manifest, "manifest changed by a failed run")
        print("ok: wrong credentials")

        # 6. Missing bucket: NoSuchBucket, for the transform and the load.
        p = af("transform", "--input", SAMPLE, "--output", "s3://no-such-bucket/area", "--progress", "never",
               ok=False)
        check(p.returncode != 0 and "NoSuchBucket" in p.stderr, "missing bucket: %r" % p.stderr)
        p = af("transform", "--input", "s3://no-such-bucket/in.jsonl", "--output", os.path.join(tmp, "o"),
               "--progress", "never", ok=False)
        check(p.returncode != 0 and "NoSuchBucket" in p.stderr or "NotFound" in p.stderr or "404" in p.stderr,
              "missing input bucket: %r" % p.stderr)
        p = af("warehouse", "load", "--conn", "sqlite://" + os.path.join(tmp, "x.db"), "--from",
               "s3://no-such-bucket/area", ok=False)
        check(p.returncode != 0 and "NoSuchBucket" in p.stderr, "load, missing bucket: %r" % p.stderr)
        p = af("warehouse", "load", "--conn", "sqlite://" + os.path.join(tmp, "x.db"), "--from",
               "s3://%s/no-area" % BUCKET, ok=False)
        check(p.returncode != 0 and "_manifest.json" in p.stderr and "missing" in p.stderr,
              "load, missing manifest: %r" % p.stderr)
        print("ok: missing bucket / manifest")

        # 7. Unreachable endpoint: a clear error after the retries.
        env = dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % closed_port(), AWS_MAX_ATTEMPTS="3",
                   ARXIVFLOW_S3_RETRY_BASE_MS="5")
        p = af("transform", "--input", SAMPLE, "--output", "s3://%s/area" % BUCKET, "--progress", "never",
               env=env, ok=False)
        check(p.returncode != 0 and "127.0.0.1" in p.stderr and "3 attempt" in p.stderr,
              "unreachable endpoint: %r" % p.stderr)
        print("ok: unreachable endpoint: " + p.stderr.strip().splitlines()[-1])

        # 8. --aws-conn: credentials and endpoint from a stored connection.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["HOME"] = tmp
        env["ARXIVFLOW_HOME"] = os.path.join(tmp, "home")
        env["ARXIVFLOW_CONN_LAKE_AWS"] = "aws://S3RVER:S3RVER@/?region_name=us-east-1&endpoint_url=" + \
            os.environ["AWS_ENDPOINT_URL"].replace(":", "%3A").replace("/", "%2F")
        p = af("warehouse", "load", "--conn", "sqlite://" + os.path.join(tmp, "conn.db"), "--from",
               "s3://%s/area" % BUCKET, env=env, ok=False)
        check(p.returncode != 0, "load without credentials succeeded")
        af("warehouse", "create", "--conn", "sqlite://" + os.path.join(tmp, "conn.db"), env=env)
        af("warehouse", "load", "--conn", "sqlite://" + os.path.join(tmp, "conn.db"), "--from",
           "s3://%s/area" % BUCKET, "--aws-conn", "lake_aws", env=env)
        print("ok: --aws-conn")

        # 9. A connection dropped mid-upload (every attempt): a clear error,
        # nothing of the run left visible, the previous manifest intact.
        port = int(os.environ["AWS_ENDPOINT_URL"].rsplit(":", 1)[1])
        proxy = DroppingProxy(port, b"/area/papers/")
        env = dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % proxy.port, AWS_MAX_ATTEMPTS="2",
                   ARXIVFLOW_S3_RETRY_BASE_MS="5")
        before = set(ls("area/"))
        p = af("transform", "--input", SAMPLE, "--output", "s3://%s/area" % BUCKET, "--threads", "2",
               "--progress", "never", env=env, ok=False)
        proxy.close()
        check(p.returncode != 0 and proxy.dropped > 0 and "2 attempts" in p.stderr and "papers/part-" in p.stderr,
              "dropped upload: %r" % p.stderr)
        check(set(ls("area/")) == before, "objects of the failed run left: %s" % (set(ls("area/")) ^ before))
        check(read_object(tmp, "area/_manifest.json") == good_manifest, "manifest changed by a failed run")
        print("ok: connection dropped mid-upload: " + p.stderr.strip().splitlines()[-1][:300])

        # 10. A transform killed (SIGKILL) mid-run leaves the published area
        # readable: either the previous manifest (and its parts) or, when the
        # kill came after the commit, the complete new one.
        big = os.path.join(tmp, "big.jsonl")
        af("gen", "--records", "40000", "--seed", "7", "--output", big)
        before = set(ls("area/"))
        proc = subprocess.Popen([BIN, "transform", "--input", big, "--output", "s3://%s/area" % BUCKET,
                                 "--threads", "2", "--progress", "never"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Kill once the run has published its first object (mid-upload), or
        # after a while if the listing never catches it.
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if set(ls("area/")) - before:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        manifest_now = read_object(tmp, "area/_manifest.json")
        counts, conn = load_counts(tmp, "s3://%s/area" % BUCKET, "after-kill")
        if manifest_now == good_manifest:
            check(counts == SAMPLE_COUNTS, "after kill, old manifest but counts %s" % counts)
            print("ok: killed before the commit; the previous area loads with its counts")
        else:
            expected = json.loads(manifest_now)["tables"]
            check(all(counts[t] == expected[t]["rows"] for t in TABLES), "after kill: %s" % counts)
            print("ok: killed after the commit; the new area is complete")
        out = af("warehouse", "check", "--conn", conn, "--from", "s3://%s/area" % BUCKET).stdout
        check("all 26 checks passed" in out, out)
        # The next run removes what the killed one left behind.
        af("transform", "--input", SAMPLE, "--output", "s3://%s/area" % BUCKET, "--threads", "2",
           "--progress", "never")
        m = json.loads(read_object(tmp, "area/_manifest.json"))
        expected_keys = sorted(["area/_manifest.json", "area/" + m["rejects_file"]] +
                               ["area/" + p for p in manifest_parts(m)])
        keys = sorted(k for k in ls("area/") if not k.startswith("area/_redshift_manifest_"))
        check(keys == expected_keys, "leftovers after the next run: %s" % sorted(set(keys) - set(expected_keys)))
        print("ok: kill -9 mid-run")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
