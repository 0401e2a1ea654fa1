// arxivflow web UI: a small single-page app over the REST API (/api/v1).
//
// Safety rule: every piece of data reaches the page through textContent,
// attribute setters or createTextNode, never through innerHTML, so DAG
// descriptions, logs and paper titles cannot inject markup or script.
'use strict';

const STATES = ['success', 'running', 'failed', 'queued', 'up_for_retry', 'upstream_failed', 'skipped',
  'scheduled', 'removed', 'none'];
const FINISHED = new Set(['success', 'failed', 'upstream_failed', 'skipped', 'removed']);
const POLL_MS = 1500;

const session = { username: null, role: null, csrf: null };
let pollTimer = null;
let pageToken = 0;  // bumps on navigation; stale async work checks it

// ---------------------------------------------------------------- DOM helpers

// h('a', {href: '/x', class: 'y', onclick: fn}, 'text', childNode, ...)
function h(tag, attrs, ...children) {
  const el = tag === 'svg' || SVG_TAGS.has(tag)
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'checked' || k === 'disabled' || k === 'value' || k === 'hidden' || k === 'selected') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}
const SVG_TAGS = new Set(['g', 'rect', 'path', 'text', 'defs', 'marker', 'title', 'line', 'circle', 'tspan']);

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
function $(id) { return document.getElementById(id); }
const enc = encodeURIComponent;

function stateClass(state) { return 'state-' + (state && STATES.includes(state) ? state : 'none'); }
function stateBadge(state) { return h('span', { class: 'badge ' + stateClass(state) }, state || 'no status'); }

function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}
function fmtDuration(sec) {
  if (sec === null || sec === undefined) return '';
  sec = Number(sec);
  if (sec < 60) return sec.toFixed(sec < 10 ? 2 : 1) + ' s';
  const m = Math.floor(sec / 60), s = Math.round(sec % 60);
  if (m < 60) return m + ' min ' + s + ' s';
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}
function fmtNumber(n) { return n === null || n === undefined ? '' : Number(n).toLocaleString('en-US'); }
// A running task's progress (task instance JSON "progress"), as one line:
// "1,200,000 / 2,900,000 rows (41%), 850,000 rows/s, ETA 2 s", or what it
// waits for.
function progressText(p) {
  if (!p) return '';
  if (p.phase === 'waiting_for_lock') {
    return 'waiting for ' + (p.waiting_for || 'the write lock') + (p.holder ? ' (held by ' + p.holder + ')' : '');
  }
  const parts = [fmtNumber(p.done) + (p.total !== null && p.total !== undefined ? ' / ' + fmtNumber(p.total) : '') + ' ' + p.unit +
    (p.percent !== null && p.percent !== undefined ? ' (' + Math.floor(p.percent) + '%)' : '')];
  if (p.rate) parts.push(fmtNumber(p.rate) + ' ' + p.unit + '/s');
  if (p.eta_seconds !== null && p.eta_seconds !== undefined) parts.push('ETA ' + (p.eta_seconds < 60 ? Math.round(p.eta_seconds) + ' s' : fmtDuration(p.eta_seconds)));
  if (p.phase && p.phase !== 'loading' && p.phase !== 'transforming') parts.push(p.phase.replace(/_/g, ' '));
  return parts.join(', ');
}
// A small bar filled to the progress's percent (striped while waiting).
function progressBar(p, cls) {
  const waiting = p.phase === 'waiting_for_lock';
  const fill = h('span', { class: 'fill' });
  fill.style.width = (waiting ? 100 : Math.max(0, Math.min(100, Number(p.percent) || 0))) + '%';
  return h('span', { class: cls + (waiting ? ' waiting' : ''), 'data-percent': p.percent === null ? '' : String(p.percent) }, fill);
}
function runDuration(run) {
  if (!run.start_date) return null;
  const end = run.end_date ? new Date(run.end_date) : new Date();
  return (end - new Date(run.start_date)) / 1000;
}

function flash(message, ok) {
  const el = $('flash');
  el.textContent = message;
  el.className = 'flash' + (ok ? ' ok' : '');
  el.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { el.hidden = true; }, ok ? 3000 : 8000);
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(method, path, body) {
  const headers = { 'X-Requested-With': 'fetch', 'Accept': 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  // Every write is JSON, even without a body: the server refuses other types.
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  if (body !== undefined) init.body = JSON.stringify(body);
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const res = await fetch('/api/v1' + path, init);
  if (res.status === 401 && !path.startsWith('/auth/login')) {
    goLogin();
    throw new ApiError(401, 'Please log in');
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, (data && data.detail) || res.statusText);
  return data;
}

function isAdmin() { return session.role === 'admin'; }

// ---------------------------------------------------------------- routing

function navigate(url, replace) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render();
}

function goLogin() {
  if (location.pathname === '/login') return;
  navigate('/login?next=' + enc(location.pathname + location.search), true);
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[data-link]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => render());

function link(href, ...children) { return h('a', { href, 'data-link': true }, ...children); }

function startPolling(fn) {
  stopPolling();
  const token = pageToken;
  const tick = async () => {
    if (token !== pageToken) return;
    try { await fn(); } catch (e) { if (e.status !== 401) console.warn(e); }
    if (token === pageToken) pollTimer = setTimeout(tick, POLL_MS);
  };
  pollTimer = setTimeout(tick, POLL_MS);
}
function stopPolling() { if (pollTimer) clearTimeout(pollTimer); pollTimer = null; }

async function render() {
  pageToken++;
  stopPolling();
  const main = clear($('main'));
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  for (const a of document.querySelectorAll('[data-nav]')) {
    const nav = a.dataset.nav;
    a.classList.toggle('active', path === '/' + nav || path.startsWith('/' + nav + '/'));
  }
  if (path === '/login') return renderLogin(main, params.get('next') || '/dags');
  if (!session.username) {
    try { await loadSession(); } catch (e) { return; }
  }
  let m;
  try {
    if (path === '/' || path === '/dags') await renderDags(main);
    else if ((m = path.match(/^\/dags\/([^/]+)\/runs\/([^/]+)\/tasks\/([^/]+)$/)))
      await renderTaskInstance(main, decodeURIComponent(m[1]), decodeURIComponent(m[2]), decodeURIComponent(m[3]), params);
    else if ((m = path.match(/^\/dags\/([^/]+)(?:\/(grid|graph|gantt|durations))?$/)))
      await renderDag(main, decodeURIComponent(m[1]), m[2] || 'grid', params);
    else if (path === '/connections') await renderConnections(main);
    else if (path === '/variables') await renderVariables(main);
    else if (path === '/data') await renderData(main, params);
    else if (path === '/import-errors') await renderImportErrors(main);
    else if (path === '/audit-log') await renderAuditLog(main, params);
    else main.appendChild(h('div', { class: 'empty' }, 'Page not found.'));
  } catch (e) {
    if (e.status !== 401) main.appendChild(h('div', { class: 'banner' }, 'Could not load this page: ' + e.message));
  }
}

async function loadSession() {
  const s = await api('GET', '/auth/session');
  session.username = s.username;
  session.role = s.role;
  session.csrf = s.csrf_token || null;
  $('user').textContent = s.username + ' (' + s.role + ')';
  $('nav-browse').style.display = s.role === 'admin' ? '' : 'none';  // the audit log is for admins
  $('logout').hidden = false;
}

// ---------------------------------------------------------------- login

function renderLogin(main, next) {
  $('user').textContent = '';
  $('logout').hidden = true;
  const user = h('input', { type: 'text', id: 'username', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'error muted' });
  const form = h('form', { class: 'login-box', id: 'login-form' },
    h('h1', null, 'Sign in to arxivflow'),
    h('label', { for: 'username' }, 'User name'), user,
    h('label', { for: 'password' }, 'Password'), pass,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    try {
      const s = await api('POST', '/auth/login', { username: user.value, password: pass.value });
      session.username = s.username; session.role = s.role; session.csrf = s.csrf_token;
      $('user').textContent = s.username + ' (' + s.role + ')';
      $('logout').hidden = false;
      // Only local paths: never follow an absolute or protocol-relative URL.
      navigate(/^\/[^/\\]/.test(next) ? next : '/dags', true);
    } catch (e) {
      error.textContent = e.message;
    }
  });
  main.appendChild(form);
  user.focus();
}

$('logout').addEventListener('click', async () => {
  try { await api('POST', '/auth/logout'); } catch (e) { /* ignore */ }
  session.username = session.role = session.csrf = null;
  navigate('/login', true);
});

setInterval(() => { $('clock').textContent = new Date().toISOString().slice(11, 19) + ' UTC'; }, 1000);

// ---------------------------------------------------------------- dialogs

// Shows a modal form; `build(form)` adds fields and returns a function that
// collects the values (throwing Error to show a message). Resolves with the
// values, or null when cancelled. `submit(values)` may throw to keep it open.
function openDialog(title, build, submitLabel, submit) {
  return new Promise((resolve) => {
    const dlg = $('dialog');
    const form = clear($('dialog-form'));
    form.appendChild(h('h2', null, title));
    const collect = build(form);
    const error = h('div', { class: 'error' });
    const ok = h('button', { class: 'primary', value: 'ok', id: 'dialog-ok' }, submitLabel || 'Save');
    const cancel = h('button', { value: 'cancel', type: 'button', onclick: () => { dlg.close(); resolve(null); } }, 'Cancel');
    form.appendChild(error);
    form.appendChild(h('div', { class: 'actions' }, cancel, ok));
    ok.addEventListener('click', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      try {
        const values = collect();
        if (submit) await submit(values);
        dlg.close();
        resolve(values);
      } catch (e) {
        error.textContent = e.message;
      }
    });
    dlg.showModal();
  });
}

function field(form, label, input) {
  form.appendChild(h('label', { for: input.id }, label));
  form.appendChild(input);
  return input;
}

async function confirmAction(title, text, label) {
  const r = await openDialog(title, (form) => { form.appendChild(h('p', null, text)); return () => true; }, label || 'Confirm');
  return r !== null;
}

// ---------------------------------------------------------------- DAGs page

async function triggerDialog(dagId) {
  return openDialog('Trigger DAG ' + dagId, (form) => {
    const conf = field(form, 'Configuration JSON (optional)', h('textarea', { id: 'trigger-conf', placeholder: '{}' }));
    const runId = field(form, 'Run id (optional)', h('input', { type: 'text', id: 'trigger-run-id', placeholder: 'manual__<now>' }));
    return () => {
      let c = {};
      if (conf.value.trim()) {
        try { c = JSON.parse(conf.value); } catch (e) { throw new Error('The configuration is not valid JSON: ' + e.message); }
        if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('The configuration must be a JSON object.');
      }
      const body = { conf: c };
      if (runId.value.trim()) body.dag_run_id = runId.value.trim();
      return body;
    };
  }, 'Trigger', async (body) => {
    const run = await api('POST', '/dags/' + enc(dagId) + '/dagRuns', body);
    flash('Triggered ' + dagId + ': ' + run.dag_run_id, true);
  });
}

function pauseSwitch(dag, onChange) {
  const input = h('input', { type: 'checkbox', checked: !dag.is_paused, disabled: !isAdmin(),
    title: dag.is_paused ? 'Paused: click to unpause' : 'Active: click to pause', 'aria-label': 'pause ' + dag.dag_id });
  input.addEventListener('change', async () => {
    try {
      await api('PATCH', '/dags/' + enc(dag.dag_id), { is_paused: !input.checked });
      if (onChange) onChange();
    } catch (e) {
      input.checked = !input.checked;
      flash(e.message);
    }
  });
  return h('label', { class: 'switch' }, input, h('span'));
}

async function importErrorBanner() {
  const errs = await api('GET', '/importErrors');
  if (!errs.total_entries) return null;
  return h('details', { class: 'banner', id: 'import-errors' },
    h('summary', null, errs.total_entries + ' DAG import error' + (errs.total_entries > 1 ? 's' : '')),
    errs.import_errors.map((e) => h('div', null, h('b', null, e.filename), h('pre', null, e.stack_trace))));
}

async function renderDags(main) {
  main.appendChild(h('h1', null, 'DAGs'));
  const bannerSlot = main.appendChild(h('div'));
  const tableSlot = main.appendChild(h('div'));
  const draw = async () => {
    const [dags, banner] = await Promise.all([api('GET', '/dags?recent_runs=12&limit=1000'), importErrorBanner()]);
    const open = bannerSlot.querySelector('details')?.open;
    clear(bannerSlot);
    if (banner) { banner.open = !!open; bannerSlot.appendChild(banner); }
    const rows = dags.dags.map((d) => h('tr', { 'data-dag': d.dag_id },
      h('td', null, pauseSwitch(d, draw)),
      h('td', null, link('/dags/' + enc(d.dag_id) + '/grid', h('b', null, d.dag_id)),
        h('div', null, (d.tags || []).map((t) => h('span', { class: 'tag' }, t.name)))),
      h('td', { class: 'desc' }, d.description || ''),
      h('td', null, h('code', null, d.schedule_interval ? d.schedule_interval.value : 'None')),
      h('td', { class: 'runs' }, (d.recent_runs || []).slice().reverse().map((r) =>
        h('a', { href: '/dags/' + enc(d.dag_id) + '/grid?run_id=' + enc(r.dag_run_id), 'data-link': true },
          h('span', { class: 'dot ' + stateClass(r.state), title: r.dag_run_id + ': ' + r.state })))),
      h('td', { class: 'num' }, d.task_count),
      h('td', null, isAdmin()
        ? h('button', { class: 'trigger', title: 'Trigger DAG', 'data-dag': d.dag_id,
          onclick: async () => { if (await triggerDialog(d.dag_id)) draw(); } }, '▶ Trigger')
        : null)));
    clear(tableSlot).appendChild(h('table', { class: 'list', id: 'dags-table' },
      h('thead', null, h('tr', null, h('th', null, 'Active'), h('th', null, 'DAG'), h('th', null, 'Description'),
        h('th', null, 'Schedule'), h('th', null, 'Recent runs'), h('th', null, 'Tasks'), h('th', null, 'Actions'))),
      h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'No DAGs. Put DAG files in the home\'s dags/ folder.')))));
  };
  await draw();
  startPolling(draw);
}

async function renderImportErrors(main) {
  main.appendChild(h('h1', null, 'Import errors'));
  const errs = await api('GET', '/importErrors');
  if (!errs.total_entries) { main.appendChild(h('div', { class: 'empty' }, 'Every DAG file parsed.')); return; }
  main.appendChild(h('table', { class: 'list' },
    h('thead', null, h('tr', null, h('th', null, 'File'), h('th', null, 'When'), h('th', null, 'Error'))),
    h('tbody', null, errs.import_errors.map((e) => h('tr', null, h('td', { class: 'mono' }, e.filename),
      h('td', null, fmtDate(e.timestamp)), h('td', null, h('pre', { class: 'wrap' }, e.stack_trace)))))));
}

// ---------------------------------------------------------------- DAG page

function legend() {
  return h('div', { class: 'legend' }, STATES.map((s) =>
    h('span', null, h('span', { class: 'swatch ' + stateClass(s) }), s === 'none' ? 'no status' : s)));
}

// Topological levels: a task sits one column right of its deepest upstream.
function levels(tasks) {
  const byId = new Map(tasks.map((t) => [t.task_id, t]));
  const level = new Map();
  const visit = (id, depth) => {
    if (level.has(id)) return level.get(id);
    if (depth > tasks.length) return 0;  // defensive: cycles cannot come from the parser
    const t = byId.get(id);
    let l = 0;
    for (const u of (t && t.upstream_task_ids) || []) l = Math.max(l, visit(u, depth + 1) + 1);
    level.set(id, l);
    return l;
  };
  for (const t of tasks) visit(t.task_id, 0);
  return level;
}

function drawGraph(tasks, states, onSelect, selectedTask) {
  const level = levels(tasks);
  const columns = [];
  for (const t of tasks) {
    const l = level.get(t.task_id);
    (columns[l] = columns[l] || []).push(t);
  }
  const W = 190, H = 46, GX = 70, GY = 22, PAD = 20;
  const rows = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  const height = PAD * 2 + rows * H + (rows - 1) * GY;
  const width = PAD * 2 + columns.length * W + Math.max(0, columns.length - 1) * GX;
  const pos = new Map();
  columns.forEach((col, ci) => {
    const colHeight = col.length * H + (col.length - 1) * GY;
    const top = (height - colHeight) / 2;
    col.forEach((t, ri) => pos.set(t.task_id, { x: PAD + ci * (W + GX), y: top + ri * (H + GY) }));
  });
  const svg = h('svg', { width, height, viewBox: `0 0 ${width} ${height}`, id: 'graph-svg', role: 'img', 'aria-label': 'task graph' },
    h('defs', null, h('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
      h('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#888' }))));
  for (const t of tasks) {
    const to = pos.get(t.task_id);
    for (const u of t.upstream_task_ids || []) {
      const from = pos.get(u);
      if (!from) continue;
      const x1 = from.x + W, y1 = from.y + H / 2, x2 = to.x - 2, y2 = to.y + H / 2, mx = (x1 + x2) / 2;
      svg.appendChild(h('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, fill: 'none', stroke: '#999',
        'stroke-width': 1.4, 'marker-end': 'url(#arrow)' }));
    }
  }
  for (const t of tasks) {
    const p = pos.get(t.task_id);
    const state = states[t.task_id] || null;
    const color = getComputedStyle(document.documentElement).getPropertyValue('--' + (state && STATES.includes(state) ? state : 'none')).trim() || '#fff';
    const g = h('g', { class: 'node', 'data-task': t.task_id, 'data-state': state || 'none', transform: `translate(${p.x},${p.y})` },
      h('title', null, t.task_id + ': ' + (state || 'no status')),
      h('rect', { width: W, height: H, rx: 5, fill: '#fff', stroke: color === '#ffffff' ? '#bbb' : color,
        'stroke-width': selectedTask === t.task_id ? 4 : 2.5 }),
      h('rect', { width: 8, height: H, rx: 3, fill: color, stroke: 'none' }),
      h('text', { x: 16, y: 19 }, t.task_id.length > 24 ? t.task_id.slice(0, 23) + '…' : t.task_id),
      h('text', { x: 16, y: 36, class: 'op' }, t.operator_name + (state ? ' · ' + state : '')));
    g.addEventListener('click', () => onSelect(t.task_id));
    svg.appendChild(g);
  }
  return h('div', { class: 'graph' }, svg);
}

async function renderDag(main, dagId, tab, params) {
  const base = '/dags/' + enc(dagId);
  let selRun = params.get('run_id');
  let selTask = params.get('task_id');
  const header = main.appendChild(h('div'));
  const TABS = ['grid', 'graph', 'gantt', 'durations'];
  const tabs = main.appendChild(h('div', { class: 'tabs' },
    link(base + '/grid', 'Grid'), link(base + '/graph', 'Graph'), link(base + '/gantt', 'Gantt'),
    link(base + '/durations', 'Durations')));
  tabs.children[Math.max(0, TABS.indexOf(tab))].classList.add('active');
  const numRuns = tab === 'durations' ? Math.min(365, Math.max(1, Number(params.get('num_runs')) || 25)) : 25;
  main.appendChild(legend());
  const layout = main.appendChild(h('div', { class: 'dag-layout' + (tab !== 'grid' ? ' stacked' : '') }));
  const left = layout.appendChild(h('div', { class: 'left' }));
  const right = layout.appendChild(h('div', { class: 'right', id: 'details' }));
  let grid = null;

  const select = (runId, taskId) => {
    selRun = runId; selTask = taskId;
    const q = new URLSearchParams();
    if (selRun) q.set('run_id', selRun);
    if (selTask) q.set('task_id', selTask);
    if (tab === 'durations') q.set('num_runs', String(numRuns));
    history.replaceState(null, '', base + '/' + tab + (q.toString() ? '?' + q : ''));
    paint();
  };

  const paintHeader = () => {
    const d = grid.dag;
    clear(header).appendChild(h('div', { class: 'toolbar' },
      h('span', { class: 'breadcrumb' }, link('/dags', 'DAGs'), ' / '),
      pauseSwitch(d, refresh),
      h('h1', { id: 'dag-title' }, d.dag_id),
      h('span', { class: 'spacer' }),
      h('span', { class: 'muted' }, 'Schedule: ', h('code', null, d.schedule_interval ? d.schedule_interval.value : 'None')),
      isAdmin() ? h('button', { class: 'primary', id: 'trigger', onclick: async () => { if (await triggerDialog(dagId)) refresh(); } }, '▶ Trigger') : null));
    header.appendChild(h('p', { class: 'desc' }, d.description || ''));
  };

  const paintGrid = () => {
    const runs = grid.dag_runs.slice().reverse();  // oldest left, newest right, as Airflow draws
    const maxDur = Math.max(1, ...runs.map((r) => runDuration(r) || 0));
    const headRow = h('tr', null, h('th', null, ''), runs.map((r) => {
      const hgt = 12 + Math.round(48 * (runDuration(r) || 0) / maxDur);
      const bar = h('span', { class: 'runbar ' + stateClass(r.state) + (r.dag_run_id === selRun && !selTask ? ' selected' : ''),
        title: r.dag_run_id + '\n' + r.state + '\n' + fmtDate(r.logical_date), 'data-run': r.dag_run_id });
      bar.style.height = hgt + 'px';
      bar.addEventListener('click', () => select(r.dag_run_id, null));
      return h('th', null, bar);
    }));
    const body = grid.tasks.map((t) => h('tr', { 'data-task': t.task_id }, h('td', { class: 'task' }, t.task_id),
      runs.map((r) => {
        const ti = r.task_instances[t.task_id];
        const state = ti ? ti.state : null;
        const progress = ti && ti.progress;
        const cell = h('span', { class: 'cell ' + stateClass(state) + (r.dag_run_id === selRun && t.task_id === selTask ? ' selected' : ''),
          title: t.task_id + '\n' + r.dag_run_id + '\n' + (state || 'no status') + (ti && ti.duration ? '\n' + fmtDuration(ti.duration) : '') +
            (progress ? '\n' + progressText(progress) : ''),
          'data-run': r.dag_run_id, 'data-task': t.task_id, 'data-state': state || 'none' }, progress ? progressBar(progress, 'cell-progress') : null);
        cell.addEventListener('click', () => select(r.dag_run_id, t.task_id));
        return h('td', null, cell);
      })));
    clear(left).appendChild(runs.length
      ? h('table', { class: 'grid-table', id: 'grid' }, h('thead', null, headRow), h('tbody', null, body))
      : h('div', { class: 'empty' }, 'No runs yet.' + (isAdmin() ? ' Trigger one with ▶ Trigger.' : '')));
  };

  const paintGraph = () => {
    const run = grid.dag_runs.find((r) => r.dag_run_id === selRun) || grid.dag_runs[0];
    const states = {};
    if (run) for (const [k, v] of Object.entries(run.task_instances)) states[k] = v.state;
    clear(left).appendChild(h('div', { class: 'muted' }, run ? 'Run ' + run.dag_run_id + ' (' + run.state + ')' : 'No runs yet'));
    left.appendChild(drawGraph(grid.tasks, states, (taskId) => select(run ? run.dag_run_id : null, taskId), selTask));
  };

  // The selected run, else the newest, as a Gantt chart of its task instances.
  const paintGantt = async () => {
    const run = grid.dag_runs.find((r) => r.dag_run_id === selRun) || grid.dag_runs[0];
    if (!run) { clear(left).appendChild(h('div', { class: 'empty' }, 'No runs yet.')); return; }
    const tis = await api('GET', base + '/dagRuns/' + enc(run.dag_run_id) + '/taskInstances');
    const picker = h('select', { id: 'gantt-run', onchange: (ev) => select(ev.target.value, null) },
      grid.dag_runs.map((r) => h('option', { value: r.dag_run_id, selected: r.dag_run_id === run.dag_run_id }, r.dag_run_id + ' (' + r.state + ')')));
    clear(left).append(h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, 'Run '), picker),
      drawGantt(grid.tasks, tis.task_instances, Date.now() / 1000));
  };

  const paintDurations = () => {
    const picker = h('select', { id: 'durations-runs', onchange: (ev) => navigate(base + '/durations?num_runs=' + ev.target.value) },
      [10, 25, 50, 100, 365].map((n) => h('option', { value: n, selected: n === numRuns }, 'last ' + n + ' runs')));
    clear(left).append(h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, 'Task durations over the '), picker),
      drawDurations(grid));
  };

  const paintDetails = async () => {
    const run = grid.dag_runs.find((r) => r.dag_run_id === selRun);
    clear(right);
    if (!run) {
      right.appendChild(h('div', { class: 'muted' }, 'Select a run (a bar) or a task instance (a square) to see its details.'));
      right.appendChild(h('h2', null, 'Tasks'));
      right.appendChild(h('table', { class: 'kv' }, grid.tasks.map((t) =>
        h('tr', null, h('th', null, t.task_id), h('td', null, t.operator_name, t.retries ? ' (retries ' + t.retries + ')' : '')))));
      return;
    }
    if (!selTask) {
      right.appendChild(h('h2', null, 'Run ', h('span', { class: 'mono' }, run.dag_run_id)));
      right.appendChild(h('table', { class: 'kv', id: 'run-details' },
        h('tr', null, h('th', null, 'State'), h('td', null, stateBadge(run.state))),
        h('tr', null, h('th', null, 'Run type'), h('td', null, run.run_type)),
        h('tr', null, h('th', null, 'Logical date'), h('td', null, fmtDate(run.logical_date))),
        h('tr', null, h('th', null, 'Started'), h('td', null, fmtDate(run.start_date))),
        h('tr', null, h('th', null, 'Ended'), h('td', null, fmtDate(run.end_date))),
        h('tr', null, h('th', null, 'Duration'), h('td', null, fmtDuration(runDuration(run)))),
        h('tr', null, h('th', null, 'Conf'), h('td', null, h('pre', { class: 'wrap' }, JSON.stringify(run.conf, null, 2))))));
      const counts = {};
      for (const ti of Object.values(run.task_instances)) counts[ti.state || 'none'] = (counts[ti.state || 'none'] || 0) + 1;
      right.appendChild(h('p', null, Object.entries(counts).map(([s, n]) => h('span', { class: 'badge ' + stateClass(s) }, s + ': ' + n)), ' '));
      if (isAdmin()) {
        const runPath = base + '/dagRuns/' + enc(run.dag_run_id);
        right.appendChild(h('div', { class: 'toolbar' },
          h('button', { id: 'run-clear', onclick: async () => {
            if (!await confirmAction('Clear run', 'Clear every task of run ' + run.dag_run_id + ' so the whole run executes again?', 'Clear')) return;
            await act(() => api('POST', '/dags/' + enc(dagId) + '/dagRuns/' + enc(run.dag_run_id) + '/clear', { dry_run: false }), 'Run cleared');
          } }, 'Clear run'),
          h('button', { id: 'run-retry-failed', onclick: async () => {
            await act(() => api('POST', '/dags/' + enc(dagId) + '/clearTaskInstances',
              { dry_run: false, dag_run_id: run.dag_run_id, only_failed: true, include_downstream: true }), 'Failed tasks cleared for retry');
          } }, 'Retry failed'),
          h('button', { class: 'danger', id: 'run-mark-failed', onclick: async () => {
            await act(() => api('PATCH', runPath, { state: 'failed' }), 'Run marked failed');
          } }, 'Mark failed'),
          h('button', { id: 'run-mark-success', onclick: async () => {
            await act(() => api('PATCH', runPath, { state: 'success' }), 'Run marked success');
          } }, 'Mark success')));
      }
      return;
    }
    const ti = await api('GET', '/dags/' + enc(dagId) + '/dagRuns/' + enc(run.dag_run_id) + '/taskInstances/' + enc(selTask));
    const tiUrl = base + '/runs/' + enc(run.dag_run_id) + '/tasks/' + enc(selTask);
    clear(right);
    right.appendChild(h('h2', null, 'Task ', h('span', { class: 'mono' }, ti.task_id)));
    right.appendChild(tiTable(ti, run));
    const actions = h('div', { class: 'toolbar' }, link(tiUrl, h('button', { id: 'ti-log', type: 'button' }, 'Log')));
    if (isAdmin()) actions.appendChild(tiActions(dagId, run.dag_run_id, ti.task_id, () => refresh()));
    right.appendChild(actions);
    if (ti.result !== null && ti.result !== undefined) {
      right.appendChild(h('h2', null, 'Result'));
      right.appendChild(renderResult(ti.result));
    }
  };

  const paint = () => {
    if (!grid) return;
    paintHeader();
    if (tab === 'graph') paintGraph();
    else if (tab === 'gantt') paintGantt().catch((e) => { if (e.status !== 401) flash(e.message); });
    else if (tab === 'durations') paintDurations();
    else paintGrid();
    paintDetails().catch((e) => { if (e.status !== 401) flash(e.message); });
  };
  const act = async (fn, message) => {
    try { await fn(); flash(message, true); await refresh(); } catch (e) { flash(e.message); }
  };
  const refresh = async () => {
    const g = await api('GET', base + '/grid?num_runs=' + numRuns);
    const changed = JSON.stringify(g) !== JSON.stringify(grid);
    grid = g;
    if (!selRun && grid.dag_runs.length && tab === 'graph') selRun = null;
    if (changed) paint();
  };
  await refresh();
  startPolling(refresh);
}

function tiTable(ti, run) {
  return h('table', { class: 'kv', id: 'ti-details' },
    h('tr', null, h('th', null, 'State'), h('td', null, stateBadge(ti.state))),
    run ? h('tr', null, h('th', null, 'Run'), h('td', { class: 'mono' }, run.dag_run_id)) : null,
    h('tr', null, h('th', null, 'Operator'), h('td', null, ti.operator)),
    h('tr', null, h('th', null, 'Try'), h('td', null, ti.try_number + ' of ' + (ti.max_tries + 1))),
    h('tr', null, h('th', null, 'Started'), h('td', null, fmtDate(ti.start_date))),
    h('tr', null, h('th', null, 'Ended'), h('td', null, fmtDate(ti.end_date))),
    h('tr', null, h('th', null, 'Duration'), h('td', { id: 'ti-duration' }, fmtDuration(ti.duration))),
    ti.progress ? h('tr', null, h('th', null, 'Progress'), h('td', { id: 'ti-progress' }, progressBar(ti.progress, 'progress'),
      h('span', { class: 'progress-text' }, progressText(ti.progress)))) : null,
    h('tr', null, h('th', null, 'Host / pid'), h('td', null, (ti.hostname || '') + (ti.pid ? ' / ' + ti.pid : ''))));
}

function tiActions(dagId, runId, taskId, after) {
  const path = '/dags/' + enc(dagId) + '/dagRuns/' + enc(runId) + '/taskInstances/' + enc(taskId);
  const run = async (fn, msg) => { try { await fn(); flash(msg, true); after(); } catch (e) { flash(e.message); } };
  return h('span', { class: 'toolbar' },
    h('button', { id: 'ti-clear', type: 'button', onclick: () => run(() => api('POST', '/dags/' + enc(dagId) + '/clearTaskInstances',
      { dry_run: false, dag_run_id: runId, task_ids: [taskId], only_failed: false, include_downstream: true }), 'Cleared ' + taskId + ' and its downstream tasks') }, 'Clear'),
    h('button', { id: 'ti-mark-failed', type: 'button', class: 'danger', onclick: () => run(() => api('PATCH', path, { new_state: 'failed', dry_run: false }), 'Marked ' + taskId + ' failed') }, 'Mark failed'),
    h('button', { id: 'ti-mark-success', type: 'button', onclick: () => run(() => api('PATCH', path, { new_state: 'success', dry_run: false }), 'Marked ' + taskId + ' success') }, 'Mark success'));
}

// "rows_loaded" -> "rows loaded" (result keys are snake_case).
const humanKey = (k) => String(k).replace(/_/g, ' ');
// Result keys arrive sorted by name; show the telling ones first, in this order.
const RESULT_KEY_ORDER = ['check', 'table', 'rows_loaded', 'observed', 'expected', 'passed', 'records_read',
  'accepted', 'rejected', 'rows', 'target', 'output'];
const resultKeyRank = (k) => { const i = RESULT_KEY_ORDER.indexOf(k); return i < 0 ? RESULT_KEY_ORDER.length : i; };
const byResultKey = (a, b) => resultKeyRank(a) - resultKeyRank(b);

// Renders a task's result JSON: rows loaded, check results, anything else.
function renderResult(value) {
  if (value === null || typeof value !== 'object') return h('div', { class: 'mono' }, String(value));
  if (Array.isArray(value)) {
    if (value.length && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const cols = [...new Set(value.flatMap((v) => Object.keys(v)))].sort(byResultKey);
      return h('table', { class: 'list result' }, h('thead', null, h('tr', null, cols.map((c) => h('th', null, humanKey(c))))),
        h('tbody', null, value.map((v) => h('tr', { class: v.passed === false || v.ok === false ? 'failed-row' : null }, cols.map((c) => {
          const x = v[c];
          if (typeof x === 'boolean') return h('td', null, h('span', { class: 'badge ' + (x ? 'state-success' : 'state-failed') }, x ? 'yes' : 'no'));
          return h('td', { class: typeof x === 'number' ? 'num' : null }, x === null || x === undefined ? '' : typeof x === 'object' ? JSON.stringify(x) : typeof x === 'number' ? fmtNumber(x) : String(x));
        })))));
    }
    return h('pre', { class: 'wrap' }, JSON.stringify(value, null, 2));
  }
  return h('table', { class: 'kv result' }, Object.entries(value).sort(([a], [b]) => byResultKey(a, b)).map(([k, v]) => h('tr', null, h('th', null, humanKey(k)),
    h('td', { class: typeof v === 'number' ? 'num' : null }, v !== null && typeof v === 'object' ? renderResult(v) : typeof v === 'number' ? fmtNumber(v) : String(v)))));
}

// ---------------------------------------------------------------- task instance page

async function renderTaskInstance(main, dagId, runId, taskId, params) {
  const path = '/dags/' + enc(dagId) + '/dagRuns/' + enc(runId) + '/taskInstances/' + enc(taskId);
  let ti = await api('GET', path);
  main.appendChild(h('div', { class: 'breadcrumb' }, link('/dags', 'DAGs'), ' / ',
    link('/dags/' + enc(dagId) + '/grid?run_id=' + enc(runId), dagId), ' / ', h('span', { class: 'mono' }, runId)));
  main.appendChild(h('h1', null, 'Task ', h('span', { class: 'mono', id: 'ti-title' }, taskId)));
  const detailsSlot = main.appendChild(h('div', { class: 'section' }));
  const resultSlot = main.appendChild(h('div', { class: 'section', id: 'ti-result' }));
  main.appendChild(h('h2', null, 'Log'));
  const triesBar = main.appendChild(h('div', { class: 'tries', id: 'tries' }));
  const follow = h('input', { type: 'checkbox', id: 'follow', checked: true });
  const status = h('span', { class: 'muted', id: 'log-status' });
  const pre = h('pre', { class: 'log', id: 'log' });
  main.appendChild(pre);
  let tryNumber = Number(params.get('try')) || Math.max(1, ti.try_number);
  let offset = 0;
  let ended = false;
  const token = pageToken;

  const paintDetails = () => {
    clear(detailsSlot).appendChild(tiTable(ti, null));
    if (isAdmin()) detailsSlot.appendChild(h('div', { class: 'toolbar' }, tiActions(dagId, runId, taskId, () => poll())));
    clear(resultSlot);
    if (ti.result !== null && ti.result !== undefined) {
      resultSlot.appendChild(h('h2', null, 'Result'));
      resultSlot.appendChild(renderResult(ti.result));
    }
    clear(triesBar).appendChild(h('span', { class: 'muted' }, 'Try:'));
    for (let n = 1; n <= Math.max(1, ti.try_number); n++) {
      triesBar.appendChild(h('button', { class: n === tryNumber ? 'active' : null, 'data-try': n, type: 'button',
        onclick: () => { tryNumber = n; offset = 0; ended = false; clear(pre); paintDetails(); readLog(); } }, String(n)));
    }
    triesBar.appendChild(h('label', { class: 'muted' }, follow, ' follow'));
    triesBar.appendChild(status);
  };

  const readLog = async () => {
    for (let i = 0; i < 64 && token === pageToken; i++) {
      const chunk = await api('GET', path + '/logs/' + tryNumber + '?token=' + offset);
      if (token !== pageToken) return;
      if (chunk.content) {
        pre.appendChild(document.createTextNode(chunk.content));
        if (follow.checked) pre.scrollTop = pre.scrollHeight;
      }
      offset = chunk.next_offset;
      ended = chunk.end_of_log;
      status.textContent = chunk.exists ? (ended ? 'complete' : 'following…') : 'no log yet';
      if (chunk.next_offset === chunk.offset || ended) break;  // caught up
    }
  };

  const poll = async () => {
    ti = await api('GET', path);
    paintDetails();
    if (!ended) await readLog();
  };
  paintDetails();
  await readLog();
  startPolling(poll);
}

// ---------------------------------------------------------------- connections

const CONN_TYPES = ['postgres', 'redshift', 'sqlite', 'ssh', 'aws', 's3', 'http', 'generic'];

async function connectionDialog(existing) {
  const title = existing ? 'Edit connection ' + existing.connection_id : 'Add connection';
  return openDialog(title, (form) => {
    const id = field(form, 'Connection id', h('input', { type: 'text', id: 'conn-id', value: existing ? existing.connection_id : '', disabled: !!existing }));
    const type = field(form, 'Type', h('input', { type: 'text', id: 'conn-type', list: 'conn-types', value: existing ? existing.conn_type : '' }));
    form.appendChild(h('datalist', { id: 'conn-types' }, CONN_TYPES.map((t) => h('option', { value: t }))));
    const desc = field(form, 'Description', h('input', { type: 'text', id: 'conn-desc', value: existing ? existing.description || '' : '' }));
    const host = field(form, 'Host', h('input', { type: 'text', id: 'conn-host', value: existing ? existing.host || '' : '' }));
    const port = field(form, 'Port', h('input', { type: 'number', id: 'conn-port', min: 0, max: 65535, value: existing && existing.port !== null ? existing.port : '' }));
    const schema = field(form, 'Schema', h('input', { type: 'text', id: 'conn-schema', value: existing ? existing.schema || '' : '' }));
    const login = field(form, 'Login', h('input', { type: 'text', id: 'conn-login', autocomplete: 'off', value: existing ? existing.login || '' : '' }));
    const pw = field(form, 'Password', h('input', { type: 'password', id: 'conn-password', autocomplete: 'new-password',
      placeholder: existing && existing.has_password ? '(unchanged: stored, never shown)' : '' }));
    const extra = field(form, 'Extra (JSON object; secret values show as ***, send *** back to keep them)', h('textarea', { id: 'conn-extra' }));
    extra.value = existing && existing.extra ? existing.extra : '';
    return () => {
      const body = { conn_type: type.value.trim(), description: desc.value, host: host.value, schema: schema.value, login: login.value,
        port: port.value === '' ? null : Number(port.value) };
      if (!existing) body.connection_id = id.value.trim();
      if (pw.value !== '' || !existing) body.password = pw.value;
      if (extra.value.trim()) {
        try { JSON.parse(extra.value); } catch (e) { throw new Error('Extra is not valid JSON: ' + e.message); }
        body.extra = extra.value;
      } else {
        body.extra = null;
      }
      return body;
    };
  }, 'Save', async (body) => {
    if (existing) await api('PATCH', '/connections/' + enc(existing.connection_id), body);
    else await api('POST', '/connections', body);
  });
}

async function renderConnections(main) {
  main.appendChild(h('div', { class: 'toolbar' }, h('h1', null, 'Connections'), h('span', { class: 'spacer' }),
    isAdmin() ? h('button', { class: 'primary', id: 'add-connection', onclick: async () => { if (await connectionDialog(null)) draw(); } }, '+ Add connection') : null));
  const slot = main.appendChild(h('div'));
  const draw = async () => {
    const data = await api('GET', '/connections?limit=1000');
    clear(slot).appendChild(data.total_entries === 0 ? h('div', { class: 'empty' }, 'No connections.') : h('table', { class: 'list', id: 'connections-table' },
      h('thead', null, h('tr', null, ['Connection id', 'Type', 'Host', 'Port', 'Schema', 'Login', 'Password', 'Extra', 'Description', ''].map((c) => h('th', null, c)))),
      h('tbody', null, data.connections.map((c) => h('tr', { 'data-conn': c.connection_id },
        h('td', { class: 'mono' }, c.connection_id), h('td', null, c.conn_type), h('td', null, c.host || ''),
        h('td', { class: 'num' }, c.port === null ? '' : c.port), h('td', null, c.schema || ''), h('td', null, c.login || ''),
        h('td', null, c.has_password ? '••••••' : h('span', { class: 'muted' }, 'none')),
        h('td', { class: 'mono wrap' }, c.extra || ''), h('td', null, c.description || ''),
        h('td', null, isAdmin() ? [
          h('button', { class: 'link', onclick: async () => { if (await connectionDialog(c)) draw(); } }, 'Edit'), ' ',
          h('button', { class: 'link danger', onclick: async () => {
            if (!await confirmAction('Delete connection', 'Delete connection ' + c.connection_id + '?', 'Delete')) return;
            try { await api('DELETE', '/connections/' + enc(c.connection_id)); draw(); } catch (e) { flash(e.message); }
          } }, 'Delete')] : null))))));
  };
  await draw();
}

// ---------------------------------------------------------------- variables

async function variableDialog(existing) {
  return openDialog(existing ? 'Edit variable ' + existing.key : 'Add variable', (form) => {
    const key = field(form, 'Key', h('input', { type: 'text', id: 'var-key', value: existing ? existing.key : '', disabled: !!existing }));
    const value = field(form, 'Value' + (existing && existing.masked ? ' (secret: enter a new value)' : ''), h('textarea', { id: 'var-value' }));
    value.value = existing && !existing.masked ? existing.value : '';
    const desc = field(form, 'Description', h('input', { type: 'text', id: 'var-desc', value: existing ? existing.description || '' : '' }));
    return () => {
      if (!existing && !key.value.trim()) throw new Error('The key is required.');
      if (existing && existing.masked && value.value === '') throw new Error('Enter the new value of this secret.');
      return { key: existing ? existing.key : key.value.trim(), value: value.value, description: desc.value };
    };
  }, 'Save', async (body) => {
    if (existing) await api('PATCH', '/variables/' + enc(existing.key), body);
    else await api('POST', '/variables', body);
  });
}

async function renderVariables(main) {
  main.appendChild(h('div', { class: 'toolbar' }, h('h1', null, 'Variables'), h('span', { class: 'spacer' }),
    isAdmin() ? h('button', { class: 'primary', id: 'add-variable', onclick: async () => { if (await variableDialog(null)) draw(); } }, '+ Add variable') : null));
  const slot = main.appendChild(h('div'));
  const draw = async () => {
    const data = await api('GET', '/variables?limit=1000');
    clear(slot).appendChild(data.total_entries === 0 ? h('div', { class: 'empty' }, 'No variables.') : h('table', { class: 'list', id: 'variables-table' },
      h('thead', null, h('tr', null, ['Key', 'Value', 'Description', ''].map((c) => h('th', null, c)))),
      h('tbody', null, data.variables.map((v) => h('tr', { 'data-key': v.key },
        h('td', { class: 'mono' }, v.key), h('td', { class: 'mono wrap' }, v.value), h('td', null, v.description || ''),
        h('td', null, isAdmin() ? [
          h('button', { class: 'link', onclick: async () => { if (await variableDialog(v)) draw(); } }, 'Edit'), ' ',
          h('button', { class: 'link danger', onclick: async () => {
            if (!await confirmAction('Delete variable', 'Delete variable ' + v.key + '?', 'Delete')) return;
            try { await api('DELETE', '/variables/' + enc(v.key)); draw(); } catch (e) { flash(e.message); }
          } }, 'Delete')] : null))))));
  };
  await draw();
}

// ---------------------------------------------------------------- data page

async function renderData(main, params) {
  main.appendChild(h('h1', null, 'Data'));
  const tablesSlot = main.appendChild(h('div', { class: 'section' }));
  const manifestSlot = main.appendChild(h('div', { class: 'section' }));
  const searchSlot = main.appendChild(h('div', { class: 'section' }));

  const drawTables = async () => {
    const w = await api('GET', '/warehouse/tables');
    clear(tablesSlot).appendChild(h('h2', null, 'Warehouse tables'));
    tablesSlot.appendChild(h('div', { class: 'muted' }, w.target));
    tablesSlot.appendChild(h('table', { class: 'list', id: 'warehouse-tables' },
      h('thead', null, h('tr', null, h('th', null, 'Table'), h('th', { class: 'num' }, 'Rows'))),
      h('tbody', null, w.tables.map((t) => h('tr', { 'data-table': t.table }, h('td', { class: 'mono' }, t.table),
        h('td', { class: 'num' }, t.exists ? fmtNumber(t.rows) : h('span', { class: 'muted' }, 'not created')))))));
  };

  const drawManifest = async () => {
    clear(manifestSlot).appendChild(h('h2', null, 'Last transform'));
    let m;
    try { m = await api('GET', '/warehouse/manifest'); } catch (e) {
      if (e.status === 404) { manifestSlot.appendChild(h('div', { class: 'empty' }, e.message)); return; }
      throw e;
    }
    const rec = m.records || {};
    manifestSlot.appendChild(h('div', { class: 'cards', id: 'manifest-cards' },
      ['read', 'accepted', 'rejected', 'duplicates'].filter((k) => k in rec).map((k) =>
        h('div', { class: 'card' }, h('div', { class: 'label' }, k), h('div', { class: 'value', 'data-count': k }, fmtNumber(rec[k]))))));
    if (m.tables) {
      manifestSlot.appendChild(h('table', { class: 'list' },
        h('thead', null, h('tr', null, h('th', null, 'Table'), h('th', { class: 'num' }, 'Rows'), h('th', { class: 'num' }, 'Bytes'), h('th', { class: 'num' }, 'Files'))),
        h('tbody', null, Object.entries(m.tables).map(([name, t]) => h('tr', null, h('td', { class: 'mono' }, name),
          h('td', { class: 'num' }, fmtNumber(t.rows)), h('td', { class: 'num' }, fmtNumber(t.bytes)),
          h('td', { class: 'num' }, t.parts ? t.parts.length : ''))))));
    }
    const facts = [];
    if (m.timings_ms) facts.push(['Time', fmtDuration((m.timings_ms.total_before_publish || 0) / 1000)]);
    if (m.output) facts.push(['Output', m.output]);
    for (const input of m.inputs || []) facts.push(['Input (' + input.kind + ')', input.path + ' — ' + fmtNumber(input.records_read) + ' read, ' + fmtNumber(input.records_rejected) + ' rejected']);
    if (facts.length) manifestSlot.appendChild(h('table', { class: 'kv' }, facts.map(([k, v]) => h('tr', null, h('th', null, k), h('td', { class: 'wrap' }, v)))));
    const rejects = m.rejects_sample || [];
    manifestSlot.appendChild(h('h2', null, 'Sample of rejects'));
    if (!rejects.length) { manifestSlot.appendChild(h('div', { class: 'empty' }, 'No rejected records.')); return; }
    manifestSlot.appendChild(h('table', { class: 'list', id: 'rejects' },
      h('thead', null, h('tr', null, h('th', null, 'File'), h('th', { class: 'num' }, 'Line'), h('th', null, 'Reason'), h('th', null, 'Raw'))),
      h('tbody', null, rejects.map((r) => h('tr', null, h('td', { class: 'mono' }, (r.file || r.path || '').split('/').pop()),
        h('td', { class: 'num' }, r.line !== undefined ? r.line : ''), h('td', null, r.reason || ''),
        h('td', { class: 'mono wrap' }, String(r.raw || '').slice(0, 300)))))));
  };

  const input = h('input', { type: 'search', id: 'search-q', placeholder: 'Search titles and abstracts', value: params.get('q') || '', size: 50 });
  const results = h('div', { id: 'search-results' });
  const form = h('form', { class: 'toolbar', id: 'search-form' }, input, h('button', { class: 'primary', type: 'submit' }, 'Search'));
  const doSearch = async () => {
    const q = input.value.trim();
    clear(results);
    if (!q) return;
    history.replaceState(null, '', '/data?q=' + enc(q));
    try {
      const r = await api('GET', '/warehouse/search?q=' + enc(q) + '&limit=25');
      const more = r.total_entries_exact === false ? 'more than ' : '';
      results.appendChild(h('div', { class: 'muted' }, more + fmtNumber(r.total_entries) + ' paper' + (r.total_entries === 1 && !more ? '' : 's') + ' found'));
      for (const p of r.papers) {
        // Only arXiv ids get a link, built from the id alone.
        const isArxiv = /^[A-Za-z.-]+\/\d{7}$|^\d{4}\.\d{4,5}$/.test(p.id);
        results.appendChild(h('div', { class: 'paper', 'data-id': p.id },
          h('div', { class: 'title' }, isArxiv ? h('a', { href: 'https://arxiv.org/abs/' + p.id, target: '_blank', rel: 'noopener noreferrer' }, p.title) : p.title),
          h('div', { class: 'authors' }, (p.authors || []).join(', ')),
          h('div', null, (p.categories || []).map((c) => h('span', { class: 'tag' }, c))),
          h('div', { class: 'abstract clamped', title: 'Click to expand', onclick: (ev) => ev.currentTarget.classList.toggle('clamped') }, p.abstract || ''),
          h('div', { class: 'meta' }, p.id + (p.updatedate ? ' · updated ' + p.updatedate : '') + (isArxiv ? ' · arxiv.org/abs/' + p.id : ''))));
      }
    } catch (e) {
      results.appendChild(h('div', { class: 'empty' }, e.message));
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); doSearch(); });
  searchSlot.appendChild(h('h2', null, 'Paper search'));
  searchSlot.appendChild(form);
  searchSlot.appendChild(results);

  await Promise.all([drawTables().catch((e) => flash(e.message)), drawManifest().catch((e) => flash(e.message))]);
  if (input.value) await doSearch();
  startPolling(async () => { await drawTables(); });
}

render();
