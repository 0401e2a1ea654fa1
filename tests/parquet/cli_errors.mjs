// `arxivflow parquet schema|meta|cat`: output formats and error handling.
// Bad files must exit 1 with a single `error: ...` line on stderr.
//
// Usage: node tests/parquet/cli_errors.mjs ARXIVFLOW_BIN OUTPUT_DIR
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { duckdb, query, sqlString } from './common.mjs';

const [bin, outDir] = process.argv.slice(2);
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
let failures = 0;
const fail = (msg) => { failures++; console.error(`FAIL: ${msg}`); };

function run(...args) {
  return spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
}

// A small valid file from DuckDB, including bytes that are not UTF-8.
const good = path.join(outDir, 'good.parquet');
const conn = await duckdb();
await query(conn, `SET TimeZone = 'UTC'`);
await query(conn, `COPY (SELECT * FROM (VALUES
    ('a', DATE '2024-02-29', TIMESTAMPTZ '2024-02-29 12:34:56.5+00', CAST(7 AS SMALLINT), '\\xFF\\x41'::BLOB),
    (NULL, DATE '1969-12-31', TIMESTAMPTZ '1969-12-31 23:59:59+00', NULL, NULL),
    ('日本', NULL, NULL, CAST(-3 AS SMALLINT), ''::BLOB)) t(s, d, ts, i16, raw))
  TO ${sqlString(good)} (FORMAT parquet)`);

let r = run('parquet', 'cat', good);
const lines = r.stdout.trim().split('\n');
const want = [
  '{"s":"a","d":"2024-02-29","ts":"2024-02-29T12:34:56.500000Z","i16":7,"raw":"\uFFFDA"}',
  '{"s":null,"d":"1969-12-31","ts":"1969-12-31T23:59:59Z","i16":null,"raw":null}',
  '{"s":"日本","d":null,"ts":null,"i16":-3,"raw":""}',
];
if (r.status !== 0) fail(`cat exited ${r.status}: ${r.stderr}`);
want.forEach((w, i) => { if (lines[i] !== w) fail(`cat line ${i}: ${lines[i]} != ${w}`); });
r = run('parquet', 'cat', good, '--limit', '1');
if (r.stdout.trim().split('\n').length !== 1) fail(`--limit 1 printed ${r.stdout}`);
r = run('parquet', 'schema', good);
for (const w of ['"s" BYTE_ARRAY STRING OPTIONAL', '"d" INT32 DATE OPTIONAL', '"ts" INT64 TIMESTAMP(MICROS,UTC) OPTIONAL', '"i16" INT32 INT(16,true) OPTIONAL']) {
  if (!r.stdout.includes(w)) fail(`schema lacks ${w}:\n${r.stdout}`);
}
r = run('parquet', 'meta', good);
for (const w of ['rows: 3', 'row_groups: 1', 'max=2024-02-29T12:34:56.500000Z', 'min=1969-12-31T23:59:59Z', 'min=1969-12-31', 'max=2024-02-29', 'nulls=1', 'codec=SNAPPY']) {
  if (!r.stdout.includes(w)) fail(`meta lacks ${w}:\n${r.stdout}`);
}

// Bad inputs.
const bytes = fs.readFileSync(good);
const cases = {
  'missing.parquet': null,
  'empty.parquet': Buffer.alloc(0),
  'text.parquet': Buffer.from('hello, this is not parquet at all\n'),
  'truncated.parquet': bytes.subarray(0, bytes.length - 10),
  'footer.parquet': Buffer.concat([bytes.subarray(0, bytes.length - 8), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('PAR1')]),
};
for (const [name, content] of Object.entries(cases)) {
  const f = path.join(outDir, name);
  if (content) fs.writeFileSync(f, content);
  for (const cmd of ['schema', 'meta', 'cat']) {
    r = run('parquet', cmd, f);
    const errLines = r.stderr.trim().split('\n');
    if (r.status !== 1 || errLines.length !== 1 || !errLines[0].startsWith('error: ') || !errLines[0].includes(name)) {
      fail(`${cmd} ${name}: exit ${r.status}, stderr ${JSON.stringify(r.stderr)}`);
    }
  }
}
if (failures) process.exit(1);
console.log('OK: parquet CLI output and errors');
