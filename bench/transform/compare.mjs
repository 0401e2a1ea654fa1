// Compares the six tables of two Parquet areas row by row, every column, as
// multisets (row order inside parts is free). DuckDB reads both sides; each
// column is brought to one canonical form (text as is, DATE as days,
// TIMESTAMP as UTC microseconds, integers as BIGINT) so that peers whose
// Parquet types differ only in width or time-zone annotation still compare.
//
// usage: node bench/transform/compare.mjs AREA_A AREA_B [--exact]
//   default: per table, the row count and two order-independent 128-bit sums
//            of per-row hashes must match (a changed, missing or extra row
//            changes them);
//   --exact: also runs EXCEPT ALL both ways (slow and memory-hungry at full
//            scale) and prints up to 3 differing rows.
// Exit code 0 when every table matches, 1 otherwise (differences printed).
import { DuckDBInstance } from '@duckdb/node-api';

export const TABLE_COLUMNS = {
  papers: ['id', 'title', 'categories', 'doi', 'comments', 'journalref', 'license', 'reportno',
           'submitter', 'updatedate:date'],
  authors: ['id', 'author', 'position:int', 'lastname', 'firstname', 'suffix'],
  abstracts: ['id', 'abstract', 'origin'],
  categories: ['id', 'category', 'position:int'],
  versions: ['id', 'created:timestamp', 'version', 'month:int', 'year:int', 'origin'],
  titles: ['id', 'title', 'origin'],
};

function canonical(spec) {
  const [name, kind] = spec.split(':');
  const c = `"${name}"`;
  switch (kind) {
    case 'date': return `(${c}::DATE - DATE '1970-01-01')::BIGINT AS ${c}`;
    case 'timestamp': return `epoch_us(${c}) AS ${c}`;
    case 'int': return `${c}::BIGINT AS ${c}`;
    default: return `${c}::VARCHAR AS ${c}`;
  }
}

const q = (s) => `'${s.replaceAll("'", "''")}'`;

export function canonicalSelect(area, table) {
  const cols = TABLE_COLUMNS[table].map(canonical).join(', ');
  return `SELECT ${cols} FROM read_parquet(${q(`${area}/${table}/*.parquet`)})`;
}

// Returns [{table, ok, detail}] for the six tables.
export async function compareAreas(a, b, { exact = false, threads = 2 } = {}) {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run(`SET threads = ${threads}`);
  const all = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS();
  const results = [];
  for (const table of Object.keys(TABLE_COLUMNS)) {
    const names = TABLE_COLUMNS[table].map((s) => `"${s.split(':')[0]}"`);
    const row = `row(${names.join(', ')})`;
    const fingerprint = async (area) => {
      const [r] = await all(`SELECT count(*)::BIGINT AS n,
          sum(hash(${row}))::HUGEINT::VARCHAR AS h1,
          sum(hash(${row}, 'arxivflow'))::HUGEINT::VARCHAR AS h2
        FROM (${canonicalSelect(area, table)})`);
      return { n: Number(r.n), h1: r.h1, h2: r.h2 };
    };
    const fa = await fingerprint(a);
    const fb = await fingerprint(b);
    let ok = fa.n === fb.n && fa.h1 === fb.h1 && fa.h2 === fb.h2;
    let detail = `${fa.n} rows${ok ? '' : ` vs ${fb.n}; checksums ${fa.h1}/${fa.h2} vs ${fb.h1}/${fb.h2}`}`;
    if (exact || !ok) {
      const A = canonicalSelect(a, table);
      const B = canonicalSelect(b, table);
      const onlyA = await all(`SELECT * FROM ((${A}) EXCEPT ALL (${B})) LIMIT 3`);
      const onlyB = await all(`SELECT * FROM ((${B}) EXCEPT ALL (${A})) LIMIT 3`);
      if (onlyA.length || onlyB.length) ok = false;
      const show = (rows) => JSON.stringify(rows, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
      if (onlyA.length || onlyB.length) {
        detail += `; only in ${a}: ${show(onlyA)}; only in ${b}: ${show(onlyB)}`;
      }
    }
    results.push({ table, ok, detail });
  }
  con.closeSync?.();
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const exact = args.includes('--exact');
  const [a, b] = args.filter((x) => x !== '--exact');
  if (!a || !b) {
    console.error('usage: node bench/transform/compare.mjs AREA_A AREA_B [--exact]');
    process.exit(2);
  }
  const results = await compareAreas(a, b, { exact });
  let bad = 0;
  for (const r of results) {
    console.log(`${r.ok ? 'same' : 'DIFFERENT'}  ${r.table.padEnd(10)} ${r.detail}`);
    if (!r.ok) bad++;
  }
  process.exit(bad ? 1 : 0);
}
