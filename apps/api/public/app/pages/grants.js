/** Every grant, in order of award, and a way to open one by its id. */
import { getJson } from '../api.js';
import { badge, dataTable, h, link, pager, routeHref } from '../dom.js';
import { counted, date, euros } from '../format.js';
import { applicantName } from './call.js';
import { positive } from './calls.js';

const STATUSES = ['active', 'completed', 'revoked'];

export async function grantsPage(_params, query) {
  const page = positive(query.page);
  const grants = await getJson('/grants', { status: query.status, page, pageSize: 50 });
  return {
    title: 'Grants',
    content: [
      h('h1', { tabindex: '-1' }, 'Grants'),
      lookup(query),
      dataTable({
        caption: `${counted(grants.total, 'grant')}${query.status ? `, ${query.status}` : ''}, in order of award; amounts in euro.`,
        empty: 'No grant matches.',
        columns: [
          {
            label: 'Grant',
            value: (g) => [link(['grants', g.grantId], g.projectTitle), h('span', { class: 'sub' }, g.grantId)],
          },
          { label: 'Beneficiary', value: (g) => applicantName(g.beneficiary) },
          { label: 'Call', value: (g) => link(['calls', g.callId], g.callId) },
          { label: 'Fund', value: (g) => g.fund },
          { label: 'Status', value: (g) => badge(g.status) },
          { label: 'Awarded', numeric: true, value: (g) => euros(g.currentAwardCents) },
          { label: 'Paid', numeric: true, value: (g) => euros(g.disbursedCents) },
          { label: 'Recovery due', numeric: true, value: (g) => euros(g.recoveryDueCents) },
          { label: 'Awarded on', value: (g) => date(g.awardedAt) },
        ],
        rows: grants.items,
      }),
      pager(grants, (p) => routeHref(['grants'], { ...query, page: p }), 'Pages of grants'),
    ],
  };
}

function lookup(query) {
  const id = h('input', { id: 'grant-id', name: 'grant-id', autocomplete: 'off', spellcheck: 'false' });
  const status = h(
    'select',
    { id: 'grant-status', name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: query.status === s }, s)),
  );
  const form = h(
    'form',
    { class: 'inline-form', method: 'post', 'aria-label': 'Find grants' },
    h('label', { for: 'grant-id' }, 'Grant id'),
    id,
    h('label', { for: 'grant-status' }, 'or list by status'),
    status,
    h('button', { type: 'submit', class: 'button button--quiet' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const grantId = id.value.trim();
    location.hash = grantId ? routeHref(['grants', grantId]) : routeHref(['grants'], { status: status.value });
  });
  return form;
}
