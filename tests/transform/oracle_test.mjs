// DuckDB oracle: DuckDB computes the six tables independently from the same
// JSON (and NIPS CSV) with SQL string functions, and every table is compared
// field by field (both directions, with multiplicity) with our Parquet output.
//
// usage: node tests/transform/oracle_test.mjs ARXIVFLOW_BIN [SNAPSHOT [NIPS_CSV]]
import { readFileSync } from 'node:fs';
import { check, checkEqual, cleanup, duck, finish, run, sqlString, TABLES, tempDir } from './lib.mjs';

const [bin, snapshot = 'tests/data/arxiv-sample-200.jsonl', nips = 'tests/transform/data/nips-sample.csv'] =
  process.argv.slice(2);
const dir = tempDir();
const out = `${dir}/out`;
try {
  const r = run(bin, ['transform', '--input', snapshot, '--nips', nips, '--output', out,
                      '--threads', '2', '--progress', 'never']);
  check(r.status === 0, `transform exits 0 (${r.stderr.trim().split('\n').pop()})`);
  const db = await duck();
  const WS = "'[ \\t\\n\\r\\f\\v]+'";
  // The cleaning rules in SQL (docs/transform.md).
  await db.all(`CREATE MACRO norm(x) AS NULLIF(trim(regexp_replace(x, ${WS}, ' ', 'g')), '')`);
  await db.all(`CREATE MACRO para(x) AS NULLIF(array_to_string(list_filter(list_transform(
      regexp_split_to_array(x, '[ \\t\\r\\f\\v]*\\n[ \\t\\r\\f\\v]*\\n[ \\t\\n\\r\\f\\v]*'),
      p -> norm(p)), p -> p IS NOT NULL), chr(10) || chr(10)), '')`);
  await db.all(`CREATE TABLE src AS SELECT * FROM read_json(${sqlString(snapshot)},
      format = 'newline_delimited',
      columns = {id: 'VARCHAR', submitter: 'VARCHAR', authors: 'VARCHAR', title: 'VARCHAR',
                 comments: 'VARCHAR', "journal-ref": 'VARCHAR', doi: 'VARCHAR',
                 "report-no": 'VARCHAR', categories: 'VARCHAR', license: 'VARCHAR',
                 abstract: 'VARCHAR', versions: 'STRUCT(version VARCHAR, created VARCHAR)[]',
                 update_date: 'VARCHAR', authors_parsed: 'VARCHAR[][]'})`);
  await db.all(`CREATE TABLE nips AS SELECT * FROM read_csv(${sqlString(nips)}, header = true,
      quote = '"', escape = '"', all_varchar = true)`);

  const expected = {
    papers: `SELECT id, norm(title) AS title, norm(categories) AS categories, norm(doi) AS doi,
               norm(comments) AS comments, norm("journal-ref") AS journalref,
               norm(license) AS license, norm("report-no") AS reportno,
               norm(submitter) AS submitter,
               try_strptime(update_date, '%Y-%m-%d')::DATE AS updatedate FROM src`,
    authors: `SELECT id, NULLIF(concat_ws(' ', norm(parts[1]), norm(parts[2]), norm(parts[3])), '') AS author,
                pos::INTEGER AS position, norm(parts[1]) AS lastname, norm(parts[2]) AS firstname,
                norm(parts[3]) AS suffix
              FROM (SELECT id, unnest(authors_parsed) AS parts,
                           generate_subscripts(authors_parsed, 1) AS pos FROM src)`,
    abstracts: `SELECT id, para(abstract) AS abstract, 'arXiv' AS origin FROM src
                  WHERE para(abstract) IS NOT NULL
                UNION ALL
                SELECT id, para(abstract), 'NIPS' FROM nips
                  WHERE para(abstract) IS NOT NULL AND para(abstract) <> 'Abstract Missing'`,
    categories: `SELECT id, cat AS category, pos::INTEGER AS position
                 FROM (SELECT id, unnest(string_split(norm(categories), ' ')) AS cat,
                              generate_subscripts(string_split(norm(categories), ' '), 1) AS pos
                       FROM src WHERE norm(categories) IS NOT NULL)`,
    versions: `SELECT id, epoch_us(strptime(v.created, '%a, %d %b %Y %H:%M:%S GMT')) AS created,
                 norm(v.version) AS version,
                 month(strptime(v.created, '%a, %d %b %Y %H:%M:%S GMT'))::SMALLINT AS month,
                 year(strptime(v.created, '%a, %d %b %Y %H:%M:%S GMT'))::SMALLINT AS year,
                 'arXiv' AS origin
               FROM (SELECT id, unnest(versions) AS v FROM src)
               UNION ALL
               SELECT id, NULL, NULL, NULL, TRY_CAST(norm(year) AS SMALLINT), 'NIPS' FROM nips`,
    titles: `SELECT id, norm(title) AS title, 'arXiv' AS origin FROM src
             UNION ALL SELECT id, norm(title), 'NIPS' FROM nips`,
  };
  const actualSelect = {
    versions: `SELECT id, epoch_us(created) AS created, version, month, year, origin`,
  };
  for (const t of TABLES) {
    const parquet = `read_parquet(${sqlString(`${out}/${t}/*.parquet`)})`;
    const actual = `${actualSelect[t] ?? 'SELECT *'} FROM ${parquet}`;
    const [{ n: nExpected }] = await db.all(`SELECT count(*)::INTEGER AS n FROM (${expected[t]})`);
    const [{ n: nActual }] = await db.all(`SELECT count(*)::INTEGER AS n FROM (${actual})`);
    checkEqual(nActual, nExpected, `${t}: row count`);
    const missing = await db.all(`SELECT * FROM ((${expected[t]}) EXCEPT ALL (${actual})) LIMIT 3`);
    const extra = await db.all(`SELECT * FROM ((${actual}) EXCEPT ALL (${expected[t]})) LIMIT 3`);
    check(missing.length === 0 && extra.length === 0,
          `${t}: every row equal field by field` +
          (missing.length || extra.length ? ` (missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)})` : ''));
  }
  // Schema types as the warehouse expects them.
  const types = await db.all(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM
      read_parquet(${sqlString(`${out}/versions/*.parquet`)}))`);
  checkEqual(types.map((t) => t.column_type),
             ['VARCHAR', 'TIMESTAMP WITH TIME ZONE', 'VARCHAR', 'SMALLINT', 'SMALLINT', 'VARCHAR'],
             'versions column types');
  const ptypes = await db.all(`SELECT column_type FROM (DESCRIBE SELECT * FROM
      read_parquet(${sqlString(`${out}/papers/*.parquet`)}))`);
  checkEqual(ptypes.at(-1).column_type, 'DATE', 'papers.updatedate is a DATE');

  if (snapshot.endsWith('arxiv-sample-200.jsonl')) {
    const counts = {};
    for (const t of TABLES) {
      const [{ n }] = await db.all(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(`${out}/${t}/*.parquet`)}) WHERE id NOT SIMILAR TO '[0-9]+'`);
      counts[t] = n;
    }
    checkEqual(counts, { papers: 200, authors: 537, abstracts: 200, categories: 305, versions: 326, titles: 200 },
               'sample: arXiv rows per table');
    const [first] = await db.all(`SELECT id, title FROM read_parquet(${sqlString(`${out}/papers/*.parquet`)}) WHERE id = '0704.0001'`);
    checkEqual(first?.id, '0704.0001', "id '0704.0001' kept verbatim");
    checkEqual(first?.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
               'title unwrapped and faithful');
  }
  const manifest = JSON.parse(readFileSync(`${out}/_manifest.json`, 'utf8'));
  check(manifest.records.accepted + manifest.records.rejected === manifest.records.read,
        'manifest: accepted + rejected = read');
  for (const t of TABLES) {
    const [{ n }] = await db.all(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(`${out}/${t}/*.parquet`)})`);
    checkEqual(manifest.tables[t].rows, n, `manifest rows for ${t}`);
    checkEqual(manifest.tables[t].parts.reduce((a, p) => a + p.rows, 0), n, `manifest part rows for ${t}`);
  }
} finally {
  cleanup(dir);
}
finish();
