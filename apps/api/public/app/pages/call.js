/** One call: its budget and money, its bids in ranking or arrival order, and its grants. */
import { getAll, getJson } from '../api.js';
import { badge, dataTable, facts, h, link, pager, routeHref, section } from '../dom.js';
import { count, counted, date, dateTime, euros, yesNo } from '../format.js';
import { positive } from './calls.js';

const PAGE_SIZE = 50;

export async function callPage({ callId }, query) {
  const page = positive(query.page);
  const order = query.order === 'arrival' || query.order === 'score' ? query.order : undefined;
  const id = encodeURIComponent(callId);
  const [call, bids, grants] = await Promise.all([
    getJson(`/calls/${id}`),
    getJson(`/calls/${id}/bids`, { order, page, pageSize: PAGE_SIZE }),
    getAll('/grants', { callId }),
  ]);
  const shownOrder = bids.order;
  const href = (q) => routeHref(['calls', callId], q);

  return {
    title: `Call ${call.title}`,
    content: [
      h('h1', { tabindex: '-1' }, call.title),
      h(
        'p',
        { class: 'lead' },
        `Call ${call.callId} · measure ${call.measureId} (${call.fund}) · `,
        link(['programmes', call.programmeId], `programme ${call.programmeId}`),
      ),
      facts([
        ['Status', [badge(call.status), call.acceptingBids ? ' taking bids' : ' not taking bids']],
        [
          'Selection',
          call.selection === 'first-come' ? 'first come, in order of arrival (a sportello)' : 'ranking by score',
        ],
        ['Window', `${dateTime(call.opensAt)} – ${dateTime(call.closesAt)}`],
        ['Largest grant per bid', euros(call.maxGrantCents)],
      ]),
      facts(
        [
          ['Budget', euros(call.budgetCents)],
          ['Committed', euros(call.committedCents)],
          ['Released', euros(call.releasedCents)],
          ['Remaining', euros(call.remainingCents)],
          ['Paid', euros(call.disbursedCents)],
          ['Recovered', euros(call.recoveredCents)],
        ],
        'facts facts--figures',
      ),
      section(
        'Bids',
        h(
          'nav',
          { class: 'tabs', 'aria-label': 'Order of the bids' },
          h(
            'a',
            { href: href({ order: 'score' }), 'aria-current': shownOrder === 'score' ? 'page' : undefined },
            'Ranking by score',
          ),
          h(
            'a',
            { href: href({ order: 'arrival' }), 'aria-current': shownOrder === 'arrival' ? 'page' : undefined },
            'Order of arrival',
          ),
        ),
        dataTable({
          caption:
            shownOrder === 'arrival'
              ? `${counted(bids.total, 'bid')} in order of arrival (their place in the event log); a late bid arrived after the call closed.`
              : `${counted(bids.total, 'bid')} ranked by score, the best first; bids not yet scored follow, by arrival.`,
          empty: 'No bid yet.',
          columns: [
            {
              label: shownOrder === 'arrival' ? 'Arrival' : 'Rank',
              numeric: true,
              value: (b) =>
                shownOrder === 'arrival'
                  ? String(bids.items.indexOf(b) + 1 + (bids.page - 1) * bids.pageSize)
                  : b.rank === null
                    ? '—'
                    : String(b.rank),
            },
            { label: 'Bid', value: (b) => b.bidId },
            {
              label: 'Applicant',
              value: (b) => [applicantName(b.applicant), h('span', { class: 'sub' }, b.applicant?.type ?? '')],
            },
            { label: 'Project', value: (b) => b.projectTitle },
            { label: 'Requested', numeric: true, value: (b) => euros(b.requestedCents) },
            { label: 'Status', value: (b) => badge(b.status) },
            { label: 'Score', numeric: true, value: (b) => (b.score === null ? '—' : String(b.score)) },
            {
              label: 'Awarded',
              numeric: true,
              value: (b) => (b.grantId ? link(['grants', b.grantId], euros(b.awardedCents)) : '—'),
            },
            {
              label: 'Arrived',
              value: (b) => [dateTime(b.submittedAt), h('span', { class: 'sub' }, `log position ${b.arrivalPosition}`)],
            },
            { label: 'Late', value: (b) => yesNo(b.late) },
          ],
          rows: bids.items,
        }),
        pager(bids, (p) => href({ order: shownOrder, page: p }), 'Pages of bids'),
        dataTable({
          caption: 'Bids by status and by applicant type.',
          columns: [
            { label: 'Count of', value: (r) => r[0] },
            { label: 'Bids', numeric: true, value: (r) => count(r[1]) },
          ],
          rows: [
            ...Object.entries(call.bids?.byStatus ?? {}).map(([k, v]) => [`status ${k}`, v]),
            ...Object.entries(call.bids?.byApplicantType ?? {}).map(([k, v]) => [`applicant type ${k}`, v]),
          ],
        }),
      ),
      section(
        'Grants',
        dataTable({
          caption: `${counted(grants.total, 'grant')} awarded on this call, in order of award; amounts in euro.`,
          empty: 'No grant awarded yet.',
          columns: [
            {
              label: 'Grant',
              value: (g) => [link(['grants', g.grantId], g.projectTitle), h('span', { class: 'sub' }, g.grantId)],
            },
            { label: 'Beneficiary', value: (g) => applicantName(g.beneficiary) },
            { label: 'CUP', value: (g) => h('code', {}, g.cup) },
            { label: 'Status', value: (g) => badge(g.status) },
            { label: 'Awarded', numeric: true, value: (g) => euros(g.currentAwardCents) },
            { label: 'Paid', numeric: true, value: (g) => euros(g.disbursedCents) },
            { label: 'Still to pay', numeric: true, value: (g) => euros(g.remainingCents) },
            { label: 'Payable now', numeric: true, value: (g) => euros(g.payableCents) },
            { label: 'Awarded on', value: (g) => date(g.awardedAt) },
          ],
          rows: grants.items,
        }),
      ),
    ],
  };
}

/** A legal person by its name; a natural person is never named here. */
export function applicantName(applicant) {
  if (!applicant) return '—';
  if (applicant.name) return applicant.name;
  return applicant.kind === 'natural-person' ? 'a natural person' : '—';
}
