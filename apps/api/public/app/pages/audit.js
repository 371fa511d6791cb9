/**
 * For auditors: an entity's events with who recorded them and when (GET /audit/streams/:stream),
 * and its state as of a chosen moment or log position (GET /audit/:kind/:id/state?asOf=…).
 */
import { getJson } from '../api.js';
import { dataTable, h, routeHref, section } from '../dom.js';
import { counted, euros } from '../format.js';

/** The kinds of entity the audit routes fold, and the prefix of their streams. */
const KINDS = [
  { kind: 'programmes', stream: 'programme', label: 'Programme' },
  { kind: 'calls', stream: 'call', label: 'Call' },
  { kind: 'bids', stream: 'bid', label: 'Bid' },
  { kind: 'grants', stream: 'grant', label: 'Grant' },
];
const PAGE = 50;

export async function auditPage(params, query) {
  const kind = KINDS.find((k) => k.kind === params.kind);
  if (!params.kind || !kind) {
    return {
      title: 'Audit',
      content: [
        h('h1', { tabindex: '-1' }, 'Audit'),
        h(
          'p',
          { class: 'lead' },
          'An entity’s history, event by event, and its state as of any moment. Needs an auditor’s key.',
        ),
        entityForm(params, query),
      ],
    };
  }
  const from = Math.max(0, Number.parseInt(query.from ?? '0', 10) || 0);
  const asOf = query.asOf || new Date().toISOString();
  const stream = `${kind.stream}-${params.id}`;
  const [history, state] = await Promise.all([
    getJson(`/audit/streams/${encodeURIComponent(stream)}`, { fromRevision: from, limit: PAGE }),
    getJson(`/audit/${kind.kind}/${encodeURIComponent(params.id)}/state`, { asOf }),
  ]);
  const here = (q) => routeHref(['audit', kind.kind, params.id], { ...query, ...q });

  return {
    title: `Audit of ${kind.label.toLowerCase()} ${params.id}`,
    content: [
      h('h1', { tabindex: '-1' }, `${kind.label} ${params.id}: audit`),
      h(
        'p',
        { class: 'lead' },
        'Stream ',
        h('code', {}, stream),
        '. Each event as recorded, with the actor whose command wrote it and when.',
      ),
      entityForm(params, query),
      section(
        'History',
        dataTable({
          caption: `Events ${from + 1}–${from + history.events.length} of the stream${history.nextRevision === null ? '' : ' (more follow)'}, oldest first. Times are UTC as recorded.`,
          columns: [
            { label: 'Revision', numeric: true, value: (e) => String(e.revision) },
            {
              label: 'Event',
              value: (e) => [h('strong', {}, e.type), h('span', { class: 'sub' }, `schema v${e.schemaVersion}`)],
            },
            {
              label: 'Recorded at',
              value: (e) => h('time', { datetime: e.metadata.recordedAt }, e.metadata.recordedAt),
            },
            { label: 'Actor', value: (e) => e.metadata.actor ?? '—' },
            { label: 'Log position', numeric: true, value: (e) => e.position },
            {
              label: 'Data',
              value: (e) =>
                h(
                  'details',
                  {},
                  h('summary', {}, `Data of revision ${e.revision}`),
                  h('pre', {}, JSON.stringify({ data: e.data, metadata: e.metadata }, null, 2)),
                ),
            },
            {
              label: 'State',
              value: (e) =>
                h(
                  'a',
                  { href: here({ asOf: e.position }) },
                  h('span', {}, 'as of this event'),
                  h('span', { class: 'visually-hidden' }, ` (revision ${e.revision})`),
                ),
            },
          ],
          rows: history.events,
        }),
        h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages of events' },
          from > 0
            ? h('a', { href: here({ from: String(Math.max(0, from - PAGE)) }), rel: 'prev' }, '← Earlier events')
            : null,
          history.nextRevision !== null
            ? h('a', { href: here({ from: String(history.nextRevision) }), rel: 'next' }, 'Later events →')
            : null,
        ),
      ),
      section(
        'State as of a moment',
        asOfForm(here, asOf),
        h(
          'p',
          { class: 'lead', id: 'state-summary' },
          state.eventsApplied === 0
            ? `As of ${moment(state.asOf)}, the ${kind.label.toLowerCase()} did not exist yet.`
            : `As of ${moment(state.asOf)}: ${counted(state.eventsApplied, 'event')} applied, up to revision ${state.revision} at log position ${state.position}.`,
        ),
        stateTable(state.state),
      ),
    ],
  };
}

/** asOf as the API took it: a log position, or an instant. */
const moment = (asOf) => (/^\d+(\/\d+)?$/.test(asOf) ? `log position ${asOf}` : asOf);

function entityForm(params, query) {
  const kind = h(
    'select',
    { id: 'audit-kind', name: 'kind' },
    KINDS.map((k) => h('option', { value: k.kind, selected: params.kind === k.kind }, k.label)),
  );
  const id = h('input', {
    id: 'audit-id',
    name: 'id',
    value: params.id ?? '',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { class: 'inline-form', method: 'post', 'aria-label': 'Choose an entity' },
    h('label', { for: 'audit-kind' }, 'Kind'),
    kind,
    h('label', { for: 'audit-id' }, 'Id'),
    id,
    h('button', { type: 'submit', class: 'button button--quiet' }, 'Show its history'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (id.value.trim())
      location.hash = routeHref(['audit', kind.value, id.value.trim()], query.asOf ? { asOf: query.asOf } : {});
  });
  return form;
}

function asOfForm(here, asOf) {
  const input = h('input', {
    id: 'as-of',
    name: 'asOf',
    value: asOf,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'as-of-help',
    class: 'wide',
  });
  const form = h(
    'form',
    { class: 'inline-form', method: 'post', 'aria-label': 'State as of' },
    h('label', { for: 'as-of' }, 'As of'),
    input,
    h('button', { type: 'submit', class: 'button button--quiet' }, 'Show the state'),
    h(
      'p',
      { class: 'hint', id: 'as-of-help' },
      'An ISO 8601 date-time with its zone (2026-06-30T23:59:59Z) or a log position (1200): the events recorded up to then are folded.',
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) location.hash = here({ asOf: input.value.trim() });
  });
  return form;
}

/** The folded state, field by field: amounts in euro beside their cents, structures as JSON. */
function stateTable(state) {
  const rows = state && typeof state === 'object' ? Object.entries(state) : [];
  return dataTable({
    caption: 'The state, folded with the same evolve the commands use.',
    empty: 'No state.',
    columns: [
      { label: 'Field', value: ([field]) => field },
      { label: 'Value', value: ([field, value]) => stateValue(field, value) },
    ],
    rows,
  });
}

function stateValue(field, value) {
  if (typeof value === 'number' && /Cents$/.test(field)) return `${euros(value)} (${value} cents)`;
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return h('pre', {}, JSON.stringify(value, null, 2));
  return String(value);
}
