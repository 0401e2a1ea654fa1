// The six tables computed by Polars (nodejs-polars) from the snapshot, with
// the cleaning rules of docs/transform.md, as the peer of
// bench/transform/run.sh.
//
// usage: POLARS_MAX_THREADS=N node bench/transform/polars_transform.mjs SNAPSHOT OUT_DIR [STAGE_FILE]
//
// Written as a Polars user would for a snapshot of several GB: streaming
// queries throughout (memory stays bounded). One lazy scan of the JSON Lines
// with the schema declared cleans every text with expressions (Rust regex,
// linear time; each cleaned column computed once, blank-to-null through
// common subexpression elimination) and sinks a staging Parquet file (lz4,
// STAGE_FILE, default OUT_DIR/stage.parquet, deleted at the end); the six
// tables are then streamed from it (explode with positions) into snappy
// Parquet. Paragraph folding is the same three linear passes as the DuckDB
// peer (see duckdb_transform.mjs). Records without an id or a title are
// dropped; the reject and duplicate-id rules are not applied (the benchmark
// data has neither), which only spares Polars work.
import { mkdirSync, rmSync } from 'node:fs';
import pl from 'nodejs-polars';

const [snapshot, out, stageFile = `${out}/stage.parquet`] = process.argv.slice(2);

const blankToNull = (e) => pl.when(e.eq(pl.lit(''))).then(pl.lit(null)).otherwise(e);
const inlineText = (e) => blankToNull(e.str.replaceAll('[ \\t\\n\\r\\f\\v]+', ' ').str.stripChars(' '));
const paragraphs = (e) =>
  blankToNull(
    e.str.replaceAll('\n', ' \n', true)
      .str.replaceAll('[ \\t\\r\\f\\v]+', ' ')
      .str.replaceAll(' (\\n) \\n[ \\n]*|( )\\n ?', '$1$1$2')
      .str.stripChars(' \n'),
  );

const schema = {
  id: pl.Utf8,
  submitter: pl.Utf8,
  authors: pl.Utf8,
  title: pl.Utf8,
  comments: pl.Utf8,
  'journal-ref': pl.Utf8,
  doi: pl.Utf8,
  'report-no': pl.Utf8,
  categories: pl.Utf8,
  license: pl.Utf8,
  abstract: pl.Utf8,
  versions: pl.List(pl.Struct([new pl.Field('version', pl.Utf8), new pl.Field('created', pl.Utf8)])),
  update_date: pl.Utf8,
  authors_parsed: pl.List(pl.List(pl.Utf8)),
};

mkdirSync(out, { recursive: true });
await pl
  .scanJson(snapshot, { schema, inferSchemaLength: 0 })
  .filter(pl.col('id').str.lengths().gt(0).and(pl.col('title').str.contains('[^ \\t\\n\\r\\f\\v]')))
  .select(
    pl.col('id'),
    inlineText(pl.col('title')).alias('title'),
    inlineText(pl.col('categories')).alias('categories'),
    inlineText(pl.col('doi')).alias('doi'),
    inlineText(pl.col('comments')).alias('comments'),
    inlineText(pl.col('journal-ref')).alias('journalref'),
    inlineText(pl.col('license')).alias('license'),
    inlineText(pl.col('report-no')).alias('reportno'),
    inlineText(pl.col('submitter')).alias('submitter'),
    pl.col('update_date').str.strptime(pl.Date, '%Y-%m-%d').alias('updatedate'),
    paragraphs(pl.col('abstract')).alias('abstract'),
    pl.col('authors_parsed'),
    pl.col('versions'),
  )
  .sinkParquet(stageFile, { compression: 'lz4' })
  .collect({ commSubexprElim: true });
const stage = () => pl.scanParquet(stageFile);

// 1-based positions beside a list column, then one row per element.
const explodeWithPosition = (frame, list) =>
  frame
    .withColumns(pl.intRanges(pl.lit(1), pl.col(list).lst.lengths().add(1), 1, pl.Int32).alias('position'))
    .explode([list, 'position']);

const authorPart = (i) => inlineText(pl.col('parts').lst.get(i, true));
const created = pl.col('v').struct.field('created').str.strptime(pl.Datetime('ms'), '%a, %d %b %Y %H:%M:%S GMT');

const tables = {
  papers: stage().select('id', 'title', 'categories', 'doi', 'comments', 'journalref', 'license', 'reportno',
                              'submitter', 'updatedate'),
  authors: explodeWithPosition(stage().select('id', pl.col('authors_parsed').alias('parts')), 'parts')
    .filter(pl.col('position').isNotNull())
    .select('id', 'position', authorPart(0).alias('lastname'), authorPart(1).alias('firstname'),
            authorPart(2).alias('suffix'))
    .select('id',
            blankToNull(pl.concatString(['lastname', 'firstname', 'suffix'], ' ', true)).alias('author'),
            'position', 'lastname', 'firstname', 'suffix'),
  abstracts: stage().filter(pl.col('abstract').isNotNull())
    .select('id', 'abstract', pl.lit('arXiv').alias('origin')),
  categories: explodeWithPosition(
    stage().filter(pl.col('categories').isNotNull())
      .select('id', pl.col('categories').str.split(' ').alias('category')), 'category')
    .select('id', 'category', 'position'),
  versions: stage().select('id', pl.col('versions').alias('v')).explode('v')
    .filter(pl.col('v').isNotNull())
    .select('id', created.cast(pl.Datetime('us', 'UTC')).alias('created'),
            inlineText(pl.col('v').struct.field('version')).alias('version'))
    .select('id', 'created', 'version', pl.col('created').dt.month().cast(pl.Int16).alias('month'),
            pl.col('created').dt.year().cast(pl.Int16).alias('year'), pl.lit('arXiv').alias('origin')),
  titles: stage().select('id', 'title', pl.lit('arXiv').alias('origin')),
};
for (const [name, frame] of Object.entries(tables)) {
  mkdirSync(`${out}/${name}`, { recursive: true });
  await frame.sinkParquet(`${out}/${name}/part-00000.parquet`, { compression: 'snappy' })
    .collect({ commSubexprElim: true });
}
const [{ n }] = pl.scanParquet(stageFile).select(pl.len().alias('n')).collectSync().toRecords();
rmSync(stageFile, { force: true });
console.log(`polars: ${n} records`);
