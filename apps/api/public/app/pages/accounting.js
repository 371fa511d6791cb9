/**
 * The money back from Brussels: per fund and accounting year (1 July to 30 June), what was paid to
 * beneficiaries, declared to the Commission, received from it, left under assessment and corrected.
 */
import { getJson } from '../api.js';
import { dataTable, facts, h, link, routeHref, section } from '../dom.js';
import { count, date, euros } from '../format.js';

const FUNDS = ['FSE', 'FESR'];
const YEAR = /^\d{4}-\d{4}$/;

const sum = (rows, field) => rows.reduce((total, row) => total + (row[field] ?? 0), 0);

/** A column of euro amounts, totalled in the footer. */
const money = (label, field) => ({ label, numeric: true, field, value: (row) => euros(row[field]) });

export async function accountingPage({ programmeId }, query) {
  const fund = FUNDS.includes(query.fund) ? query.fund : undefined;
  const accountingYear = YEAR.test(query.accountingYear ?? '') ? query.accountingYear : undefined;
  const dashboard = await getJson(`/programmes/${encodeURIComponent(programmeId)}/accounting-dashboard`, {
    fund,
    accountingYear,
  });
  const { rows } = dashboard;
  const which = [fund, accountingYear && `accounting year ${accountingYear}`].filter(Boolean).join(', ');

  const content = [
    h('h1', { tabindex: '-1' }, `${programmeId}: accounting with the Commission`),
    h(
      'p',
      { class: 'lead' },
      'Per fund and accounting year (1 July to 30 June): paid to beneficiaries, declared in payment applications, received from the Commission, left under assessment in the accounts, and corrected. ',
      link(['programmes', programmeId], 'The programme overview'),
    ),
    filters(programmeId, fund, accountingYear),
    facts(
      [
        ['Paid to beneficiaries', euros(sum(rows, 'paidToBeneficiariesCents'))],
        ['Declared (public contribution)', euros(sum(rows, 'declaredPublicContributionCents'))],
        ['Declared (EU share)', euros(sum(rows, 'declaredEuShareCents'))],
        ['Received from the Commission', euros(sum(rows, 'receivedFromCommissionCents'))],
        ['Under assessment (public contribution)', euros(sum(rows, 'underAssessmentPublicContributionCents'))],
        ['Corrected', euros(sum(rows, 'correctedCents'))],
      ],
      'facts facts--figures',
    ),
    section(
      'Funds and accounting years',
      dataTable({
        caption: `Each fund and accounting year${which ? ` (${which})` : ''}, in euro. Declared: the public contribution and EU share of the payments the year's applications declared; net: after their deductions (recoveries, corrections withdrawn). Received: what the Commission paid on the year's applications.`,
        empty: 'Nothing paid, declared or corrected yet.',
        columns: [
          { label: 'Fund and year', value: (r) => `${r.fund} ${r.accountingYear}` },
          money('Paid to beneficiaries', 'paidToBeneficiariesCents'),
          money('Recovered', 'recoveredCents'),
          money('Declared', 'declaredPublicContributionCents'),
          money('Declared, EU share', 'declaredEuShareCents'),
          money('Declared net', 'declaredNetPublicContributionCents'),
          money('Declared net, EU share', 'declaredNetEuShareCents'),
          money('Received from the Commission', 'receivedFromCommissionCents'),
          money('Under assessment', 'underAssessmentPublicContributionCents'),
          money('Under assessment, EU share', 'underAssessmentEuShareCents'),
          money('Corrected', 'correctedCents'),
          { label: 'Applications', numeric: true, field: 'applications', value: (r) => count(r.applications) },
          {
            label: 'Accounts',
            value: (r) => (r.accountsSubmitted ? `submitted ${date(r.accountsSubmittedOn)}` : 'not yet'),
          },
        ],
        rows,
        // A total only where there is something to total.
        footer: rows.length === 0 ? undefined : (column, i) => total(rows, column, i),
      }),
    ),
  ];

  return { title: `${programmeId}: accounting`, content };
}

/** The footer's cell of a column: the sum of what the rows shown hold. */
function total(rows, column, i) {
  if (i === 0) return 'All shown';
  if (column.field === 'applications') return count(sum(rows, 'applications'));
  return column.field ? euros(sum(rows, column.field)) : '';
}

/** Narrow the table to one fund, one accounting year, or both. */
function filters(programmeId, fund, accountingYear) {
  const fundField = h(
    'select',
    { id: 'accounting-fund', name: 'fund' },
    h('option', { value: '' }, 'every fund'),
    FUNDS.map((f) => h('option', { value: f, selected: f === fund }, f)),
  );
  const yearField = h('input', {
    id: 'accounting-year',
    name: 'accountingYear',
    value: accountingYear ?? '',
    placeholder: '2025-2026',
    pattern: '\\d{4}-\\d{4}',
    autocomplete: 'off',
    spellcheck: 'false',
    size: '9',
  });
  const form = h(
    'form',
    { class: 'inline-form', method: 'post', 'aria-label': 'Choose fund and accounting year' },
    h('label', { for: 'accounting-fund' }, 'Fund'),
    fundField,
    h('label', { for: 'accounting-year' }, 'Accounting year'),
    yearField,
    h('button', { type: 'submit', class: 'button button--quiet' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const year = yearField.value.trim();
    location.hash = routeHref(['programmes', programmeId, 'accounting'], {
      fund: fundField.value,
      accountingYear: YEAR.test(year) ? year : '',
    });
  });
  return form;
}
