#!/usr/bin/env node
// Takes the README's Gantt screenshot (docs/img/gantt.png): a throw-away home
// with a small DAG of shell tasks (two run in parallel), a real scheduler and
// webserver on loopback, one run to success, then the Gantt tab in headless
// Chromium (playwright-core), cropped to the chart.
// Usage: node scripts/gantt-screenshot.mjs <arxivflow binary> [output.png]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BIN = process.argv[2];
const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = process.argv[3] || path.join(SOURCE_DIR, 'docs', 'img', 'gantt.png');
if (!BIN) { console.error('usage: gantt-screenshot.mjs <arxivflow> [output.png]'); process.exit(2); }

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'af_gantt_'));
const env = { ...process.env, ARXIVFLOW_HOME: home };
const procs = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function af(...args) {
  const r = spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`arxivflow ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const task = (id, seconds, upstream) => [
  `  - task_id: ${id}`, '    operator: shell', `    args: {argv: ["/bin/sleep", "${seconds}"]}`,
  upstream ? `    upstream: [${upstream.join(', ')}]` : null].filter(Boolean).join('\n');

async function main() {
  af('db', 'init');
  for (const f of fs.readdirSync(path.join(home, 'dags'))) fs.rmSync(path.join(home, 'dags', f), { recursive: true });
  af('users', 'create', '--username', 'admin', '--password', 'gantt-pass', '--role', 'admin');
  fs.writeFileSync(path.join(home, 'dags', 'weekly_refresh.yaml'), [
    'dag_id: weekly_refresh', 'schedule: null', 'tasks:',
    task('download_snapshot', 1.5), task('transform_snapshot', 3, ['download_snapshot']),
    task('create_tables', 1, ['download_snapshot']),
    task('load_papers', 2, ['transform_snapshot', 'create_tables']),
    task('load_authors', 1.5, ['transform_snapshot', 'create_tables']),
    task('quality_checks', 1, ['load_papers', 'load_authors']), ''].join('\n'));
  const logPath = path.join(home, 'webserver.log');
  const log = fs.openSync(logPath, 'w');
  procs.push(spawn(BIN, ['webserver', '--port', '0'], { env, stdio: ['ignore', log, log] }));
  procs.push(spawn(BIN, ['scheduler', '--parallelism', '2'], { env, stdio: 'ignore' }));
  let base = null;
  for (let i = 0; i < 300 && !base; i++) {
    const m = fs.readFileSync(logPath, 'utf8').match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) base = `http://127.0.0.1:${m[1]}`; else await sleep(100);
  }
  if (!base) throw new Error('webserver did not start');
  af('dags', 'unpause', 'weekly_refresh');
  af('dags', 'trigger', 'weekly_refresh', '--run-id', 'manual__weekly');
  const auth = { Authorization: 'Basic ' + Buffer.from('admin:gantt-pass').toString('base64') };
  for (let i = 0; ; i++) {
    const run = await (await fetch(base + '/api/v1/dags/weekly_refresh/dagRuns/manual__weekly', { headers: auth })).json();
    if (run.state === 'success') break;
    if (run.state === 'failed' || i > 600) throw new Error('the run did not succeed: ' + JSON.stringify(run));
    await sleep(100);
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(base + '/login');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'gantt-pass');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dags-table');
    await page.goto(base + '/dags/weekly_refresh/gantt');
    await page.waitForSelector('#gantt-svg g.bar rect.running');
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    await (await page.$('.dag-layout .left')).screenshot({ path: OUT });
  } finally {
    await browser.close();
  }
  const bytes = fs.statSync(OUT).size;
  console.log(`wrote ${OUT} (${bytes} bytes)`);
  if (bytes >= 200 * 1024) throw new Error('the screenshot is larger than 200 KB');
}

main().catch((e) => { console.error(e); process.exitCode = 1; }).finally(() => {
  for (const p of procs) p.kill('SIGTERM');
  setTimeout(() => fs.rmSync(home, { recursive: true, force: true }), 500);
});
