// The six tables computed by DuckDB from the snapshot, with the cleaning
// rules of docs/transform.md, as the peer of bench/transform/run.sh.
//
// usage: node bench/transform/duckdb_transform.mjs SNAPSHOT OUT_DIR THREADS [DB_FILE]
//
// Written as a DuckDB user would: the JSON is read and parsed once into a
// staging table (in DB_FILE, so the buffer manager can spill, default an
// in-memory database) with every text already cleaned, each cleaning
// expression evaluated once per value; the six tables are then COPYed from
// it as snappy Parquet. The regular expressions are RE2 (linear time).
// Paragraph folding is three linear passes: a space before every line feed;
// every run of other whitespace to one space; then a run holding two or
// more line feeds (now " \n \n...") becomes "\n\n" and one holding a single
// line feed becomes " ", in one regexp_replace whose replacement picks the
// case through its groups. Records without an id or a title are dropped;
// the reject and duplicate-id rules are not applied (the benchmark data has
// neither), which only spares DuckDB work.
import { mkdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [snapshot, out, threads = '2', dbFile = ':memory:'] = process.argv.slice(2);
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(dbFile);
const con = await instance.connect();
const run = (sql) => con.run(sql);
await run(`SET threads = ${Number(threads)}`);
await run(`SET preserve_insertion_order = false`);
const WS = `'[ \\t\\n\\r\\f\\v]+'`;
await run(`CREATE MACRO inline_text(x) AS NULLIF(trim(regexp_replace(x, ${WS}, ' ', 'g'), ' '), '')`);
await run(`CREATE MACRO paragraphs(x) AS NULLIF(trim(regexp_replace(
    regexp_replace(replace(x, chr(10), ' ' || chr(10)), '[ \\t\\r\\f\\v]+', ' ', 'g'),
    ' (\\n) \\n[ \\n]*|( )\\n ?', '\\1\\1\\2', 'g'), ' ' || chr(10)), '')`);
await run(`CREATE TABLE stage AS
  SELECT id,
         inline_text(title) AS title,
         inline_text(categories) AS categories,
         inline_text(doi) AS doi,
         inline_text(comments) AS comments,
         inline_text("journal-ref") AS journalref,
         inline_text(license) AS license,
         inline_text("report-no") AS reportno,
         inline_text(submitter) AS submitter,
         try_strptime(update_date, '%Y-%m-%d')::DATE AS updatedate,
         paragraphs(abstract) AS abstract,
         authors_parsed,
         versions
  FROM read_json(${q(snapshot)}, format = 'newline_delimited',
       columns = {id: 'VARCHAR', submitter: 'VARCHAR', authors: 'VARCHAR', title: 'VARCHAR',
                  comments: 'VARCHAR', "journal-ref": 'VARCHAR', doi: 'VARCHAR', "report-no": 'VARCHAR',
                  categories: 'VARCHAR', license: 'VARCHAR', abstract: 'VARCHAR',
                  versions: 'STRUCT(version VARCHAR, created VARCHAR)[]', update_date: 'VARCHAR',
                  authors_parsed: 'VARCHAR[][]'})
  WHERE id <> '' AND regexp_matches(title, '[^ \\t\\n\\r\\f\\v]')`);
const tables = {
  papers: `SELECT id, title, categories, doi, comments, journalref, license, reportno, submitter, updatedate
           FROM stage`,
  authors: `SELECT id, NULLIF(concat_ws(' ', lastname, firstname, suffix), '') AS author, position,
                   lastname, firstname, suffix
            FROM (SELECT id, position, inline_text(parts[1]) AS lastname, inline_text(parts[2]) AS firstname,
                         inline_text(parts[3]) AS suffix
                  FROM (SELECT id, unnest(authors_parsed) AS parts,
                               generate_subscripts(authors_parsed, 1)::INTEGER AS position FROM stage))`,
  abstracts: `SELECT id, abstract, 'arXiv' AS origin FROM stage WHERE abstract IS NOT NULL`,
  categories: `SELECT id, unnest(list) AS category, generate_subscripts(list, 1)::INTEGER AS position
               FROM (SELECT id, string_split(categories, ' ') AS list FROM stage WHERE categories IS NOT NULL)`,
  versions: `SELECT id, timezone('UTC', created) AS created, version, month(created)::SMALLINT AS month,
                    year(created)::SMALLINT AS year, 'arXiv' AS origin
             FROM (SELECT id, try_strptime(v.created, '%a, %d %b %Y %H:%M:%S GMT') AS created,
                          inline_text(v.version) AS version
                   FROM (SELECT id, unnest(versions) AS v FROM stage))`,
  titles: `SELECT id, title, 'arXiv' AS origin FROM stage`,
};
for (const [name, sql] of Object.entries(tables)) {
  mkdirSync(`${out}/${name}`, { recursive: true });
  await run(`COPY (${sql}) TO ${q(`${out}/${name}/part-00000.parquet`)} (FORMAT parquet, COMPRESSION snappy)`);
}
const reader = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM stage`);
console.log(`duckdb: ${reader.getRowObjectsJS()[0].n} records`);
