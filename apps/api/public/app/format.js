/** Figures as an Italian reader expects them: euro from integer cents, dates day first. */

const EURO = new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' });
const EURO_COMPACT = new Intl.NumberFormat('it-IT', {
  style: 'currency',
  currency: 'EUR',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const PERCENT = new Intl.NumberFormat('it-IT', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const NUMBER = new Intl.NumberFormat('it-IT');
const DAY = { day: '2-digit', month: '2-digit', year: 'numeric' };
const DATE_TIME = new Intl.DateTimeFormat('it-IT', { ...DAY, hour: '2-digit', minute: '2-digit', second: '2-digit' });
const DATE = new Intl.DateTimeFormat('it-IT', { ...DAY, timeZone: 'UTC' });

/** Integer cents as euro ("120.000,00 €"); a missing figure as a dash. */
export function euros(cents) {
  return typeof cents === 'number' && Number.isFinite(cents) ? EURO.format(cents / 100) : '—';
}

export const compactEuros = (cents) => EURO_COMPACT.format(cents / 100);

/** A ratio (0.125) as a percentage ("12,5 %"). */
export const percent = (ratio) => (typeof ratio === 'number' && Number.isFinite(ratio) ? PERCENT.format(ratio) : '—');

/** A co-financing split in basis points as percentages: "EU 50 % · State 35 % · region 15 %"; none stated as a dash. */
export function cofinancingShares(cofinancing) {
  if (!cofinancing) return '—';
  const pc = (bp) => `${NUMBER.format(bp / 100)} %`;
  return `EU ${pc(cofinancing.euBp)} · State ${pc(cofinancing.nationalBp)} · region ${pc(cofinancing.regionalBp)}`;
}

export const count = (n) => (typeof n === 'number' ? NUMBER.format(n) : '—');

/** An instant (ISO 8601) in the reader's time zone. */
export function dateTime(iso) {
  if (typeof iso !== 'string') return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : DATE_TIME.format(at);
}

/** A calendar date ("2027-06-30", or an instant's date in UTC) as 30/06/2027. */
export function date(value) {
  if (typeof value !== 'string') return '—';
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(at.getTime()) ? value : DATE.format(at);
}

export const yesNo = (value) => (value === true ? 'yes' : value === false ? 'no' : '—');

/** "1 bid", "2 bids". */
export const counted = (n, one, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;
