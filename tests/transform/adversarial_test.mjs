// Adversarial inputs for `arxivflow transform`: every case checks exit code,
// record accounting, rejects (line numbers, reasons) and what got published.
//
// usage: node tests/transform/adversarial_test.mjs ARXIVFLOW_BIN
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { check, checkEqual, cleanup, duck, finish, run, sqlString, TABLES, tempDir } from './lib.mjs';

const [bin] = process.argv.slice(2);
const SAMPLE = 'tests/data/arxiv-sample-200.jsonl';
const sampleLines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l.length > 0);
const dir = tempDir();
const db = await duck();

function transform(input, out, extra = []) {
  const threads = extra.includes('--threads') ? [] : ['--threads', '2'];
  return run(bin, ['transform', '--input', input, '--output', out, ...threads,
                   '--progress', 'never', ...extra]);
}
const manifestOf = (out) => JSON.parse(readFileSync(`${out}/_manifest.json`, 'utf8'));
const rejectsOf = (out) => readFileSync(`${out}/_rejects.jsonl`, 'utf8').split('\n')
  .filter((l) => l).map((l) => JSON.parse(l));
async function rows(out, table, where = 'true', cols = '*') {
  return db.all(`SELECT ${cols} FROM read_parquet(${sqlString(`${out}/${table}/*.parquet`)}) WHERE ${where} ORDER BY ALL`);
}
async function count(out, table) {
  const [{ n }] = await db.all(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(`${out}/${table}/*.parquet`)})`);
  return n;
}
// Runs one file through the transform and returns { r, out, m, rejects }.
let caseNo = 0;
function runCase(content, extra = [], name = 'in.jsonl') {
  const c = `${dir}/case${++caseNo}`;
  const input = `${c}-${name}`;
  writeFileSync(input, content);
  const out = `${c}-out`;
  const r = transform(input, out, extra);
  const published = existsSync(`${out}/_manifest.json`);
  return { r, out, input, m: published ? manifestOf(out) : null, rejects: published ? rejectsOf(out) : null };
}
const rec = (id, extra = {}) => JSON.stringify({ id, title: `Title ${id}`, ...extra });
// Tables as sorted row sets, for run-vs-run comparisons.
async function snapshotTables(out) {
  const all = {};
  for (const t of TABLES) all[t] = JSON.stringify(await rows(out, t), (k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return all;
}

try {
  // Empty file and whitespace only: a valid, empty run with readable empty tables.
  for (const [label, content] of [['empty file', ''], ['only whitespace', ' \n\t\r\n\n  ']]) {
    const { r, out, m } = runCase(content);
    check(r.status === 0, `${label}: exit 0 (${r.stderr.trim()})`);
    checkEqual(m?.records, { read: 0, accepted: 0, rejected: 0, duplicates: 0 }, `${label}: nothing read`);
    for (const t of TABLES) checkEqual(await count(out, t), 0, `${label}: ${t} readable and empty`);
  }

  {
    const { r, m, out } = runCase(`${sampleLines[0]}\n${sampleLines[1]}`);
    check(r.status === 0 && m.records.accepted === 2, 'last line without newline is read');
    checkEqual(await count(out, 'papers'), 2, 'last line without newline: 2 papers');
  }
  {
    const { m, out } = runCase(sampleLines.slice(0, 3).join('\r\n') + '\r\n');
    checkEqual(m.records, { read: 3, accepted: 3, rejected: 0, duplicates: 0 }, 'CRLF line ends accepted');
    const [p] = await rows(out, 'papers', "id = '0704.0003'", 'updatedate::VARCHAR AS d');
    checkEqual(p?.d, '2008-01-13', 'CRLF: last field before CR intact');
  }
  {
    const { m } = runCase(`\uFEFF${sampleLines[0]}\n${sampleLines[1]}\n`);
    checkEqual(m.records.accepted, 2, 'UTF-8 BOM skipped');
  }
  {
    const big = 'x'.repeat(50 << 20);
    const { r, m, out } = runCase(`${rec('a1')}\n${rec('big', { abstract: big })}\n${rec('a2')}\n`);
    check(r.status === 0 && m.records.accepted === 3, 'a 50 MB record is accepted');
    const [a] = await rows(out, 'abstracts', "id = 'big'", 'length(abstract) AS n');
    checkEqual(a?.n, 50 << 20, '50 MB abstract kept whole');
  }
  {
    const bad = Buffer.concat([Buffer.from(`${rec('ok1')}\n{"id":"bad","title":"caf`), Buffer.from([0xe9]),
                               Buffer.from(`"}\n${rec('ok2')}\n`)]);
    const { m, rejects } = runCase(bad);
    checkEqual([m.records.accepted, m.records.rejected], [2, 1], 'invalid UTF-8: record rejected, run goes on');
    checkEqual(rejects[0]?.line, 2, 'invalid UTF-8: reject names line 2');
    check(rejects[0]?.reason.includes('UTF-8') && typeof rejects[0]?.raw_base64 === 'string',
          `invalid UTF-8: reason and lossless raw_base64 (${rejects[0]?.reason})`);
    checkEqual(Buffer.from(rejects[0].raw_base64, 'base64').length, bad.toString('latin1').split('\n')[1].length,
               'invalid UTF-8: raw bytes kept');
  }
  {
    const lines = [rec('d1', { doi: 'first' }), rec('d2'), rec('d1', { doi: 'second' }), rec('d1', { doi: 'third' })];
    const { m, out, rejects } = runCase(lines.join('\n') + '\n');
    checkEqual(m.records, { read: 4, accepted: 2, rejected: 2, duplicates: 2 }, 'duplicate ids: first wins');
    checkEqual((await rows(out, 'papers', "id = 'd1'", 'doi'))[0]?.doi, 'first', 'duplicate ids: the first record kept');
    checkEqual(rejects.map((x) => x.line), [3, 4], 'duplicate ids: rejects at lines 3 and 4');
    check(rejects.every((x) => x.reason.startsWith('duplicate id')), 'duplicate ids: reason');
  }
  {
    // First wins across blocks and threads: tiny blocks, 4 workers, many repeats.
    const lines = [];
    for (let i = 0; i < 3000; i++) lines.push(rec(`k${i % 500}`, { doi: `copy-${Math.floor(i / 500)}` }));
    const { m, out } = runCase(lines.join('\n') + '\n', ['--threads', '4', '--block-bytes', '300']);
    checkEqual([m.records.accepted, m.records.duplicates], [500, 2500], 'duplicates across blocks: counts');
    const kept = await db.all(`SELECT DISTINCT doi FROM read_parquet(${sqlString(`${out}/papers/*.parquet`)})`);
    checkEqual(kept.map((x) => x.doi), ['copy-0'], 'duplicates across blocks and threads: the first in input order wins');
    const rj = rejectsOf(out);
    checkEqual(rj.map((x) => x.line).sort((a, b) => a - b).slice(0, 3), [501, 502, 503], 'duplicates across blocks: exact line numbers');
  }
  {
    const nulls = { submitter: null, authors: null, comments: null, 'journal-ref': null, doi: null,
                    'report-no': null, categories: null, license: null, abstract: null, versions: null,
                    update_date: null, authors_parsed: null };
    const { m, out } = runCase(`${rec('n1', nulls)}\n${rec('n2')}\n${rec('n3', { extra: 1, more: { deep: [1, 2, { x: null }] } })}\n`);
    checkEqual(m.records.accepted, 3, 'null in every nullable field, missing fields, unknown fields: accepted');
    const [p] = await rows(out, 'papers', "id = 'n1'");
    checkEqual(p, { id: 'n1', title: 'Title n1', categories: null, doi: null, comments: null, journalref: null,
                    license: null, reportno: null, submitter: null, updatedate: null }, 'nulls stay NULL');
    checkEqual([await count(out, 'authors'), await count(out, 'abstracts'), await count(out, 'versions'),
                await count(out, 'categories'), await count(out, 'titles')], [0, 0, 0, 0, 3],
               'nulls: no child rows, titles present');
  }
  {
    const deep = `{"id":"deep","title":"t","junk":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const lines = [deep, '[1,2,3]', '42', '"just a string"', 'null', '{"id":"ok","title":"fine"}',
                   '{"id":"noTitle"}', '{"title":"no id"}', '{"id":"wrong","title":"t","versions":{}}',
                   '{"id":"wrong2","title":"t","authors_parsed":[[1]]}', '{"id":"wrong3","title":"t","doi":5}',
                   '{"id":"trunc","title":"t"'];
    const { m, rejects } = runCase(lines.join('\n') + '\n');
    checkEqual([m.records.read, m.records.accepted, m.records.rejected], [12, 1, 11], 'junk lines: 11 rejects, 1 accepted');
    const reasons = Object.fromEntries(rejects.map((x) => [x.line, x.reason]));
    check(/depth|nest/i.test(reasons[1] ?? ''), `deeply nested junk rejected (${reasons[1]})`);
    check(reasons[2]?.includes('not a JSON object: the record is an array'), 'a line that is a JSON array');
    check(reasons[3]?.includes('is a number'), 'a line that is a number');
    checkEqual([reasons[7], reasons[8]], ['missing title', 'missing id'], 'missing title / id');
    check(reasons[9]?.includes("'versions' is an object"), 'versions not an array');
    check(reasons[10]?.includes('authors_parsed[0][0] is a number'), 'authors_parsed not strings');
    check(reasons[11]?.includes("'doi' is a number"), 'string field that is a number');
    check(reasons[12]?.startsWith('invalid JSON'), 'truncated JSON');
    check(rejects.every((x) => x.file.endsWith('in.jsonl') && typeof x.offset === 'number' && x.truncated === false),
          'rejects carry file, offset and truncated flag');
  }
  {
    // A JSON array file gives the same tables as the JSON Lines file.
    const base = runCase(sampleLines.slice(0, 50).join('\n') + '\n');
    const arr = runCase(`[\n${sampleLines.slice(0, 50).join(',\n')}\n]\n`, [], 'in.json');
    checkEqual([arr.r.status, arr.m?.inputs[0].layout, arr.m?.records.accepted], [0, 'json-array', 50], 'JSON array file read');
    checkEqual(await snapshotTables(arr.out), await snapshotTables(base.out), 'JSON array file: same tables as JSON Lines');
    const gz = runCase(gzipSync(Buffer.from(sampleLines.slice(0, 50).join('\n') + '\n')), [], 'in.bin');
    checkEqual([gz.m?.inputs[0].compression, gz.m?.records.accepted], ['gzip', 50], '.gz detected from content');
    checkEqual(await snapshotTables(gz.out), await snapshotTables(base.out), '.gz: same tables');
    const zin = `${dir}/sample.zst`;
    spawnSync('zstd', ['-q', '-f', '-o', zin, SAMPLE]);
    const zout = `${dir}/zst-out`;
    const zr = transform(zin, zout);
    checkEqual([zr.status, manifestOf(zout).inputs[0].compression, manifestOf(zout).records.accepted], [0, 'zstd', 200], '.zst read');
  }
  {
    // A cut .gz: clear error, exit 1, the previous output stays.
    const out = `${dir}/cut-out`;
    transform(SAMPLE, out);
    const before = readFileSync(`${out}/_manifest.json`, 'utf8');
    const packed = gzipSync(readFileSync(SAMPLE));
    writeFileSync(`${dir}/cut.gz`, packed.subarray(0, packed.length >> 1));
    const r = transform(`${dir}/cut.gz`, out);
    checkEqual(r.status, 1, '.gz cut short: exit 1');
    check(/truncated/.test(r.stderr) && r.stderr.includes('cut.gz'), `.gz cut short: clear error (${r.stderr.trim()})`);
    checkEqual(readFileSync(`${out}/_manifest.json`, 'utf8'), before, '.gz cut short: previous output intact');
    checkEqual(readdirSync(dir).filter((n) => n.includes('.tmp-')), [], '.gz cut short: no staging left behind');
  }
  {
    // --max-rejects: count and percent; exit 2 and nothing published.
    const lines = [rec('m1'), 'bad', rec('m2'), 'bad', 'bad'];
    const a = runCase(lines.join('\n'), ['--max-rejects', '2']);
    checkEqual([a.r.status, existsSync(a.out)], [2, false], '--max-rejects 2 with 3 rejects: exit 2, nothing published');
    const b = runCase(lines.join('\n'), ['--max-rejects', '3']);
    checkEqual(b.r.status, 0, '--max-rejects 3 with 3 rejects: exit 0');
    const c = runCase(lines.join('\n'), ['--max-rejects', '50%']);
    checkEqual([c.r.status, existsSync(c.out)], [2, false], '--max-rejects 50% with 60%: exit 2');
    const d = runCase(lines.join('\n'), ['--max-rejects', '60%']);
    checkEqual(d.r.status, 0, '--max-rejects 60% with 60%: exit 0');
    checkEqual(runCase('x', ['--max-rejects', 'lots']).r.status, 1, 'bad --max-rejects value: exit 1');
  }
  {
    // Shards: the union of N shard outputs equals the single run.
    const single = `${dir}/shard-single`;
    transform(SAMPLE, single);
    const want = await snapshotTables(single);
    writeFileSync(`${dir}/sample.gz`, gzipSync(readFileSync(SAMPLE)));
    for (const [input, n] of [[SAMPLE, 3], [SAMPLE, 7], [`${dir}/sample.gz`, 2]]) {
      const outs = [];
      let read = 0;
      for (let k = 0; k < n; k++) {
        const out = `${dir}/shard-${n}-${k}`;
        const r = transform(input, out, ['--shard', `${k}/${n}`]);
        check(r.status === 0, `shard ${k}/${n} of ${input}: exit 0 ${r.stderr.trim()}`);
        read += manifestOf(out).records.read;
        outs.push(out);
      }
      checkEqual(read, 200, `${n} shards of ${input}: records read add up`);
      const union = {};
      for (const t of TABLES) {
        const files = outs.map((o) => sqlString(`${o}/${t}/*.parquet`)).join(',');
        union[t] = JSON.stringify(await db.all(`SELECT * FROM read_parquet([${files}]) ORDER BY ALL`),
                                  (k, v) => (typeof v === 'bigint' ? v.toString() : v));
      }
      checkEqual(union, want, `${n} shards of ${input}: union equals the single run`);
    }
    checkEqual(runCase('x', ['--shard', '3/3']).r.status, 1, '--shard 3/3 rejected (K is 0-based)');
  }
  {
    // SIGKILL mid-run: the previous output stays intact, the next run cleans up.
    const big = `${dir}/big.jsonl`;
    const chunks = [];
    for (let i = 0; i < 400; i++) {
      for (const line of sampleLines) chunks.push(line.replace(/"id":"([^"]*)"/, `"id":"$1-${i}"`));
    }
    writeFileSync(big, chunks.join('\n') + '\n');
    const out = `${dir}/kill-out`;
    // Kill at about a third of a whole run's time, so it lands before the
    // publish however fast or loaded the machine is.
    const started = Date.now();
    transform(big, `${dir}/kill-timing`);
    const killAfter = Math.max(20, Math.floor((Date.now() - started) / 3));
    transform(SAMPLE, out);
    const before = readFileSync(`${out}/_manifest.json`, 'utf8');
    const child = spawn(bin, ['transform', '--input', big, '--output', out, '--threads', '2', '--progress', 'never']);
    await new Promise((resolve) => setTimeout(resolve, killAfter));
    child.kill('SIGKILL');
    const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    checkEqual([code, signal], [null, 'SIGKILL'], 'SIGKILL landed while the run was going');
    checkEqual(readFileSync(`${out}/_manifest.json`, 'utf8'), before, 'SIGKILL mid-run: previous output intact');
    checkEqual(await count(out, 'papers'), 200, 'SIGKILL mid-run: previous tables readable');
    const r = transform(SAMPLE, out);
    check(r.status === 0, 'run after SIGKILL succeeds');
    checkEqual(readdirSync(dir).filter((n) => n.includes('kill-out.tmp') || n.includes('kill-out.old')), [],
               'run after SIGKILL removed the killed run\'s staging folder');
  }
} finally {
  cleanup(dir);
}
finish();
