// Files written by DuckDB (every codec, dictionary and plain; format v1 and
// v2 with DELTA_* / BYTE_STREAM_SPLIT) and by Arrow
// (parquet-wasm: data page v1 and v2, dictionary and plain), read back with
// `arxivflow parquet cat`: every value, null and row count must match what
// DuckDB reads from the same file.
//
// Usage: node tests/parquet/interop_write.mjs ARXIVFLOW_BIN OUTPUT_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as pw from 'parquet-wasm';
import { Mismatches, compareColumn, dateText, duckdb, query, sqlString } from './common.mjs';

const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error('usage: interop_write.mjs ARXIVFLOW_BIN OUTPUT_DIR');
  process.exit(2);
}
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

function tsText(micros) {
  const m = BigInt(micros);
  let secs = m / 1000000n, frac = m % 1000000n;
  if (frac < 0n) { frac += 1000000n; secs -= 1n; }
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return frac === 0n ? `${base}Z` : `${base}.${String(frac).padStart(6, '0')}Z`;
}

const columns = [
  { name: 's', type: 'string', sql: `CASE WHEN i % 7 = 3 THEN NULL WHEN i % 11 = 0 THEN '' ELSE (['héllo', 'wörld', '日本語', 'emoji 😀', 'plain'])[i % 5 + 1] || '-' || CAST(i % 997 AS VARCHAR) END` },
  { name: 's_req', type: 'string', sql: `'row ' || CAST(i AS VARCHAR)` },
  { name: 's_null', type: 'string', sql: `CAST(NULL AS VARCHAR)` },
  { name: 'big', type: 'string', sql: `CASE WHEN i = 777 THEN repeat('z', 1048576) WHEN i % 2 = 0 THEN NULL ELSE 'small' END` },
  { name: 'i16', type: 'int16', sql: `CASE WHEN i % 5 = 0 THEN NULL ELSE CAST((i * 37) % 65536 - 32768 AS SMALLINT) END` },
  { name: 'i32', type: 'int32', sql: `CAST(i * 1000003 % 2147483647 - 1000000000 AS INTEGER)` },
  { name: 'i64', type: 'int64', sql: `CASE WHEN i % 4 = 1 THEN NULL ELSE (CAST(i AS BIGINT) - 10000) * 400000000000000 END` },
  { name: 'd', type: 'date', sql: `CASE WHEN i % 6 = 2 THEN NULL ELSE DATE '1960-01-01' + CAST(i * 3 AS INTEGER) END` },
  { name: 'ts', type: 'timestamp', sql: `CASE WHEN i % 9 = 4 THEN NULL ELSE make_timestamptz(CAST(1500000000000000 + i * 86400123457 - (i % 2) * 2000000000000000 AS BIGINT)) END` },
  { name: 'f', type: 'double', sql: `CASE WHEN i % 8 = 5 THEN NULL ELSE CAST(i - 10000 AS DOUBLE) * 1.25 + 0.001 END` },
  { name: 'b', type: 'bool', sql: `CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 1 END` },
];
const ROWS = 20000;

const conn = await duckdb();
await query(conn, `SET TimeZone = 'UTC'`);
await query(conn, `CREATE TABLE src AS SELECT ${columns.map((c) => `${c.sql} AS "${c.name}"`).join(', ')} FROM range(${ROWS}) t(i)`);

const files = [];
for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
  for (const dict of [true, false]) {
    const f = path.join(outDir, `duckdb_${codec}_${dict ? 'dict' : 'plain'}.parquet`);
    // A dictionary size limit of 1 byte makes DuckDB write PLAIN pages.
    const extra = dict ? '' : ', DICTIONARY_SIZE_LIMIT 1';
    await query(conn, `COPY src TO ${sqlString(f)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 7000${extra})`);
    files.push(f);
  }
}
// DuckDB's format v2: data page v2, DELTA_* and BYTE_STREAM_SPLIT encodings.
for (const codec of ['snappy', 'zstd']) {
  for (const dict of [true, false]) {
    const f = path.join(outDir, `duckdb_v2_${codec}_${dict ? 'dict' : 'plain'}.parquet`);
    const extra = dict ? '' : ', DICTIONARY_SIZE_LIMIT 1';
    await query(conn, `COPY src TO ${sqlString(f)} (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION V2, ROW_GROUP_SIZE 7000${extra})`);
    files.push(f);
  }
}
// Arrow (Rust) rewrites one DuckDB file with data page v1 and v2.
const source = new Uint8Array(fs.readFileSync(files[0]));
const arrowCodecs = { uncompressed: pw.Compression.UNCOMPRESSED, snappy: pw.Compression.SNAPPY, gzip: pw.Compression.GZIP, zstd: pw.Compression.ZSTD };
for (const [codecName, codec] of Object.entries(arrowCodecs)) {
  for (const v2 of [false, true]) {
    for (const dict of [true, false]) {
      const props = new pw.WriterPropertiesBuilder()
        .setCompression(codec)
        .setDictionaryEnabled(dict)
        .setEncoding(pw.Encoding.PLAIN)
        .setWriterVersion(v2 ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
        .setDataPageSizeLimit(16384)
        .setMaxRowGroupSize(6000)
        .build();
      const out = pw.writeParquet(pw.readParquet(source), props);
      const f = path.join(outDir, `arrow_${codecName}_${v2 ? 'v2' : 'v1'}_${dict ? 'dict' : 'plain'}.parquet`);
      fs.writeFileSync(f, out);
      files.push(f);
    }
  }
}
// Arrow with the DELTA encodings chosen per column.
{
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setWriterVersion(pw.WriterVersion.V2)
    .setDataPageSizeLimit(16384);
  for (const c of ['s', 's_req', 's_null', 'big']) b = b.setColumnEncoding(c, pw.Encoding.DELTA_BYTE_ARRAY);
  for (const c of ['i16', 'i32', 'i64', 'd', 'ts']) b = b.setColumnEncoding(c, pw.Encoding.DELTA_BINARY_PACKED);
  const f = path.join(outDir, 'arrow_delta_v2.parquet');
  fs.writeFileSync(f, pw.writeParquet(pw.readParquet(source), b.build()));
  files.push(f);
}

function expr(c) {
  const q = `"${c.name}"`;
  if (c.type === 'int64' || c.type === 'date') return `CAST(${q} AS VARCHAR) AS ${q}`;
  if (c.type === 'timestamp') return `CAST(epoch_us(${q}) AS VARCHAR) AS ${q}`;
  return q;
}

const mm = new Mismatches();
for (const f of files) {
  const rows = await query(conn, `SELECT ${columns.map(expr).join(', ')} FROM read_parquet(${sqlString(f)})`);
  if (rows.length !== ROWS) mm.add(`duckdb reads ${rows.length} rows from ${f}`);
  const text = execFileSync(bin, ['parquet', 'cat', f], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const lines = text.split('\n').filter((l) => l.length);
  const ours = lines.map((l) => JSON.parse(l));
  // INT64 values pass 2^53: take them from the text, not from JSON.parse.
  const i64Text = lines.map((l) => { const m = /"i64":(null|-?\d+)/.exec(l); return m && m[1] !== 'null' ? m[1] : null; });
  for (const c of columns) {
    let expected = rows.map((r) => r[c.name]);
    let actual = ours.map((o) => o[c.name]);
    if (c.type === 'int64') actual = i64Text;
    if (c.type === 'timestamp') expected = expected.map((v) => (v === null ? null : tsText(v)));
    compareColumn(`${path.basename(f)} ${c.name}`, expected, actual, mm);
  }
  // `meta` and `schema` must work on every file too.
  execFileSync(bin, ['parquet', 'meta', f], { maxBuffer: 1 << 26 });
  const schema = execFileSync(bin, ['parquet', 'schema', f], { encoding: 'utf8' });
  if (!schema.includes('TIMESTAMP(MICROS,UTC)') || !schema.includes('DATE') || !schema.includes('INT(16,true)')) {
    mm.add(`${path.basename(f)}: schema lacks logical types:\n${schema}`);
  }
  console.log(`checked ${path.basename(f)}: ${ours.length} rows`);
}
if (mm.total) {
  for (const m of mm.list) console.error(m);
  console.error(`FAIL: ${mm.total} mismatches`);
  process.exit(1);
}
console.log(`OK: arxivflow reads ${files.length} DuckDB- and Arrow-written files exactly`);
