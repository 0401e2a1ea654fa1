// Our files, read by DuckDB, Arrow (parquet-wasm) and hyparquet: values,
// nulls, row counts and types must match the generator's sidecars exactly,
// and DuckDB's parquet_metadata() must show our statistics.
//
// Usage: node tests/parquet/interop_read.mjs GENERATOR OUTPUT_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { readWithArrow } from './arrow_c_data.mjs';
import { Mismatches, compareColumn, duckdb, normalize, query, sqlString } from './common.mjs';

const [gen, outDir] = process.argv.slice(2);
if (!gen || !outDir) {
  console.error('usage: interop_read.mjs GENERATOR OUTPUT_DIR');
  process.exit(2);
}
fs.rmSync(outDir, { recursive: true, force: true });
execFileSync(gen, [outDir], { stdio: 'inherit' });

const duckTypes = { string: 'VARCHAR', int16: 'SMALLINT', int32: 'INTEGER', int64: 'BIGINT', date: 'DATE',
  timestamp: 'TIMESTAMP WITH TIME ZONE', double: 'DOUBLE', bool: 'BOOLEAN' };
const arrowTypes = { string: ['u', 'U', 'vu'], int16: ['s'], int32: ['i'], int64: ['l'], date: ['tdD'],
  timestamp: ['tsu:UTC', 'tsu:+00:00'], double: ['g'], bool: ['b'] };

function duckExpr(c) {
  const q = `"${c.name}"`;
  if (c.type === 'int64' || c.type === 'date') return `CAST(${q} AS VARCHAR) AS ${q}`;
  if (c.type === 'timestamp') return `CAST(epoch_us(${q}) AS VARCHAR) AS ${q}`;
  return q;
}

const conn = await duckdb();
const mm = new Mismatches();
const sidecars = fs.readdirSync(outDir).filter((f) => f.endsWith('.json')).sort();
if (sidecars.length !== 8) mm.add(`expected 8 generated files, found ${sidecars.length}`);

for (const side of sidecars) {
  const spec = JSON.parse(fs.readFileSync(path.join(outDir, side), 'utf8'));
  const file = path.join(outDir, spec.file);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const cols = spec.columns;

  // DuckDB: types, values, statistics.
  const desc = await query(conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  cols.forEach((c, i) => {
    if (desc[i]?.column_name !== c.name || desc[i]?.column_type !== duckTypes[c.type]) {
      mm.add(`duckdb ${spec.file} ${c.name}: type ${desc[i]?.column_name} ${desc[i]?.column_type}, expected ${duckTypes[c.type]}`);
    }
  });
  const rows = await query(conn, `SELECT ${cols.map(duckExpr).join(', ')} FROM read_parquet(${sqlString(file)})`);
  for (const c of cols) {
    compareColumn(`duckdb ${spec.file} ${c.name}`, spec.values[c.name], rows.map((r) => normalize(c.type, r[c.name])), mm);
  }
  const meta = await query(conn, `SELECT row_group_id, row_group_num_rows, path_in_schema, compression, encodings,
      stats_null_count, stats_min_value, stats_max_value, stats_min, stats_max FROM parquet_metadata(${sqlString(file)}) ORDER BY row_group_id, column_id`);
  let start = 0;
  for (const m of meta) {
    const c = cols.find((x) => x.name === m.path_in_schema);
    const n = Number(m.row_group_num_rows);
    const slice = spec.values[c.name].slice(start, start + n);
    const where = `duckdb metadata ${spec.file} rg ${m.row_group_id} ${c.name}`;
    if (m.compression !== spec.codec) mm.add(`${where}: compression ${m.compression}, expected ${spec.codec}`);
    const nulls = slice.filter((v) => v === null).length;
    if (Number(m.stats_null_count) !== nulls) mm.add(`${where}: null_count ${m.stats_null_count}, expected ${nulls}`);
    const present = slice.filter((v) => v !== null);
    if (c.type === 'string') {
      const sorted = present.map((s) => Buffer.from(s)).sort(Buffer.compare);
      const tooBig = sorted.length && (sorted[0].length > 4096 || sorted[sorted.length - 1].length > 4096);
      const lo = sorted.length && !tooBig ? sorted[0].toString() : null;
      const hi = sorted.length && !tooBig ? sorted[sorted.length - 1].toString() : null;
      if (m.stats_min_value !== lo || m.stats_max_value !== hi) mm.add(`${where}: min/max ${m.stats_min_value}/${m.stats_max_value}, expected ${lo}/${hi}`);
      // The deprecated min/max use signed byte order.
      const signed = (a, b) => {
        for (let i = 0; i < Math.min(a.length, b.length); i++) {
          const x = (a[i] << 24) >> 24, y = (b[i] << 24) >> 24;
          if (x !== y) return x - y;
        }
        return a.length - b.length;
      };
      const ssorted = [...sorted].sort(signed);
      const slo = ssorted.length && !tooBig ? ssorted[0].toString() : null;
      const shi = ssorted.length && !tooBig ? ssorted[ssorted.length - 1].toString() : null;
      if (m.stats_min !== slo || m.stats_max !== shi) mm.add(`${where}: deprecated min/max ${m.stats_min}/${m.stats_max}, expected ${slo}/${shi}`);
    } else if (c.type === 'int16' || c.type === 'int32' || c.type === 'int64') {
      const big = present.map((v) => BigInt(v));
      const lo = big.length ? big.reduce((a, b) => (b < a ? b : a)).toString() : null;
      const hi = big.length ? big.reduce((a, b) => (b > a ? b : a)).toString() : null;
      if (m.stats_min_value !== lo || m.stats_max_value !== hi) mm.add(`${where}: min/max ${m.stats_min_value}/${m.stats_max_value}, expected ${lo}/${hi}`);
    } else if (present.length && (m.stats_min_value === null || m.stats_max_value === null)) {
      mm.add(`${where}: statistics missing`);
    }
    if (spec.dictionary && c.type !== 'bool' && present.length && !m.encodings.includes('RLE_DICTIONARY')) {
      mm.add(`${where}: dictionary file without RLE_DICTIONARY (${m.encodings})`);
    }
    if (m === meta[meta.length - 1] || meta[meta.indexOf(m) + 1].row_group_id !== m.row_group_id) start += n;
  }

  // Arrow (parquet-wasm).
  const arrow = readWithArrow(bytes);
  cols.forEach((c, i) => {
    if (arrow.names[i] !== c.name || !arrowTypes[c.type].includes(arrow.formats[i])) {
      mm.add(`arrow ${spec.file} ${c.name}: type ${arrow.names[i]} ${arrow.formats[i]}, expected ${arrowTypes[c.type]}`);
    }
    compareColumn(`arrow ${spec.file} ${c.name}`, spec.values[c.name], arrow.columns[i].map((v) => normalize(c.type, v)), mm);
  });

  // hyparquet: node 20 has no zstd, so ZSTD files are left to the others.
  if (spec.codec !== 'ZSTD') {
    const objs = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      compressors: { GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)) },
      parsers: { timestampFromMicroseconds: (v) => String(v), dateFromDays: (d) => d },
    });
    for (const c of cols) {
      compareColumn(`hyparquet ${spec.file} ${c.name}`, spec.values[c.name], objs.map((o) => normalize(c.type, o[c.name])), mm);
    }
  }
  console.log(`checked ${spec.file}: ${spec.rows} rows x ${cols.length} columns`);
}

if (mm.total) {
  for (const m of mm.list) console.error(m);
  console.error(`FAIL: ${mm.total} mismatches`);
  process.exit(1);
}
console.log('OK: DuckDB, Arrow and hyparquet read every generated file exactly');
