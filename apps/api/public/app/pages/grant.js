/** One grant: its award, the payments, the expenditure claims they settle, revocations and recoveries. */
import { getJson } from '../api.js';
import { badge, dataTable, facts, h, link, section } from '../dom.js';
import { cofinancingShares, counted, date, dateTime, euros, yesNo } from '../format.js';
import { applicantName } from './call.js';

const KINDS = { advance: 'advance (anticipo)', interim: 'interim (SAL)', final: 'final (saldo)' };

export async function grantPage({ grantId }) {
  const grant = await getJson(`/grants/${encodeURIComponent(grantId)}`);
  const recovery = grant.recovery ?? { orders: [], receipts: [], writeOffs: [] };
  const payments = grant.disbursements ?? [];
  const claims = grant.claims ?? [];
  const revocations = grant.revocations ?? [];
  const total = (rows, field) => rows.reduce((sum, row) => sum + (row[field] ?? 0), 0);

  return {
    title: `Grant ${grant.grantId}`,
    content: [
      h('h1', { tabindex: '-1' }, grant.projectTitle),
      h(
        'p',
        { class: 'lead' },
        `Grant ${grant.grantId} · CUP `,
        h('code', {}, grant.cup),
        ' · ',
        badge(grant.status),
        ' · ',
        link(['calls', grant.callId], `call ${grant.callId}`),
      ),
      facts([
        [
          'Beneficiary',
          [applicantName(grant.beneficiary), grant.beneficiary?.type ? ` (${grant.beneficiary.type})` : ''],
        ],
        ['Measure and fund', `${grant.measureId} · ${grant.fund}`],
        ['Priority axis', grant.priorityAxis ?? '—'],
        ['Co-financing', cofinancingShares(grant.cofinancing)],
        ['Aid regime', grant.aidRegime ?? '—'],
        ['Awarded on', dateTime(grant.awardedAt)],
        ['Operation', grant.operation?.purpose ?? '—'],
        ['Planned', `${date(grant.operation?.plannedStartDate)} – ${date(grant.operation?.plannedEndDate)}`],
        ['Ended', grant.actualEndDate ? date(grant.actualEndDate) : 'not yet'],
      ]),
      facts(
        [
          ['Awarded', euros(grant.originalAwardCents)],
          ['Award now', euros(grant.currentAwardCents)],
          ['Paid', euros(grant.disbursedCents)],
          ['Advance not yet covered', euros(grant.advanceUncovered)],
          ['Still to pay (award not yet paid)', euros(grant.remainingCents)],
          ['Payable now (verified, not yet paid)', euros(grant.payableCents)],
          ['Declared', euros(grant.declaredCents)],
          ['Verified', euros(grant.verifiedCents)],
          ['Recovery due', euros(grant.recoveryDueCents)],
          ['Recovered', euros(recovery.receivedCents)],
        ],
        'facts facts--figures',
      ),
      // Who pays for it (co-financing): the award now and what was paid net of recoveries, each split from its total.
      grant.cofinancing
        ? facts(
            [
              ['Award now: EU', euros(grant.awardSplit?.euCents)],
              ['Award now: State', euros(grant.awardSplit?.nationalCents)],
              ['Award now: region', euros(grant.awardSplit?.regionalCents)],
              ['Paid net of recoveries: EU', euros(grant.paidSplit?.euCents)],
              ['Paid net of recoveries: State', euros(grant.paidSplit?.nationalCents)],
              ['Paid net of recoveries: region', euros(grant.paidSplit?.regionalCents)],
            ],
            'facts facts--figures',
          )
        : null,
      section(
        'Payments',
        dataTable({
          caption: `${counted(payments.length, 'payment')}, ${euros(total(payments, 'amountCents'))} in all, in the order they were made.`,
          empty: 'Nothing paid yet.',
          columns: [
            { label: 'Paid on', value: (d) => dateTime(d.paidAt) },
            { label: 'Kind', value: (d) => KINDS[d.kind] ?? d.kind },
            { label: 'Amount', numeric: true, value: (d) => euros(d.amountCents) },
            { label: 'On claim', value: (d) => d.claimId ?? '— (on the award)' },
            { label: 'Reference', value: (d) => d.reference ?? '—' },
            { label: 'Deggendorf visura', value: (d) => d.deggendorfVisuraRef ?? '—' },
          ],
          rows: payments,
        }),
      ),
      section(
        'Expenditure claims',
        dataTable({
          caption: `${counted(claims.length, 'claim')} (rendicontazione): what was declared, what first-level control found eligible, what was paid on it.`,
          empty: 'No claim yet.',
          columns: [
            { label: 'Claim', value: (c) => c.claimId },
            { label: 'Kind', value: (c) => KINDS[c.kind] ?? c.kind },
            { label: 'Status', value: (c) => badge(c.status) },
            { label: 'Submitted', value: (c) => dateTime(c.submittedAt) },
            { label: 'Declared', numeric: true, value: (c) => euros(c.declaredCents) },
            {
              label: 'Eligible',
              numeric: true,
              value: (c) => (c.status === 'verified' ? euros(c.eligibleCents) : '—'),
            },
            { label: 'Cut', numeric: true, value: (c) => (c.status === 'verified' ? euros(c.cutCents) : '—') },
            { label: 'Paid on it', numeric: true, value: (c) => euros(c.paidCents) },
            {
              label: 'Verified',
              value: (c) =>
                c.verifiedAt
                  ? [
                      dateTime(c.verifiedAt),
                      h('span', { class: 'sub' }, `${c.verifiedBy ?? ''}${c.onTheSpot ? ', on the spot' : ''}`),
                    ]
                  : '—',
            },
          ],
          rows: claims,
        }),
        claims.map((c) => claimDetails(c)),
      ),
      section(
        'Revocations',
        dataTable({
          caption: 'Revocations (revoca) of the award, whole or in part.',
          empty: 'No revocation.',
          columns: [
            { label: 'Revoked on', value: (r) => dateTime(r.revokedAt) },
            { label: 'Reason', value: (r) => r.reason },
            { label: 'Whole', value: (r) => yesNo(r.whole) },
            { label: 'Revoked', numeric: true, value: (r) => euros(r.revokedCents) },
            { label: 'Released to the call', numeric: true, value: (r) => euros(r.releasedCents) },
            { label: 'Recovery due', numeric: true, value: (r) => euros(r.recoveryDueCents) },
            { label: 'COVAR', value: (r) => r.covar ?? '—' },
          ],
          rows: revocations,
        }),
      ),
      section(
        'Recoveries',
        facts(
          [
            ['Due', euros(recovery.dueCents)],
            ['Ordered', euros(recovery.orderedCents)],
            ['Received', euros(recovery.receivedCents)],
            ['Interest received', euros(recovery.interestReceivedCents)],
            ['Written off', euros(recovery.writtenOffCents)],
            ['Outstanding', euros(recovery.outstandingCents)],
          ],
          'facts facts--figures',
        ),
        dataTable({
          caption: 'Recovery orders (recupero).',
          empty: 'No recovery ordered.',
          columns: [
            { label: 'Order', value: (o) => o.orderId },
            { label: 'Amount', numeric: true, value: (o) => euros(o.amountCents) },
            {
              label: 'Interest rate',
              numeric: true,
              value: (o) => `${((o.interestRateBp ?? 0) / 100).toLocaleString('it-IT')} %`,
            },
            { label: 'Due by', value: (o) => date(o.dueDate) },
            { label: 'Reference', value: (o) => o.reference ?? '—' },
            { label: 'Ordered on', value: (o) => dateTime(o.orderedAt) },
          ],
          rows: recovery.orders ?? [],
        }),
        dataTable({
          caption: 'Money received back.',
          empty: 'Nothing received back.',
          columns: [
            { label: 'Received on', value: (r) => date(r.receivedAt) },
            { label: 'Amount', numeric: true, value: (r) => euros(r.amountCents) },
            { label: 'Interest', numeric: true, value: (r) => euros(r.interestCents) },
            { label: 'Reference', value: (r) => r.reference ?? '—' },
          ],
          rows: recovery.receipts ?? [],
        }),
        (recovery.writeOffs ?? []).length > 0
          ? dataTable({
              caption: 'Written off as irrecoverable.',
              columns: [
                { label: 'Written off on', value: (w) => date(w.writtenOffAt) },
                { label: 'Amount', numeric: true, value: (w) => euros(w.amountCents) },
                { label: 'Reason', value: (w) => w.reason ?? '—' },
              ],
              rows: recovery.writeOffs,
            })
          : null,
      ),
      h('p', {}, 'Auditors: ', link(['audit', 'grants', grant.grantId], 'the history of this grant, event by event')),
    ],
  };
}

function claimDetails(claim) {
  return h(
    'details',
    { class: 'claim-details' },
    h(
      'summary',
      {},
      `Claim ${claim.claimId}: ${counted(claim.items?.length ?? 0, 'item')}, ${counted(claim.cuts?.length ?? 0, 'cut')}`,
    ),
    dataTable({
      caption: `Items declared in claim ${claim.claimId}.`,
      columns: [
        { label: '#', value: (item) => String(claim.items.indexOf(item)) },
        { label: 'Description', value: (item) => item.description },
        { label: 'Category', value: (item) => item.category },
        { label: 'Document', value: (item) => item.documentRef },
        { label: 'Amount', numeric: true, value: (item) => euros(item.amountCents) },
      ],
      rows: claim.items ?? [],
    }),
    (claim.cuts ?? []).length > 0
      ? dataTable({
          caption: `Cuts made by first-level control on claim ${claim.claimId}.`,
          columns: [
            { label: 'Item #', value: (cut) => String(cut.item) },
            { label: 'Reason', value: (cut) => cut.reason },
            { label: 'Cut', numeric: true, value: (cut) => euros(cut.amountCents) },
          ],
          rows: claim.cuts,
        })
      : null,
  );
}
