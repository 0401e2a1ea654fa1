"""parquet-mr (through Spark in local mode) as a reader of our page checksums.

Spark reads every file our writer makes with parquet-mr's page checksum
verification on (parquet.page.verify-checksum.enabled), row for row equal to
the generator's sidecar; and fails on a copy with one byte of a data page
flipped, so the checksums are really read and checked.

Usage: .venv/bin/python tests/parquet/parquet_mr_peer.py INTEROP_GEN OUTPUT_DIR
(needs pyspark and a Java runtime)
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import pyarrow.parquet as pq  # only for the chunk offsets
from pyspark.sql import SparkSession

GEN, OUT = sys.argv[1:3]
shutil.rmtree(OUT, ignore_errors=True)
subprocess.run([GEN, OUT], check=True, capture_output=True)

spark = (SparkSession.builder.master("local[1]").appName("parquet-mr-peer")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.hadoop.parquet.page.verify-checksum.enabled", "true")
         .getOrCreate())
spark.sparkContext.setLogLevel("OFF")  # the damaged files fail on purpose
failures = []


def expr(column, kind):
    q = f"`{column}`"
    if kind in ("int64", "date"):
        return f"CAST({q} AS STRING) AS {q}"
    if kind == "timestamp":
        return f"CAST(unix_micros({q}) AS STRING) AS {q}"
    return q


files = sorted(glob.glob(os.path.join(OUT, "*.parquet")))
for f in files:
    side = json.load(open(f[: -len(".parquet")] + ".json"))
    rows = spark.read.parquet(f).selectExpr(*[expr(c["name"], c["type"]) for c in side["columns"]]).collect()
    for c in side["columns"]:
        if [r[c["name"]] for r in rows] != side["values"][c["name"]]:
            failures.append(f"{f}: parquet-mr reads column {c['name']} differently")
    # One flipped byte in the last data page of column i32 (never null).
    data = bytearray(open(f, "rb").read())
    bad = os.path.join(OUT, "damaged", os.path.basename(f))
    os.makedirs(os.path.dirname(bad), exist_ok=True)
    cc = pq.ParquetFile(f).metadata.row_group(0).column(6)
    start = cc.dictionary_page_offset if cc.has_dictionary_page else cc.data_page_offset
    data[start + cc.total_compressed_size - 1] ^= 0x01
    open(bad, "wb").write(bytes(data))
    try:
        spark.read.parquet(bad).select("i32").collect()
        failures.append(f"{f}: parquet-mr read a damaged page without noticing")
    except Exception as e:  # Py4J wraps the Java exception
        if "CRC" not in str(e) and "checksum" not in str(e).lower():
            failures.append(f"{f}: parquet-mr failed on a damaged page, but not on its checksum: {str(e)[:300]}")
spark.stop()
for msg in failures:
    print("FAIL:", msg, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"OK: parquet-mr reads {len(files)} files of ours with page checksum verification and catches a damaged page in each")
