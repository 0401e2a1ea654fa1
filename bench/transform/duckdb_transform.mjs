// The same six tables computed by DuckDB (read_json -> COPY TO parquet,
// snappy), as the baseline for bench/transform/run.sh.
// usage: node bench/transform/duckdb_transform.mjs SNAPSHOT OUT_DIR THREADS
import { mkdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [snapshot, out, threads = '2'] = process.argv.slice(2);
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const run = (sql) => con.run(sql);
await run(`SET threads = ${Number(threads)}`);
await run(`SET preserve_insertion_order = false`);
await run(`CREATE MACRO norm(x) AS NULLIF(trim(regexp_replace(x, '[ \\t\\n\\r\\f\\v]+', ' ', 'g')), '')`);
await run(`CREATE MACRO para(x) AS NULLIF(array_to_string(list_filter(list_transform(
    regexp_split_to_array(x, '[ \\t\\r\\f\\v]*\\n[ \\t\\r\\f\\v]*\\n[ \\t\\n\\r\\f\\v]*'),
    p -> norm(p)), p -> p IS NOT NULL), chr(10) || chr(10)), '')`);
await run(`CREATE TEMP TABLE src AS SELECT * FROM read_json(${q(snapshot)}, format = 'newline_delimited',
    columns = {id: 'VARCHAR', submitter: 'VARCHAR', authors: 'VARCHAR', title: 'VARCHAR',
               comments: 'VARCHAR', "journal-ref": 'VARCHAR', doi: 'VARCHAR', "report-no": 'VARCHAR',
               categories: 'VARCHAR', license: 'VARCHAR', abstract: 'VARCHAR',
               versions: 'STRUCT(version VARCHAR, created VARCHAR)[]', update_date: 'VARCHAR',
               authors_parsed: 'VARCHAR[][]'})`);
const created = "strptime(v.created, '%a, %d %b %Y %H:%M:%S GMT')";
const tables = {
  papers: `SELECT id, norm(title) AS title, norm(categories) AS categories, norm(doi) AS doi,
             norm(comments) AS comments, norm("journal-ref") AS journalref, norm(license) AS license,
             norm("report-no") AS reportno, norm(submitter) AS submitter,
             try_strptime(update_date, '%Y-%m-%d')::DATE AS updatedate FROM src`,
  authors: `SELECT id, NULLIF(concat_ws(' ', norm(parts[1]), norm(parts[2]), norm(parts[3])), '') AS author,
              pos::INTEGER AS position, norm(parts[1]) AS lastname, norm(parts[2]) AS firstname,
              norm(parts[3]) AS suffix
            FROM (SELECT id, unnest(authors_parsed) AS parts, generate_subscripts(authors_parsed, 1) AS pos FROM src)`,
  abstracts: `SELECT id, para(abstract) AS abstract, 'arXiv' AS origin FROM src WHERE para(abstract) IS NOT NULL`,
  categories: `SELECT id, cat AS category, pos::INTEGER AS position FROM (
                 SELECT id, unnest(string_split(norm(categories), ' ')) AS cat,
                        generate_subscripts(string_split(norm(categories), ' '), 1) AS pos
                 FROM src WHERE norm(categories) IS NOT NULL)`,
  versions: `SELECT id, timezone('UTC', ${created}) AS created, norm(v.version) AS version,
               month(${created})::SMALLINT AS month, year(${created})::SMALLINT AS year, 'arXiv' AS origin
             FROM (SELECT id, unnest(versions) AS v FROM src)`,
  titles: `SELECT id, norm(title) AS title, 'arXiv' AS origin FROM src`,
};
for (const [name, sql] of Object.entries(tables)) {
  mkdirSync(`${out}/${name}`, { recursive: true });
  await run(`COPY (${sql}) TO ${q(`${out}/${name}/part-00000.parquet`)} (FORMAT parquet, COMPRESSION snappy)`);
}
const reader = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM src`);
console.log(`duckdb: ${reader.getRowObjectsJS()[0].n} records`);
