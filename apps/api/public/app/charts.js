/**
 * Absorption bars (chart.js, loaded as the global `Chart` by /app/vendor/chart.umd.js): each fund
 * or measure as one bar of its whole amount, split into what is paid, committed but not yet paid,
 * reserved by calls but not committed, and not yet reserved. The tables beside every chart carry
 * the same figures as text.
 */
import { euros, percent } from './format.js';

export const SEGMENTS = [
  { key: 'paid', label: 'Paid, net of recoveries', color: '#0b3d6b' },
  { key: 'committed', label: 'Committed, not yet paid', color: '#2f7ab8' },
  { key: 'reserved', label: 'Reserved by calls, not committed', color: '#8fbce0' },
  { key: 'free', label: 'Not yet reserved', color: '#d9dde3' },
];

/**
 * The parts of a whole amount. Committed counts net of what revocations and final payments
 * released; paid, net of what recoveries brought back. Each part is at least 0, so the parts
 * cover the whole when the figures agree.
 */
export function absorptionParts({
  wholeCents,
  reservedCents,
  committedCents,
  releasedCents,
  disbursedCents,
  recoveredCents,
}) {
  const paid = Math.max(0, disbursedCents - recoveredCents);
  const committedNet = Math.max(0, committedCents - releasedCents);
  const committed = Math.max(0, committedNet - paid);
  const reserved = Math.max(0, reservedCents - Math.max(committedNet, paid));
  const free = Math.max(0, wholeCents - Math.max(reservedCents, committedNet, paid));
  return { paid, committed, reserved, free };
}

/** A sentence for screen readers: each bar's paid and committed shares. */
export function describeAbsorption(what, rows) {
  const items = rows.map((row) => {
    const whole = row.wholeCents || 1;
    return `${row.label}: ${percent(row.parts.paid / whole)} paid, ${percent(row.parts.committed / whole)} committed and not yet paid, ${percent(row.parts.reserved / whole)} reserved`;
  });
  return `${what}. ${items.join('; ')}. The table below gives every figure.`;
}

/** Draws the bars on `canvas`; returns the chart, to destroy when the page goes. */
export function absorptionChart(canvas, rows) {
  const Chart = window.Chart;
  if (!Chart) return null;
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.label),
      datasets: SEGMENTS.map((segment) => ({
        label: segment.label,
        data: rows.map((row) => (row.wholeCents > 0 ? (row.parts[segment.key] / row.wholeCents) * 100 : 0)),
        cents: rows.map((row) => row.parts[segment.key]),
        backgroundColor: segment.color,
        borderColor: '#ffffff',
        borderWidth: 1,
        barPercentage: 0.8,
      })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: {
          stacked: true,
          min: 0,
          max: 100,
          ticks: { callback: (value) => `${value} %`, color: '#1a1a1a' },
          grid: { color: '#e3e6ea' },
        },
        y: { stacked: true, ticks: { color: '#1a1a1a', font: { size: 13 } }, grid: { display: false } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { color: '#1a1a1a', boxWidth: 14 } },
        tooltip: {
          callbacks: {
            label: (context) =>
              `${context.dataset.label}: ${euros(context.dataset.cents[context.dataIndex])} (${percent(context.parsed.x / 100)})`,
          },
        },
      },
    },
  });
}
