import type { Cents } from '../money.js';
import type { DeMinimisRule } from '../programmes/programme.events.js';
import { addDays } from '../acts/administrative-act.js';

/**
 * Which aid counts towards a de minimis ceiling: the aid granted in the fiscal year of the grant
 * and the fiscal years before it (`fiscal-years`: a fiscal year is the calendar year for this
 * product, as it is for Italian public bodies and most undertakings), or in the rolling years that
 * end on the grant date (`rolling-years`: any period of that many years).
 */
export type DeMinimisWindow =
  | { readonly kind: 'fiscal-years'; readonly years: number }
  | { readonly kind: 'rolling-years'; readonly years: number };

/** A de minimis regulation, as data: the grants it governs (by grant date) and its ceiling over its window. */
export interface DeMinimisRegulation {
  readonly regulation: string;
  /** The first and last grant dates it governs, YYYY-MM-DD, both included; null: open-ended. */
  readonly from: string | null;
  readonly until: string | null;
  readonly ceilingCents: Cents;
  readonly window: DeMinimisWindow;
}

/**
 * The general de minimis regulations, chosen by the date the aid is granted (the award act's date,
 * when the legal right is conferred): Reg. (EU) 1407/2013 art. 3(2), EUR 200,000 over the fiscal
 * year and the two previous fiscal years, for aid granted up to 31 December 2023 (its figures are
 * those of Reg. (EC) 1998/2006 before it, so earlier grants are judged the same way); Reg. (EU)
 * 2023/2831 art. 3(2), EUR 300,000 over any period of three years, from 1 January 2024.
 */
export const DE_MINIMIS_REGULATIONS: readonly DeMinimisRegulation[] = [
  {
    regulation: 'Reg. (EU) 1407/2013',
    from: null,
    until: '2023-12-31',
    ceilingCents: 20_000_000,
    window: { kind: 'fiscal-years', years: 3 },
  },
  {
    regulation: 'Reg. (EU) 2023/2831',
    from: '2024-01-01',
    until: null,
    ceilingCents: 30_000_000,
    window: { kind: 'rolling-years', years: 3 },
  },
];

/** The regulation that governs aid granted on `grantDate` (YYYY-MM-DD). */
export function deMinimisRegulationOn(
  grantDate: string,
  regulations: readonly DeMinimisRegulation[] = DE_MINIMIS_REGULATIONS,
): DeMinimisRegulation {
  const found = regulations.find(
    (r) => (r.from === null || r.from <= grantDate) && (r.until === null || grantDate <= r.until),
  );
  if (!found) throw new Error(`No de minimis regulation governs aid granted on ${grantDate}`);
  return found;
}

/** The first day (included) of the window that ends on `grantDate`. */
export function windowStart(window: DeMinimisWindow, grantDate: string): string {
  const year = Number(grantDate.slice(0, 4));
  if (window.kind === 'fiscal-years') return `${String(year - window.years + 1).padStart(4, '0')}-01-01`;
  // Any period of N years that ends on the grant date begins the day after the same day N years before (28 February for a 29th).
  const month = grantDate.slice(5, 7);
  const day = month === '02' && grantDate.slice(8, 10) === '29' ? '28' : grantDate.slice(8, 10);
  return addDays(`${String(year - window.years).padStart(4, '0')}-${month}-${day}`, 1);
}

/** De minimis aid this ledger granted to a member of the single undertaking. */
export interface AidOnRecord {
  readonly grantId: string;
  readonly amountCents: Cents;
  /** YYYY-MM-DD: its award act's date. */
  readonly grantDate: string;
}

/** One ceiling the award is held to: the regulation's, or the programme's own. */
export interface DeMinimisLimit {
  readonly source: string;
  readonly ceilingCents: Cents;
  readonly windowStart: string;
  readonly headroomCents: Cents;
}

/**
 * How much more de minimis aid the single undertaking may receive on `grantDate`: under the
 * regulation in force on that date, and under the programme's own rule (a programme may hold its
 * aid to less, e.g. a lower ceiling or a longer window; never to more, since the regulation always
 * applies). Each counts the aid the RNA visura lists, plus the aid this ledger granted to any member
 * inside the window and on or after the visura's day (aid of the visura's own day may or may not be
 * in it: counted, so the ceiling is never crossed). Aid dated after `grantDate` counts as well: an
 * award recorded late must not push an earlier grant's window over its ceiling.
 */
export function deMinimisHeadroom(input: {
  readonly grantDate: string;
  readonly visura: { readonly date: string; readonly receivedCents: Cents };
  readonly aid: readonly AidOnRecord[];
  readonly programmeRule: DeMinimisRule;
  readonly regulations?: readonly DeMinimisRegulation[];
}): {
  readonly headroomCents: Cents;
  readonly regulation: DeMinimisRegulation;
  readonly limits: readonly DeMinimisLimit[];
} {
  const regulation = deMinimisRegulationOn(input.grantDate, input.regulations);
  const byGrant = new Map(input.aid.map((a) => [a.grantId, a]));
  const limit = (source: string, ceilingCents: Cents, window: DeMinimisWindow): DeMinimisLimit => {
    const start = windowStart(window, input.grantDate);
    const counted = [...byGrant.values()]
      .filter((a) => a.grantDate >= start && a.grantDate >= input.visura.date)
      .reduce((sum, a) => sum + a.amountCents, 0);
    return {
      source,
      ceilingCents,
      windowStart: start,
      headroomCents: Math.max(0, ceilingCents - input.visura.receivedCents - counted),
    };
  };
  const limits = [
    limit(regulation.regulation, regulation.ceilingCents, regulation.window),
    limit('programme rules', input.programmeRule.ceilingCents, {
      kind: 'rolling-years',
      years: input.programmeRule.windowYears,
    }),
  ];
  return { headroomCents: Math.min(...limits.map((l) => l.headroomCents)), regulation, limits };
}
