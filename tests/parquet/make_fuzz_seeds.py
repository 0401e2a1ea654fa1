"""Writes the seeds of the Parquet reader's fuzz target (fuzz/corpus/parquet_reader/)
for what the reader checks beyond plain files: page checksums (Arrow, data page
v1 and v2), every logical type Arrow writes, zero-row files, an encrypted
footer, BYTE_STREAM_SPLIT, and the hand-made files of parquet_seed_gen. Small
files, so that the fuzzer mutates them quickly.

Usage: .venv/bin/python tests/parquet/make_fuzz_seeds.py build/tests/parquet/parquet_seed_gen fuzz/corpus/parquet_reader
"""
import base64
import datetime
import decimal
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pe

SEED_GEN, OUT = sys.argv[1:3]
os.makedirs(OUT, exist_ok=True)
subprocess.run([SEED_GEN, OUT], check=True)


def seed(name, table, **kwargs):
    pq.write_table(table, os.path.join(OUT, f"seed_arrow_{name}.parquet"), **kwargs)


plain = pa.table({
    "s": pa.array(["a", None, "bb", "a", "ccc"]),
    "i": pa.array([1, 2, None, 4, 5], pa.int64()),
    "d": pa.array([1.5, float("nan"), None, -0.0, float("inf")]),
})
seed("crc_v1_snappy", plain, write_page_checksum=True)
seed("crc_v2_zstd", plain, write_page_checksum=True, data_page_version="2.0", compression="ZSTD")
seed("crc_v2_plain_gzip", plain, write_page_checksum=True, data_page_version="2.0", compression="GZIP", use_dictionary=False)

types = pa.table({
    "dec_int32": pa.array([decimal.Decimal("1.00"), None, decimal.Decimal("-0.05")], pa.decimal128(4, 2)),
    "dec_int64": pa.array([decimal.Decimal("123456789012.345678"), None, decimal.Decimal("0")], pa.decimal128(18, 6)),
    "dec_flba": pa.array([decimal.Decimal("-1.5"), None, decimal.Decimal("2")], pa.decimal128(30, 3)),
    "f32": pa.array([float("nan"), None, 0.1], pa.float32()),
    "f16": pa.array([1.0, None, -2.5], pa.float16()),
    "u32": pa.array([4000000000, None, 0], pa.uint32()),
    "u64": pa.array([18446744073709551615, None, 0], pa.uint64()),
    "i8": pa.array([-128, None, 127], pa.int8()),
    "time_ms": pa.array([45296789, None, 0], pa.time32("ms")),
    "time_ns": pa.array([45296000000001, None, 0], pa.time64("ns")),
    "ts_ms_utc": pa.array([1709210096500, None, -1], pa.timestamp("ms", tz="UTC")),
    "ts_ns_local": pa.array([1709210096500123456, None, -1], pa.timestamp("ns")),
    "date": pa.array([datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1)]),
    "uuid": pa.array([bytes(range(16)), None, bytes(16)], pa.uuid()),
})
seed("logical_types", types, write_page_checksum=True, store_decimal_as_integer=True)
seed("logical_types_bss_v2", types, use_dictionary=False, data_page_version="2.0",
     use_byte_stream_split=["f32", "f16", "dec_flba"])
seed("zero_rows", pa.table({"s": pa.array([], pa.string()), "i": pa.array([], pa.int64())}))


class PlainKms(pe.KmsClient):
    """A stand-in key service: "wraps" keys by base64 alone."""

    def __init__(self, config):
        super().__init__()

    def wrap_key(self, key_bytes, master_key_identifier):
        return base64.b64encode(key_bytes)

    def unwrap_key(self, wrapped_key, master_key_identifier):
        return base64.b64decode(wrapped_key)


config = pe.EncryptionConfiguration(footer_key="footer", column_keys={"col": ["i"]}, double_wrapping=False)
props = pe.CryptoFactory(lambda c: PlainKms(c)).file_encryption_properties(pe.KmsConnectionConfig(), config)
seed("encrypted_footer", plain, encryption_properties=props)
print(f"wrote the Arrow seeds to {OUT}")
