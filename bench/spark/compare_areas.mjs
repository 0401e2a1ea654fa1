// Checks that two Parquet areas hold the same data before bench/spark/run.sh
// reports any time: every table as a multiset of rows (count, and the sum and
// xor of a 64-bit hash of each whole row, over the parts the manifest lists),
// the manifests' record counts and the rejects (sorted lines, the file field
// aside). Exits 1 on the first difference.
// usage: node bench/spark/compare_areas.mjs AREA_A AREA_B
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [a, b] = process.argv.slice(2);
const TABLES = ['papers', 'authors', 'abstracts', 'categories', 'versions', 'titles'];
const manifest = (dir) => JSON.parse(readFileSync(`${dir}/_manifest.json`, 'utf8'));
const ma = manifest(a);
const mb = manifest(b);
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
let failed = false;
const fail = (msg) => { console.log(`DIFFERENT: ${msg}`); failed = true; };

for (const key of ['records', 'unparsed_values']) {
  if (JSON.stringify(ma[key]) !== JSON.stringify(mb[key])) fail(`manifest ${key}: ${JSON.stringify(ma[key])} vs ${JSON.stringify(mb[key])}`);
}
for (const t of TABLES) {
  const digest = async (dir, m) => {
    const files = m.tables[t].parts.map((p) => q(`${dir}/${p.path}`)).join(', ');
    const reader = await con.runAndReadAll(
      `SELECT count(*)::VARCHAR AS n, sum(h)::VARCHAR AS s, bit_xor(h)::VARCHAR AS x
         FROM (SELECT hash(r) AS h FROM read_parquet([${files}]) r)`);
    const [row] = reader.getRowObjectsJS();
    return `${row.n} rows, sum ${row.s}, xor ${row.x}`;
  };
  const [da, db] = [await digest(a, ma), await digest(b, mb)];
  if (da !== db) fail(`${t}: ${da} vs ${db}`);
  else console.log(`${t.padEnd(10)} same rows: ${da}`);
  if (ma.tables[t].rows !== mb.tables[t].rows) fail(`${t}: manifest rows ${ma.tables[t].rows} vs ${mb.tables[t].rows}`);
}
const rejects = (dir, m) => readFileSync(`${dir}/${m.rejects_file}`, 'utf8').split('\n').filter((l) => l)
  .map((l) => { const r = JSON.parse(l); delete r.file; return JSON.stringify(r); }).sort();
const [ra, rb] = [rejects(a, ma), rejects(b, mb)];
if (JSON.stringify(ra) !== JSON.stringify(rb)) fail(`rejects differ (${ra.length} vs ${rb.length})`);
else console.log(`rejects    same: ${ra.length}`);
if (failed) process.exit(1);
console.log('the two areas hold the same data');
