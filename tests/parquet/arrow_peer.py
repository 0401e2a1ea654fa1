"""Apache Arrow (pyarrow) as the peer of our Parquet writer and reader.

1. Page checksums both ways: Arrow reads every file our writer makes with
   page checksum verification on (so it accepts our CRCs), and notices a byte
   flipped in one of our pages (so our files do carry them); we read files
   Arrow writes with checksums (data page v1 and v2, dictionary and plain,
   four codecs) exactly, and report a flipped byte in a data or dictionary
   page, or a stored CRC that alone is wrong, naming the file, row group,
   column and page; --no-verify-checksums skips the check.
2. Logical types: every type Arrow writes to a flat file is printed by
   `arxivflow parquet cat` as its value (expected text computed here from
   Arrow's values, independently of our code).
3. Valid files we used to refuse: zero-row files (a lone dictionary page,
   data_page_offset 0), and encrypted files, reported as such.

Usage: .venv/bin/python tests/parquet/arrow_peer.py ARXIVFLOW_BIN INTEROP_GEN OUTPUT_DIR
"""
import base64
import datetime
import decimal
import glob
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pe

BIN, GEN, OUT = sys.argv[1:4]
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def cat(path, *flags):
    r = run("parquet", "cat", path, *flags)
    if r.returncode != 0:
        return None, r
    return [json.loads(line) for line in r.stdout.splitlines()], r


def one_error_line(r, path, *fragments):
    """The CLI's contract for a bad file: exit 1, one line `error: <file>: ...`."""
    lines = r.stderr.strip().split("\n")
    ok = r.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: " + path + ": ")
    return ok and all(f in lines[0] for f in fragments)


# ------------------------------------------------------------ expected text

def clock(seconds, fraction, digits):
    text = "%02d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)
    return text + ("." + str(fraction).zfill(digits) if fraction else "")


UNITS = {"s": (1, 0), "ms": (1000, 3), "us": (10**6, 6), "ns": (10**9, 9)}


def timestamp_text(v, unit, utc):
    per, digits = UNITS[unit]
    secs, frac = divmod(v, per)
    day, rest = divmod(secs, 86400)
    date = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
    return date.isoformat() + "T" + clock(rest, frac, digits) + ("Z" if utc else "")


def time_text(v, unit, utc):
    per, digits = UNITS[unit]
    return clock(v // per, v % per, digits) + ("Z" if utc else "")


def float_text(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def to_f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def expected_column(array, parquet_column):
    """Arrow's values of one column as `parquet cat` must print them."""
    t = array.type
    utc = "isAdjustedToUTC=true" in str(parquet_column.logical_type)
    if pa.types.is_timestamp(t):
        ints = array.cast(pa.int64()).to_pylist()
        return [None if v is None else timestamp_text(v, t.unit, t.tz is not None) for v in ints]
    if pa.types.is_time(t):
        ints = array.view(pa.int32() if t.bit_width == 32 else pa.int64()).to_pylist()
        return [None if v is None else time_text(v, t.unit, utc) for v in ints]
    if pa.types.is_float16(t):
        bits = array.view(pa.uint16()).to_pylist()
        return [None if b is None else float_text(struct.unpack("<e", struct.pack("<H", b))[0]) for b in bits]
    values = array.to_pylist()
    if pa.types.is_decimal(t):
        return [None if v is None else format(v, "f") for v in values]
    if pa.types.is_date(t):
        return [None if v is None else v.isoformat() for v in values]
    if pa.types.is_floating(t):
        return [None if v is None else float_text(v) for v in values]
    if isinstance(t, pa.UuidType):
        return [None if v is None else str(v) for v in values]
    if pa.types.is_binary(t) or pa.types.is_fixed_size_binary(t):
        return [None if v is None else v.decode() for v in values]
    return values


def compare(where, table, rows):
    if rows is None:
        return fail(f"{where}: cat failed")
    if len(rows) != table.num_rows:
        return fail(f"{where}: {len(rows)} rows, expected {table.num_rows}")
    schema = pq.ParquetFile(where).schema if os.path.exists(where) else None
    for i, name in enumerate(table.column_names):
        want = expected_column(table.column(name).combine_chunks(), schema.column(i))
        f32 = pa.types.is_float32(table.schema.field(name).type) or pa.types.is_float16(table.schema.field(name).type)
        for r, (w, g) in enumerate(zip(want, (row[name] for row in rows))):
            same = w == g or (f32 and isinstance(g, (int, float)) and isinstance(w, float) and to_f32(g) == w)
            if not same:
                fail(f"{where} row {r} {name}: got {g!r}, expected {w!r}")
                break


# ------------------------------------------------------------ page checksums

def first_page_crc_offset(data, offset):
    """File offset of the crc varint of the page header at `offset` (Thrift
    compact: fields 1-3 are i32 varints, field 4 the optional crc)."""
    pos = offset
    for _ in range(3):
        assert data[pos] == 0x15, "unexpected page header layout"
        pos += 1
        while data[pos] & 0x80:
            pos += 1
        pos += 1
    assert data[pos] == 0x15, "page header has no crc"
    return pos + 1


def chunk_start(cc):
    return cc.dictionary_page_offset if cc.has_dictionary_page else cc.data_page_offset


def damaged_copy(path, name, position, xor):
    data = bytearray(open(path, "rb").read())
    data[position] ^= xor
    out = os.path.join(OUT, name)
    open(out, "wb").write(data)
    return out


def our_files_read_by_arrow():
    ours = os.path.join(OUT, "ours")
    subprocess.run([GEN, ours], check=True, capture_output=True)
    files = sorted(glob.glob(os.path.join(ours, "*.parquet")))
    for f in files:
        side = json.load(open(f[: -len(".parquet")] + ".json"))
        table = pq.read_table(f, page_checksum_verification=True)
        for c in side["columns"]:
            got = table.column(c["name"]).to_pylist()
            if c["type"] in ("int64",):
                got = [None if v is None else str(v) for v in got]
            elif c["type"] == "timestamp":
                got = [None if v is None else str(v) for v in table.column(c["name"]).cast(pa.int64()).to_pylist()]
            elif c["type"] == "date":
                got = [None if v is None else v.isoformat() for v in got]
            if got != side["values"][c["name"]]:
                fail(f"{f}: Arrow reads column {c['name']} differently")
        # Arrow notices a flipped byte in one of our pages: our pages carry CRCs.
        cc = pq.ParquetFile(f).metadata.row_group(0).column(6)  # i32, never null
        bad = damaged_copy(f, "ours-damaged.parquet", chunk_start(cc) + cc.total_compressed_size - 1, 0x01)
        try:
            pq.read_table(bad, page_checksum_verification=True)
            fail(f"{f}: Arrow read a damaged page of ours without noticing")
        except OSError as e:
            if "CRC" not in str(e) and "checksum" not in str(e).lower():
                fail(f"{f}: Arrow failed on a damaged page, but not on its checksum: {e}")
    print(f"checked {len(files)} files of ours read by Arrow with page checksum verification")


def checksum_table(rows=5000):
    return pa.table({
        "s": pa.array([None if i % 7 == 3 else ["héllo", "日本語", "plain", ""][i % 4] + str(i % 97) for i in range(rows)]),
        "i32": pa.array([(i * 1000003) % 2147483647 - 1000000000 for i in range(rows)], pa.int32()),
        "i64": pa.array([None if i % 4 == 1 else (i - 2500) * 4000000000000 for i in range(rows)], pa.int64()),
        "f64": pa.array([None if i % 9 == 2 else (i - 2500) * 1.25 + 0.001 for i in range(rows)]),
        "b": pa.array([None if i % 3 == 0 else i % 2 == 1 for i in range(rows)]),
        "d": pa.array([datetime.date(1960, 1, 1) + datetime.timedelta(days=3 * i) for i in range(rows)]),
        "ts": pa.array([1500000000000000 + i * 86400123457 for i in range(rows)], pa.timestamp("us", tz="UTC")),
    })


def arrow_files_read_by_us():
    table = checksum_table()
    count = 0
    for codec in ("NONE", "SNAPPY", "GZIP", "ZSTD"):
        for version in ("1.0", "2.0"):
            for dictionary in (True, False):
                f = os.path.join(OUT, f"arrow_crc_{codec}_v{version[0]}_{'dict' if dictionary else 'plain'}.parquet")
                pq.write_table(table, f, compression=codec, data_page_version=version, use_dictionary=dictionary,
                               write_page_checksum=True, data_page_size=4096, row_group_size=2000)
                rows, r = cat(f)
                if rows is None:
                    fail(f"{f}: cat failed: {r.stderr}")
                    continue
                compare(f, table, rows)
                count += 1
                meta = pq.ParquetFile(f).metadata
                cc = meta.row_group(1).column(1)  # i32 of the second row group
                start = chunk_start(cc)
                # A flipped byte in the last data page.
                bad = damaged_copy(f, "damaged-data.parquet", start + cc.total_compressed_size - 1, 0x40)
                r = run("parquet", "cat", bad)
                if not one_error_line(r, bad, "row group 1, column 'i32': page ", "CRC32 mismatch"):
                    fail(f"{f}: damaged data page: exit {r.returncode}, {r.stderr!r}")
                r = run("parquet", "cat", bad, "--no-verify-checksums")
                if "CRC32" in r.stderr:
                    fail(f"{f}: --no-verify-checksums still checked: {r.stderr!r}")
                # A flipped byte in the dictionary page.
                if cc.has_dictionary_page:
                    bad = damaged_copy(f, "damaged-dict.parquet", cc.data_page_offset - 1, 0x40)
                    r = run("parquet", "cat", bad)
                    want = f"row group 1, column 'i32': page 0 (dictionary page at file offset {start}): CRC32 mismatch"
                    if not one_error_line(r, bad, want):
                        fail(f"{f}: damaged dictionary page: exit {r.returncode}, {r.stderr!r}")
                # The stored CRC alone is wrong.
                data = open(f, "rb").read()
                bad = damaged_copy(f, "damaged-crc.parquet", first_page_crc_offset(data, start), 0x02)
                r = run("parquet", "cat", bad)
                if not one_error_line(r, bad, f"row group 1, column 'i32': page 0 (", f"at file offset {start}): CRC32 mismatch"):
                    fail(f"{f}: wrong stored CRC: exit {r.returncode}, {r.stderr!r}")
                rows, r = cat(bad, "--no-verify-checksums")
                compare(bad, table, rows)
    print(f"checked {count} Arrow files with page checksums, each damaged three ways")


# ------------------------------------------------------------ logical types

def logical_types():
    n = 7
    dec = [decimal.Decimal(x) for x in ("1.00", "-0.05", "0.00", "99.99", "-99.99", "12.30", "0.01")]
    t = pa.table({
        "dec_4_2": pa.array(dec, pa.decimal128(4, 2)),
        "dec_18_6": pa.array([d * 10**10 for d in dec], pa.decimal128(18, 6)),
        "dec_38_10": pa.array([decimal.Decimal("-9999999999999999999999999999.9999999999"), None] + [d * 10**20 for d in dec[2:]], pa.decimal128(38, 10)),
        "dec_76_20": pa.array([decimal.Decimal("1" * 50 + "." + "9" * 20)] + [None] * (n - 1), pa.decimal256(76, 20)),
        "f32": pa.array([float("nan"), float("inf"), float("-inf"), None, 0.1, -0.0, 3.4028234663852886e38], pa.float32()),
        "f64": pa.array([float("nan"), float("inf"), float("-inf"), None, 0.1, -0.0, 1e300]),
        "f16": pa.array([1.0, -2.5, None, 65504.0, 0.000060975551605224609375, float("inf"), 0.0999755859375], pa.float16()),
        "u8": pa.array([0, 255, None, 1, 2, 3, 4], pa.uint8()),
        "u16": pa.array([0, 65535, None, 1, 2, 3, 4], pa.uint16()),
        "u32": pa.array([4000000000, 4294967295, None, 0, 1, 2, 3], pa.uint32()),
        "u64": pa.array([18446744073709551615, 9223372036854775808, None, 0, 1, 2, 3], pa.uint64()),
        "i8": pa.array([-128, 127, None, 0, 1, 2, 3], pa.int8()),
        "i16": pa.array([-32768, 32767, None, 0, 1, 2, 3], pa.int16()),
        "date": pa.array([datetime.date(2024, 2, 29), datetime.date(1, 1, 1), None, datetime.date(9999, 12, 31),
                          datetime.date(1969, 12, 31), datetime.date(1970, 1, 1), datetime.date(2000, 3, 1)]),
        "time_ms": pa.array([0, 45296789, None, 86399999, 1, 2, 3], pa.time32("ms")),
        "time_us": pa.array([0, 45296000001, None, 86399999999, 1, 2, 3], pa.time64("us")),
        "time_ns": pa.array([0, 45296000000001, None, 86399999999999, 1, 2, 3], pa.time64("ns")),
        "uuid": pa.array([uuid.UUID(int=1).bytes, uuid.UUID("12345678-9abc-def0-0123-456789abcdef").bytes, None] + [uuid.UUID(int=i).bytes for i in range(4)], pa.uuid()),
        "fixed3": pa.array([b"abc", b"xyz", None, b"abc", b"---", b"123", b"zzz"], pa.binary(3)),
    })
    for unit in ("ms", "us", "ns"):
        for tz in ("UTC", None):
            values = [1709210096500123456, -1, None, 0, 1, 86400 * 10**9 - 1, -6000000000000000007]
            per = {"ms": 10**6, "us": 10**3, "ns": 1}[unit]
            t = t.append_column(f"ts_{unit}_{'utc' if tz else 'local'}",
                                pa.array([None if v is None else v // per for v in values], pa.timestamp(unit, tz=tz)))
    count = 0
    for name, kwargs in {
        "flba": {},  # decimals as FIXED_LEN_BYTE_ARRAY
        "int": {"store_decimal_as_integer": True},  # INT32 / INT64 where they fit
        "plain_v2": {"use_dictionary": False, "data_page_version": "2.0", "compression": "ZSTD"},
        "bss": {"use_dictionary": False, "use_byte_stream_split": ["f32", "f64", "f16", "fixed3", "dec_4_2"]},
    }.items():
        f = os.path.join(OUT, f"arrow_types_{name}.parquet")
        pq.write_table(t, f, write_page_checksum=True, **kwargs)
        rows, r = cat(f)
        if rows is None:
            fail(f"{f}: cat failed: {r.stderr}")
            continue
        compare(f, t, rows)
        count += 1
    # The same annotations as `parquet schema` prints them.
    r = run("parquet", "schema", os.path.join(OUT, "arrow_types_int.parquet"))
    for want in ('"dec_4_2" INT32 DECIMAL(4,2) OPTIONAL', '"dec_18_6" INT64 DECIMAL(18,6) OPTIONAL',
                 '"dec_38_10" FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,10) OPTIONAL', '"u32" INT32 INT(32,false) OPTIONAL',
                 '"u64" INT64 INT(64,false) OPTIONAL', '"f32" FLOAT OPTIONAL', '"f16" FIXED_LEN_BYTE_ARRAY(2) FLOAT16 OPTIONAL',
                 '"uuid" FIXED_LEN_BYTE_ARRAY(16) UUID OPTIONAL', '"time_ms" INT32 TIME(MILLIS,LOCAL) OPTIONAL',
                 '"ts_ns_local" INT64 TIMESTAMP(NANOS,LOCAL) OPTIONAL', '"ts_us_utc" INT64 TIMESTAMP(MICROS,UTC) OPTIONAL'):
        if want not in r.stdout:
            fail(f"schema lacks {want}:\n{r.stdout}")
    print(f"checked {count} Arrow files of {t.num_columns} logical types")


# ------------------------------------------------------------ files we used to refuse

class PlainKms(pe.KmsClient):
    """A stand-in key service for tests: "wraps" keys by base64 alone."""

    def __init__(self, config):
        super().__init__()

    def wrap_key(self, key_bytes, master_key_identifier):
        return base64.b64encode(key_bytes)

    def unwrap_key(self, wrapped_key, master_key_identifier):
        return base64.b64decode(wrapped_key)


def refusals_no_more():
    table = pa.table({"s": pa.array([], pa.string()), "i": pa.array([], pa.int64())})
    for name, kwargs in {"dict": {}, "plain": {"use_dictionary": False}, "v2": {"data_page_version": "2.0", "write_page_checksum": True}}.items():
        f = os.path.join(OUT, f"arrow_zero_rows_{name}.parquet")
        pq.write_table(table, f, **kwargs)
        rows, r = cat(f)
        if rows != []:
            fail(f"{f}: zero-row file: exit {r.returncode}, {r.stdout!r} {r.stderr!r}")
        if '"s" BYTE_ARRAY STRING OPTIONAL' not in run("parquet", "schema", f).stdout:
            fail(f"{f}: schema of a zero-row file")
    factory = pe.CryptoFactory(lambda config: PlainKms(config))
    data = pa.table({"secret": pa.array([1, 2, 3]), "open": pa.array(["a", "b", "c"])})
    for plaintext_footer in (False, True):
        config = pe.EncryptionConfiguration(footer_key="footer", column_keys={"col": ["secret"]},
                                            plaintext_footer=plaintext_footer, double_wrapping=False)
        props = factory.file_encryption_properties(pe.KmsConnectionConfig(), config)
        f = os.path.join(OUT, f"arrow_encrypted_{'plaintext_footer' if plaintext_footer else 'footer'}.parquet")
        pq.write_table(data, f, encryption_properties=props)
        magic = open(f, "rb").read()[-4:]
        if magic != (b"PAR1" if plaintext_footer else b"PARE"):
            fail(f"{f}: Arrow wrote magic {magic!r}")
        for cmd in ("schema", "meta", "cat"):
            r = run("parquet", cmd, f)
            if not one_error_line(r, f, "encrypted files are not supported"):
                fail(f"{cmd} {f}: exit {r.returncode}, {r.stderr!r}")
    print("checked zero-row and encrypted files from Arrow")


our_files_read_by_arrow()
arrow_files_read_by_us()
logical_types()
refusals_no_more()
if failures:
    print(f"FAIL: {len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print("OK: Arrow and arxivflow agree on page checksums, logical types, zero-row and encrypted files")
