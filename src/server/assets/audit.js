// The audit log page (Browse > Audit log): GET /api/v1/eventLogs, newest
// first, filtered by DAG, event and owner, paged. Admins only (the API
// answers 403 to viewers). Uses the helpers of app.js.
'use strict';

async function renderAuditLog(main, params) {
  main.appendChild(h('h1', null, 'Audit log'));
  const PAGE = 50;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const form = main.appendChild(h('form', { class: 'toolbar', id: 'audit-filter' }));
  const input = (name, placeholder) => h('input', { name, id: 'audit-' + name, placeholder, value: params.get(name) || '' });
  form.append(input('dag_id', 'DAG id'), input('event', 'event'), input('owner', 'owner'),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const name of ['dag_id', 'event', 'owner']) if (form.elements[name].value) q.set(name, form.elements[name].value);
    navigate('/audit-log' + (q.toString() ? '?' + q : ''));
  });
  const q = new URLSearchParams({ order_by: '-event_log_id', limit: String(PAGE), offset: String(offset) });
  for (const name of ['dag_id', 'event', 'owner']) if (params.get(name)) q.set(name, params.get(name));
  let page;
  try {
    page = await api('GET', '/eventLogs?' + q);
  } catch (e) {
    if (e.status === 403) { main.appendChild(h('div', { class: 'empty' }, 'Only admins may read the audit log.')); return; }
    throw e;
  }
  if (!page.event_logs.length) { main.appendChild(h('div', { class: 'empty' }, 'No events.')); return; }
  const where = (e) => [e.dag_id, e.run_id, e.task_id].filter(Boolean).join(' / ');
  main.appendChild(h('table', { class: 'list', id: 'audit-table' },
    h('thead', null, h('tr', null, ['When', 'Event', 'Owner', 'From', 'DAG / run / task', 'Details'].map((c) => h('th', null, c)))),
    h('tbody', null, page.event_logs.map((e) => h('tr', { 'data-event': e.event, 'data-id': e.event_log_id },
      h('td', null, fmtDate(e.when)),
      h('td', null, h('code', null, e.event), e.count > 1 ? ' ×' + e.count : ''),
      h('td', null, e.owner || ''),
      h('td', { class: 'muted' }, e.origin || ''),
      h('td', { class: 'mono' }, where(e)),
      h('td', null, e.extra ? h('pre', { class: 'wrap' }, e.extra) : ''))))));
  const nav = main.appendChild(h('div', { class: 'toolbar' },
    h('span', { class: 'muted' }, (offset + 1) + '–' + (offset + page.event_logs.length) + ' of ' + page.total_entries)));
  const moved = (o) => { const p = new URLSearchParams(params); p.set('offset', String(o)); return '/audit-log?' + p; };
  if (offset > 0) nav.appendChild(link(moved(Math.max(0, offset - PAGE)), 'Newer'));
  if (offset + PAGE < page.total_entries) nav.appendChild(link(moved(offset + PAGE), 'Older'));
}
