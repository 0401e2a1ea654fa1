// A running task's progress in the web UI, in headless Chromium
// (playwright-core), against a real `arxivflow webserver` + scheduler on a
// throw-away home, with the real commands:
//   - a running `transform` shows records, percent and rate on its task page,
//     in the grid cell's tooltip and bar, and in the API's task instance JSON;
//   - a `warehouse load` waiting for the SQLite warehouse's write lock (held
//     by this test) shows "waiting for the write lock on ... (held by ...)"
//     and a striped bar; once the lock is released it finishes and the
//     progress goes away.
// To look at a transform mid-run whatever the machine's speed, the test stops
// the transform process (SIGSTOP) once it has reported progress, and resumes
// it after the checks. Nothing here asserts a time.
// Usage: node tests/server/progress_browser_test.mjs <arxivflow> <artifacts dir>
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Harness, sleep } from './browser_harness.mjs';

const BIN = process.argv[2];
const ARTIFACTS = process.argv[3] || path.resolve('build/artifacts');
if (!BIN) { console.error('usage: progress_browser_test.mjs <arxivflow> [artifacts dir]'); process.exit(2); }

const RECORDS = 200000;  // enough for the transform to report progress before it ends
const h = new Harness(BIN, {
  prefix: 'af_progress_', env: { ARXIVFLOW_HEARTBEAT_INTERVAL: '0.5' }, cliTimeoutMs: 300000, artifacts: ARTIFACTS,
});
const { home, procs } = h;
let stopped = null;  // pid of a SIGSTOPped transform, resumed on every exit path
h.beforeStop.push(() => { if (stopped) process.kill(stopped, 'SIGCONT'); });
const af = (...args) => h.af(...args);
const check = (cond, what) => h.check(cond, what);
const shot = (page, name) => h.shot(page, name);

async function waitFor(what, fn, timeoutMs = 120000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(50);
  }
}

// The children of a process (Linux /proc).
function childrenOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch (_) { return []; }
}

function readJson(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (_) { return null; }
}

async function main() {
  if (!h.hasPipelineCommands()) {
    h.finish('SKIP: this binary has no transform/warehouse commands');
  }
  af('db', 'init');
  af('users', 'create', '--username', 'admin', '--password', 'progress-pass', '--role', 'admin');
  const snapshot = path.join(home, 'snapshot.jsonl');
  af('gen', '--records', String(RECORDS), '--seed', '1', '--output', snapshot);
  const wh = path.join(home, 'warehouse.db');
  af('connections', 'add', 'warehouse', '--conn-uri', `sqlite://${wh}`);
  af('warehouse', 'create', '--conn', 'warehouse');
  fs.writeFileSync(path.join(home, 'dags', 'progress_probe.yaml'), [
    'dag_id: progress_probe',
    'schedule: null',
    'start_date: 2026-01-01',
    'tasks:',
    '  - task_id: transform',
    '    operator: transform',
    `    args: {input: "${snapshot}", output: "${path.join(home, 'lake')}", threads: 1}`,
    '  - task_id: load_papers',
    '    operator: warehouse_load',
    `    args: {conn: warehouse, from: "${path.join(home, 'lake')}", tables: papers}`,
    'dependencies:',
    '  - "transform >> load_papers"',
    ''].join('\n'));

  // The warehouse's write lock, held by this test until it closes the helper's stdin.
  const holder = spawn('python3', ['-c', [
    'import fcntl, os, sys',
    `fd = os.open(${JSON.stringify(wh + '.lock')}, os.O_RDWR | os.O_CREAT, 0o644)`,
    'fcntl.flock(fd, fcntl.LOCK_EX)',
    'os.ftruncate(fd, 0)',
    'os.pwrite(fd, b"pid %d: a test holding the write lock\\n" % os.getpid(), 0)',
    'print("locked", flush=True)',
    'sys.stdin.read()',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
  procs.push(holder);
  await new Promise((resolve) => holder.stdout.once('data', resolve));

  const base = await h.startServer();
  h.start(['scheduler', '--parallelism', '2'], 'scheduler.log');

  const browser = await h.launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  try {
    await page.goto(base + '/login');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'progress-pass');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dags-table tr[data-dag="progress_probe"]', { timeout: 30000 });
    const api = (p) => page.evaluate(async (url) => (await fetch('/api/v1' + url, { headers: { Accept: 'application/json' } })).json(), p);

    const runId = af('dags', 'trigger', 'progress_probe').trim().split('\n').pop();
    const tiPath = (task) => `/dags/progress_probe/dagRuns/${encodeURIComponent(runId)}/taskInstances/${task}`;
    const progressFile = (task) => path.join(home, 'logs', 'dag_id=progress_probe', `run_id=${runId}`, `task_id=${task}`, 'attempt=1.progress.json');

    // --- a running transform: stop it once it has reported records
    const ti = await waitFor('the transform to run', async () => {
      const t = await api(tiPath('transform'));
      return t.state === 'running' && t.pid ? t : null;
    });
    await waitFor('the transform to report progress', () => {
      const p = readJson(progressFile('transform'));
      return p && !p.finished && p.records_done > 0;
    });
    const transformPid = await waitFor('the transform process', () => childrenOf(ti.pid)[0]);
    process.kill(transformPid, 'SIGSTOP');
    stopped = transformPid;
    const running = await api(tiPath('transform'));
    const p = running.progress;
    check(p && p.unit === 'records' && p.done > 0 && p.done < RECORDS + 1 && p.phase === 'transforming',
      `API: a running transform has progress (${JSON.stringify(p)})`);
    check(p && typeof p.percent === 'number' && p.percent > 0 && p.percent < 100 && p.rate > 0, 'API: percent and rate');

    await page.goto(base + `/dags/progress_probe/runs/${encodeURIComponent(runId)}/tasks/transform`);
    await page.waitForSelector('#ti-progress');
    const text = await page.textContent('#ti-progress');
    check(/[\d,]+ records \(\d+%\)/.test(text) && /records\/s/.test(text), `task page shows records, percent, rate: "${text}"`);
    check(await page.$('#ti-progress .progress .fill') !== null, 'task page shows a progress bar');
    await shot(page, 'progress-transform-task');

    await page.goto(base + '/dags/progress_probe/grid');
    await page.waitForSelector('#grid tr[data-task="transform"] .cell .cell-progress');
    const title = await page.getAttribute('#grid tr[data-task="transform"] .cell', 'title');
    check(/records \(\d+%\)/.test(title), `grid cell tooltip shows the progress: ${JSON.stringify(title)}`);
    await shot(page, 'progress-transform-grid');
    process.kill(transformPid, 'SIGCONT');
    stopped = null;

    // --- a load waiting for the write lock
    await waitFor('the load to wait for the write lock', async () => {
      const t = await api(tiPath('load_papers'));
      return t.state === 'running' && t.progress && t.progress.phase === 'waiting_for_lock' ? t : null;
    }, 300000);
    const loadUrl = base + `/dags/progress_probe/runs/${encodeURIComponent(runId)}/tasks/load_papers`;
    await page.goto(loadUrl);
    await page.waitForSelector('#ti-progress .progress.waiting');
    const waiting = await page.textContent('#ti-progress');
    check(waiting.includes('waiting for the write lock on') && waiting.includes('held by pid') &&
      waiting.includes('a test holding the write lock'), `task page says what the load waits for: "${waiting}"`);
    await shot(page, 'progress-load-waiting');
    await page.goto(base + '/dags/progress_probe/grid');
    await page.waitForSelector('#grid tr[data-task="load_papers"] .cell .cell-progress.waiting');
    const loadTitle = await page.getAttribute('#grid tr[data-task="load_papers"] .cell', 'title');
    check(loadTitle.includes('waiting for the write lock'), 'grid cell tooltip says the load waits for the write lock');

    holder.stdin.end();  // release the lock: the load goes on and the run succeeds
    await waitFor('the run to succeed', async () => {
      const r = await api(`/dags/progress_probe/dagRuns/${encodeURIComponent(runId)}`);
      if (r.state === 'failed') throw new Error('the run failed');
      return r.state === 'success';
    }, 300000);
    const done = await api(tiPath('load_papers'));
    check(done.progress === null, 'a finished task has no progress');
    check(Array.isArray(done.result) && done.result[0].rows_loaded === RECORDS, `the load finished (${JSON.stringify(done.result)})`);
    check(!fs.existsSync(progressFile('load_papers')), 'the progress file is removed when the task ends');
    await page.goto(loadUrl);
    await page.waitForSelector('#ti-details');
    check(await page.$('#ti-progress') === null, 'the task page shows no progress once finished');
  } catch (e) {
    h.fail(e);
    try { await shot(page, 'progress-failure'); } catch (_) { /* ignore */ }
  } finally {
    await browser.close();
  }
  h.finish('all progress checks passed', 'scheduler.log');
}

main().catch((e) => { h.fail(e); h.finish('all progress checks passed', 'scheduler.log'); });
