// Cross-site request forgery through a browser's Basic credentials, in
// headless Chromium (playwright-core) against a real `arxivflow webserver`:
//
// 1. The admin opens the API in the browser, which holds their Basic
//    credentials (Playwright answers any login prompt with them). The server
//    must not prompt a browser, so nothing gets cached.
// 2. A page on another site (127.0.0.2, all loopback) auto-submits a
//    text/plain form, and makes a no-cors fetch, to POST /dagRuns: no run may
//    be created.
// 3. The same with Basic credentials the browser already holds and attaches
//    to every request: still no run (the requests are cross-site, and not
//    JSON).
// 4. The UI's own writes (same origin, JSON, CSRF token) still work.
// Usage: node tests/server/browser_csrf_test.mjs <arxivflow>
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Harness } from './browser_harness.mjs';

const BIN = process.argv[2];
if (!BIN) { console.error('usage: browser_csrf_test.mjs <arxivflow>'); process.exit(2); }
const PASSWORD = 'csrf-admin-pass';
const h = new Harness(BIN, { prefix: 'af_csrf_' });
const { home } = h;
const af = (...args) => h.af(...args);
const check = (cond, what) => h.check(cond, what);

// The attacker's site: another origin on loopback serving the forging pages.
async function startAttacker(target) {
  const runs = `${target}/api/v1/dags/csrf_target/dagRuns`;
  const pages = {
    '/form': `<!doctype html><form id="f" method="POST" action="${runs}" enctype="text/plain">
      <input name='{"dag_run_id": "csrf_form", "conf": {"x": "' value='"}}'></form>
      <script>document.getElementById('f').submit();</script>`,
    '/fetch': `<!doctype html><script>
      fetch(${JSON.stringify(runs)}, {method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: {'Content-Type': 'text/plain'}, body: '{"dag_run_id": "csrf_fetch"}'})
        .finally(() => { document.title = 'sent'; });
    </script>`,
  };
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(pages[req.url] || 'nothing here');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.2', resolve));
  return { server, base: `http://127.0.0.2:${server.address().port}` };
}

async function runIds(base) {
  const r = await fetch(`${base}/api/v1/dags/csrf_target/dagRuns`, {
    headers: { Authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') },
  });
  const body = await r.json();
  return body.dag_runs.map((d) => d.dag_run_id);
}

async function forge(context, attacker, base, label) {
  const page = await context.newPage();
  const posts = [];  // promises of "did it carry an Authorization header"
  const responses = [];
  const watch = (p) => {
    p.on('request', (req) => {
      if (req.method() === 'POST' && req.url().startsWith(base)) {
        posts.push(req.allHeaders().then((h) => 'authorization' in h, () => false));
      }
    });
    p.on('response', (res) => {
      if (res.request().method() === 'POST' && res.url().startsWith(base)) responses.push(res.status());
    });
  };
  watch(page);
  await page.goto(attacker + '/form');
  await page.waitForLoadState('load');
  await page.waitForTimeout(500);
  const fetchPage = await context.newPage();
  watch(fetchPage);
  await fetchPage.goto(attacker + '/fetch');
  await fetchPage.waitForFunction(() => document.title === 'sent', null, { timeout: 10000 }).catch(() => {});
  await fetchPage.waitForTimeout(300);
  const withCredentials = await Promise.all(posts);
  await page.close();
  await fetchPage.close();
  console.log(`     ${label}: ${posts.length} forged POST(s) reached the server, credentials attached: ` +
              `${JSON.stringify(withCredentials)}, statuses ${JSON.stringify(responses)}`);
  return { posts: posts.length, withCredentials, responses };
}

async function main() {
  af('db', 'init');
  for (const name of fs.readdirSync(path.join(home, 'dags'))) fs.rmSync(path.join(home, 'dags', name), { recursive: true });
  fs.writeFileSync(path.join(home, 'dags', 'csrf_target.yaml'),
    'dag_id: csrf_target\nis_paused_upon_creation: true\ntasks:\n  - {task_id: only, operator: noop}\n');
  af('users', 'create', '--username', 'admin', '--password', PASSWORD, '--role', 'admin');
  const base = await h.startServer();
  const attacker = await startAttacker(base);
  const browser = await h.launchBrowser();
  try {
    // --- 1 + 2: the admin's browser answers any Basic prompt.
    const prompted = await browser.newContext({ httpCredentials: { username: 'admin', password: PASSWORD } });
    const page = await prompted.newPage();
    const res = await page.goto(base + '/api/v1/dags');
    const headers = res.headers();
    check(res.status() === 401 && !('www-authenticate' in headers),
      `a browser opening the API gets 401 without a Basic challenge (got ${res.status()}, ` +
      `WWW-Authenticate: ${headers['www-authenticate'] || 'none'})`);
    await page.close();
    await forge(prompted, attacker.base, base, 'after the admin opened the API');
    let ids = await runIds(base);
    check(!ids.includes('csrf_form') && !ids.includes('csrf_fetch'), `no run created by the forged requests (${ids})`);
    await prompted.close();

    // --- 3: a browser that holds the admin's Basic credentials anyway (cached
    // from an older server, typed into a URL) attaches them to every request
    // to the server, as Chromium does with cached credentials.
    const always = await browser.newContext();
    let attached = 0;
    const authorization = 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64');
    await always.route((url) => url.href.startsWith(base), (route) => {
      attached++;
      route.continue({ headers: { ...route.request().headers(), authorization } });
    });
    const sent = await forge(always, attacker.base, base, 'with cached credentials attached');
    ids = await runIds(base);
    check(sent.posts >= 1 && attached >= sent.posts, `the forged requests carried the credentials (${attached})`);
    check(sent.responses.length >= 1 && sent.responses.every((s) => s === 403 || s === 415),
      `the forged requests were refused (403/415): ${JSON.stringify(sent.responses)}`);
    check(!ids.includes('csrf_form') && !ids.includes('csrf_fetch'), `still no forged run (${ids})`);
    await always.close();

    // --- 4: the UI's own writes still work: log in, then trigger with the CSRF token.
    const ui = await browser.newContext();
    const uiPage = await ui.newPage();
    await uiPage.goto(base + '/login');
    const status = await uiPage.evaluate(async (password) => {
      const login = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }) });
      const { csrf_token } = await login.json();
      const run = await fetch('/api/v1/dags/csrf_target/dagRuns', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf_token },
        body: JSON.stringify({ dag_run_id: 'from_the_ui' }) });
      return run.status;
    }, PASSWORD);
    ids = await runIds(base);
    check(status === 200 && ids.includes('from_the_ui'), `the UI's own same-origin write works (${status})`);
    await ui.close();
  } finally {
    await browser.close();
    attacker.server.close();
  }
}

try {
  await main();
} catch (e) {
  h.fail(e);
}
h.finish('all CSRF checks passed');
