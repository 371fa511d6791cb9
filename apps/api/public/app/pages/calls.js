/** The calls of a programme ("bandi"), filtered by status and measure, with their money. */
import { getJson } from '../api.js';
import { badge, dataTable, h, link, pager, routeHref } from '../dom.js';
import { count, counted, date, euros } from '../format.js';

const STATUSES = ['open', 'closed', 'cancelled'];
const PAGE_SIZE = 50;

export async function callsPage({ programmeId }, query) {
  const page = positive(query.page);
  const [dashboard, calls] = await Promise.all([
    getJson(`/programmes/${encodeURIComponent(programmeId)}/dashboard`),
    getJson('/calls', { programmeId, status: query.status, measureId: query.measureId, page, pageSize: PAGE_SIZE }),
  ]);
  const measures = new Map(dashboard.measures.map((m) => [m.measureId, m]));
  const measure = query.measureId ? measures.get(query.measureId) : null;

  return {
    title: `${dashboard.code}: calls`,
    content: [
      h('h1', { tabindex: '-1' }, `Calls of ${dashboard.code}`),
      h('p', { class: 'lead' }, dashboard.title),
      filters(programmeId, dashboard.measures, query),
      dataTable({
        caption: `${counted(calls.total, 'call')}${measure ? ` of measure ${measure.code}` : ''}${query.status ? `, ${query.status}` : ''}, newest first; amounts in euro.`,
        empty: 'No call matches these filters.',
        columns: [
          { label: 'Call', value: (c) => [link(['calls', c.callId], c.title), h('span', { class: 'sub' }, c.callId)] },
          { label: 'Measure', value: (c) => measures.get(c.measureId)?.code ?? c.measureId },
          {
            label: 'Status',
            value: (c) => [badge(c.status), c.acceptingBids ? h('span', { class: 'sub' }, 'taking bids') : null],
          },
          { label: 'Selection', value: (c) => (c.selection === 'first-come' ? 'first come (a sportello)' : 'ranking') },
          { label: 'Window', value: (c) => `${date(c.opensAt)} – ${date(c.closesAt)}` },
          { label: 'Budget', numeric: true, value: (c) => euros(c.budgetCents) },
          { label: 'Committed', numeric: true, value: (c) => euros(c.committedCents) },
          { label: 'Remaining', numeric: true, value: (c) => euros(c.remainingCents) },
          { label: 'Paid', numeric: true, value: (c) => euros(c.disbursedCents) },
          { label: 'Bids', numeric: true, value: (c) => count(c.bids?.total) },
        ],
        rows: calls.items,
      }),
      pager(calls, (p) => routeHref(['programmes', programmeId, 'calls'], { ...query, page: p }), 'Pages of calls'),
    ],
  };
}

function filters(programmeId, measures, query) {
  const status = h(
    'select',
    { id: 'call-status', name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: query.status === s }, s)),
  );
  const measure = h(
    'select',
    { id: 'call-measure', name: 'measureId' },
    h('option', { value: '' }, 'any'),
    measures.map((m) =>
      h('option', { value: m.measureId, selected: query.measureId === m.measureId }, `${m.code} ${m.title}`),
    ),
  );
  const form = h(
    'form',
    { class: 'inline-form', method: 'post', 'aria-label': 'Filter the calls' },
    h('label', { for: 'call-status' }, 'Status'),
    status,
    h('label', { for: 'call-measure' }, 'Measure'),
    measure,
    h('button', { type: 'submit', class: 'button button--quiet' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = routeHref(['programmes', programmeId, 'calls'], { status: status.value, measureId: measure.value });
  });
  return form;
}

export function positive(value) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 1;
}
