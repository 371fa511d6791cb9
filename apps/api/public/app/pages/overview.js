/**
 * Programme overview: for each fund and measure, allocation → reserved → committed → paid →
 * recovered, and what is payable now; for each fund, who pays for what is committed and paid.
 */
import { getJson } from '../api.js';
import { absorptionChart, absorptionParts, describeAbsorption } from '../charts.js';
import { dataTable, facts, h, link, routeHref, section } from '../dom.js';
import { cofinancingShares, euros, percent } from '../format.js';

const absorptionCell = (ratio) =>
  h(
    'span',
    { class: 'absorption' },
    h('meter', { min: '0', max: '1', value: String(Math.min(1, ratio)), 'aria-hidden': 'true' }),
    ` ${percent(ratio)}`,
  );

const sum = (rows, field) => rows.reduce((total, row) => total + (row[field] ?? 0), 0);

/** A column of euro amounts; `field` also lets a footer total it. */
const money = (label, field) => ({ label, numeric: true, field, value: (row) => euros(row[field]) });

/** One payer's part of a fund's split (`committedSplit` or `paidSplit`). */
const splitColumn = (label, split, part) => ({
  label,
  numeric: true,
  value: (row) => euros(row[split]?.[part]),
});

/** From reserved to available: the money columns the funds and the measures tables share. */
const flowColumns = [
  money('Reserved', 'reservedCents'),
  money('Committed', 'committedCents'),
  money('Released', 'releasedCents'),
  money('Paid', 'disbursedCents'),
  money('Recovered', 'recoveredCents'),
  money('Payable now', 'payableCents'),
  money('Available', 'availableCents'),
];

export async function overviewPage({ programmeId }) {
  const dashboard = await getJson(`/programmes/${encodeURIComponent(programmeId)}/dashboard`);
  const { funds, measures } = dashboard;
  const total = sum(funds, 'amountCents');
  const disbursed = sum(funds, 'disbursedCents');

  const fundRows = funds.map((f) => ({
    label: f.fund,
    wholeCents: f.amountCents,
    parts: absorptionParts({ ...f, wholeCents: f.amountCents }),
  }));
  const measureRows = measures.map((m) => ({
    label: `${m.code} (${m.fund})`,
    wholeCents: m.allocationCents,
    parts: absorptionParts({ ...m, wholeCents: m.allocationCents }),
  }));

  const fundsCanvas = chartCanvas('Absorption by fund', fundRows, 'chart chart--funds');
  const measuresCanvas = chartCanvas('Absorption by measure', measureRows, 'chart chart--measures');

  const content = [
    h('h1', { tabindex: '-1' }, dashboard.title),
    h(
      'p',
      { class: 'lead' },
      `${dashboard.code} · programming period ${dashboard.rules?.programmingPeriod ?? '—'} · `,
      link(['programmes', programmeId, 'calls'], 'its calls and bids'),
    ),
    programmeSwitch(programmeId),
    facts(
      [
        ['Programme', euros(total)],
        ['Reserved by calls', euros(sum(funds, 'reservedCents'))],
        ['Committed to grants', euros(sum(funds, 'committedCents'))],
        ['Paid', euros(disbursed)],
        ['Payable now (verified, not yet paid)', euros(sum(funds, 'payableCents'))],
        ['Recovered', euros(sum(funds, 'recoveredCents'))],
        ['Absorption (paid / programme)', percent(total > 0 ? disbursed / total : 0)],
      ],
      'facts facts--figures',
    ),
    section(
      'Funds',
      h('div', { class: fundsCanvas.className }, fundsCanvas.canvas),
      dataTable({
        caption:
          'Each EU fund of the programme, in euro. Payable now is what verified expenditure entitles its grants to and was not paid yet; absorption is paid / fund amount.',
        columns: [
          { label: 'Fund', value: (f) => f.fund },
          money('Amount', 'amountCents'),
          money('Allocated to measures', 'allocatedCents'),
          ...flowColumns,
          { label: 'Absorption', numeric: true, value: (f) => absorptionCell(f.absorption) },
        ],
        rows: funds,
      }),
    ),
    section(
      'Co-financing',
      dataTable({
        caption:
          'Who pays each euro of each fund: the EU, the State (rotation fund, law 183/1987) and the region. What stays committed to grants (committed − released) and what was paid net of recoveries, each split from its total, in euro.',
        empty: 'No fund of the programme states its co-financing.',
        columns: [
          { label: 'Fund', value: (f) => f.fund },
          { label: 'Shares', value: (f) => cofinancingShares(f.cofinancing) },
          { label: 'Still committed', numeric: true, value: (f) => euros(f.committedCents - f.releasedCents) },
          splitColumn('EU, committed', 'committedSplit', 'euCents'),
          splitColumn('State, committed', 'committedSplit', 'nationalCents'),
          splitColumn('Region, committed', 'committedSplit', 'regionalCents'),
          { label: 'Paid net', numeric: true, value: (f) => euros(f.disbursedCents - f.recoveredCents) },
          splitColumn('EU, paid', 'paidSplit', 'euCents'),
          splitColumn('State, paid', 'paidSplit', 'nationalCents'),
          splitColumn('Region, paid', 'paidSplit', 'regionalCents'),
        ],
        rows: funds.filter((f) => f.cofinancing),
      }),
    ),
    section(
      'Measures',
      h('div', { class: measuresCanvas.className }, measuresCanvas.canvas),
      dataTable({
        caption:
          'Each measure of the programme, in euro. Payable now is what verified expenditure entitles its grants to and was not paid yet; available is allocation − (committed − released); absorption is paid / allocation.',
        columns: [
          {
            label: 'Measure',
            value: (m) => [
              h('a', { href: routeHref(['programmes', programmeId, 'calls'], { measureId: m.measureId }) }, m.code),
              h('span', { class: 'sub' }, m.title),
            ],
          },
          { label: 'Fund', value: (m) => m.fund },
          money('Allocation', 'allocationCents'),
          ...flowColumns,
          { label: 'Absorption', numeric: true, value: (m) => absorptionCell(m.absorption) },
        ],
        rows: measures,
        footer: (column, i) => (i === 0 ? 'All measures' : column.field ? euros(sum(measures, column.field)) : ''),
      }),
    ),
  ];

  return {
    title: `${dashboard.code}: programme overview`,
    content,
    mounted() {
      const charts = [
        absorptionChart(fundsCanvas.canvas, fundRows),
        absorptionChart(measuresCanvas.canvas, measureRows),
      ];
      return () => charts.forEach((chart) => chart?.destroy());
    },
  };
}

function chartCanvas(title, rows, className) {
  const description = describeAbsorption(
    `${title}: each bar is the whole amount, split into paid, committed, reserved and not yet reserved`,
    rows,
  );
  return { className, canvas: h('canvas', { role: 'img', 'aria-label': description }, h('p', {}, description)) };
}

function programmeSwitch(programmeId) {
  const input = h('input', {
    id: 'programme-id',
    name: 'programme-id',
    value: programmeId,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { class: 'inline-form', method: 'post' },
    h('label', { for: 'programme-id' }, 'Programme id'),
    input,
    h('button', { type: 'submit', class: 'button button--quiet' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (id) location.hash = routeHref(['programmes', id]);
  });
  return form;
}
