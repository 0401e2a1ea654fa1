// Run durations at a glance: the Gantt chart of one DAG run and the task
// duration chart over a DAG's last N runs, drawn as plain SVG from the REST
// API's data (task instances: queued_when, start_date, end_date; the grid:
// durations). Uses the DOM helpers of app.js (h, fmtDate, fmtDuration,
// STATES), loaded before these functions are called. Data reaches the page
// only as text (see app.js).
'use strict';

function stateColor(state) {
  const name = state && STATES.includes(state) ? state : 'none';
  return getComputedStyle(document.documentElement).getPropertyValue('--' + name).trim() || '#fff';
}

function niceStep(span, ticks) {
  const raw = span / Math.max(1, ticks);
  const steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
  return steps.find((s) => s >= raw) || Math.ceil(raw / 86400) * 86400;
}

function fmtOffset(sec) {
  if (sec < 10) return '+' + Number(sec.toFixed(2)) + ' s';
  if (sec < 60) return '+' + Math.round(sec) + ' s';
  if (sec < 3600) return '+' + (sec / 60).toFixed(sec % 60 ? 1 : 0) + ' min';
  return '+' + (sec / 3600).toFixed(1) + ' h';
}

// tasks: [{task_id}] in the DAG's order; tis: task instances of one run.
function drawGantt(tasks, tis, now) {
  const byTask = new Map(tis.map((ti) => [ti.task_id, ti]));
  const t = (iso) => (iso ? new Date(iso).getTime() / 1000 : null);
  let t0 = Infinity, t1 = -Infinity;
  for (const ti of tis) {
    const q = t(ti.queued_when), s = t(ti.start_date), e = t(ti.end_date) || (s ? now : null);
    for (const v of [q, s, e]) if (v !== null) { t0 = Math.min(t0, v); t1 = Math.max(t1, v); }
  }
  if (!isFinite(t0)) return h('div', { class: 'empty', id: 'gantt-empty' }, 'No task of this run has started yet.');
  const span = Math.max(1, t1 - t0);
  const LABEL = 210, W = 760, ROW = 24, TOP = 28, PAD = 12;
  const height = TOP + tasks.length * ROW + PAD;
  const width = LABEL + W + PAD;
  const x = (sec) => LABEL + (sec - t0) / span * W;
  const svg = h('svg', { width, height, viewBox: `0 0 ${width} ${height}`, id: 'gantt-svg', role: 'img',
    'aria-label': 'Gantt chart of the run' });
  const step = niceStep(span, 6);
  for (let off = 0; off <= span + 1e-9; off += step) {
    svg.appendChild(h('line', { x1: x(t0 + off), x2: x(t0 + off), y1: TOP - 6, y2: height - PAD, stroke: '#e3e6ea' }));
    svg.appendChild(h('text', { x: x(t0 + off), y: TOP - 10, 'text-anchor': 'middle', class: 'axis' }, fmtOffset(off)));
  }
  svg.appendChild(h('text', { x: 4, y: TOP - 10, class: 'axis' }, 'from ' + fmtDate(new Date(t0 * 1000).toISOString())));
  tasks.forEach((task, i) => {
    const y = TOP + i * ROW;
    const ti = byTask.get(task.task_id);
    const g = h('g', { class: 'bar', 'data-task': task.task_id, 'data-state': (ti && ti.state) || 'none' });
    if (i % 2) g.appendChild(h('rect', { x: 0, y, width, height: ROW, fill: '#f7f8fa' }));
    g.appendChild(h('text', { x: 6, y: y + 16 }, task.task_id.length > 28 ? task.task_id.slice(0, 27) + '…' : task.task_id));
    const q = ti ? t(ti.queued_when) : null, s = ti ? t(ti.start_date) : null;
    const e = ti ? (t(ti.end_date) || (s ? now : null)) : null;
    const tip = [task.task_id + ' (' + ((ti && ti.state) || 'no status') + ', try ' + (ti ? ti.try_number : 0) + ')'];
    if (q !== null) tip.push('queued:  ' + fmtDate(ti.queued_when));
    if (s !== null) tip.push('started: ' + fmtDate(ti.start_date));
    if (ti && ti.end_date) tip.push('ended:   ' + fmtDate(ti.end_date));
    if (q !== null && s !== null) tip.push('waited ' + fmtDuration(Math.max(0, s - q)) + ' in the queue');
    if (s !== null && e !== null) tip.push('ran ' + fmtDuration(Math.max(0, e - s)));
    g.appendChild(h('title', null, tip.join('\n')));
    if (q !== null && (s !== null ? s > q : true)) {
      const qe = s !== null ? s : now;
      g.appendChild(h('rect', { class: 'queued', x: x(q), y: y + 5, width: Math.max(1, x(qe) - x(q)), height: ROW - 10,
        fill: stateColor('queued'), 'fill-opacity': 0.45 }));
    }
    if (s !== null && e !== null) {
      const color = stateColor(ti.state);
      g.appendChild(h('rect', { class: 'running', x: x(s), y: y + 3, width: Math.max(2, x(e) - x(s)), height: ROW - 6,
        rx: 2, fill: color, stroke: color === '#ffffff' ? '#bbb' : 'none' }));
    }
    svg.appendChild(g);
  });
  return h('div', { class: 'chart' }, svg,
    h('div', { class: 'chart-legend muted' },
      h('span', { class: 'swatch queued' }), ' queued (waiting for a slot) ',
      h('span', { class: 'swatch state-success' }), ' running, coloured by final state'));
}

// grid: the /grid response (newest run first); one line per task.
const CHART_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173'];

function drawDurations(grid) {
  const runs = grid.dag_runs.slice().reverse();  // oldest left
  const series = grid.tasks.map((task, i) => ({
    task_id: task.task_id, color: CHART_COLORS[i % CHART_COLORS.length],
    points: runs.map((r, ri) => {
      const ti = r.task_instances[task.task_id];
      return ti && ti.duration !== undefined && ti.duration !== null ? { ri, run: r, d: ti.duration } : null;
    }).filter(Boolean),
  }));
  const maxD = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.d)));
  if (!runs.length || maxD <= 0) return h('div', { class: 'empty', id: 'durations-empty' }, 'No task durations yet.');
  const LEFT = 64, W = 760, H = 300, TOP = 14, BOTTOM = 40;
  const width = LEFT + W + 16, height = TOP + H + BOTTOM;
  const x = (ri) => LEFT + (runs.length === 1 ? W / 2 : ri / (runs.length - 1) * W);
  const y = (d) => TOP + H - d / maxD * H;
  const svg = h('svg', { width, height, viewBox: `0 0 ${width} ${height}`, id: 'durations-svg', role: 'img',
    'aria-label': 'task durations over the last runs' });
  const step = niceStep(maxD, 5);
  for (let d = 0; d <= maxD + 1e-9; d += step) {
    svg.appendChild(h('line', { x1: LEFT, x2: LEFT + W, y1: y(d), y2: y(d), stroke: '#e3e6ea' }));
    svg.appendChild(h('text', { x: LEFT - 6, y: y(d) + 4, 'text-anchor': 'end', class: 'axis' }, fmtDuration(d)));
  }
  const every = Math.max(1, Math.ceil(runs.length / 8));
  runs.forEach((r, ri) => {
    if (ri % every && ri !== runs.length - 1) return;
    svg.appendChild(h('text', { x: x(ri), y: TOP + H + 16, 'text-anchor': 'middle', class: 'axis' },
      fmtDate(r.logical_date).slice(5, 16)));
  });
  for (const s of series) {
    if (!s.points.length) continue;
    const g = h('g', { class: 'series', 'data-task': s.task_id });
    g.appendChild(h('path', { d: s.points.map((p, i) => (i ? 'L' : 'M') + x(p.ri) + ',' + y(p.d)).join(' '),
      fill: 'none', stroke: s.color, 'stroke-width': 1.8 }));
    for (const p of s.points) {
      g.appendChild(h('circle', { cx: x(p.ri), cy: y(p.d), r: 3.5, fill: s.color, 'data-run': p.run.dag_run_id },
        h('title', null, s.task_id + '\n' + p.run.dag_run_id + '\n' + fmtDuration(p.d))));
    }
    svg.appendChild(g);
  }
  const legendEl = h('div', { class: 'chart-legend', id: 'durations-legend' }, series.filter((s) => s.points.length).map((s) => {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = s.color;
    return h('span', { class: 'legend-item', 'data-task': s.task_id }, sw, ' ' + s.task_id + ' ');
  }));
  return h('div', { class: 'chart' }, svg, legendEl);
}
