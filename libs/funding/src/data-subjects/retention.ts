import type { BidStatus } from '../bids/bid.js';
import type { AidRegime, Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { RetentionRule } from '../programmes/programme.events.js';

/**
 * What the ledger holds about a data subject, as the read models caught up with the whole log list
 * it: their bids (what a bid's retention depends on no longer changes once it is decided), and
 * which grants are theirs. What a grant's retention depends on can still change (a payment, a
 * recovery), so the erasure reads it from the grant's own stream, not from here.
 */
export interface RetentionRecords {
  readonly bids: ReadonlyArray<{
    readonly bidId: string;
    readonly status: BidStatus;
    readonly evaluatedAt: Instant | null;
    readonly withdrawnAt: Instant | null;
    /** Its programme's appeal window. */
    readonly appealWindowDays: number;
  }>;
  readonly grants: ReadonlyArray<{ readonly grantId: string }>;
}

/** A grant of the subject as its retention is decided: from the grant's stream, and its programme's rule. */
export interface RetainedGrant {
  readonly grantId: string;
  /** The day its aid was granted (its award act's date), YYYY-MM-DD. */
  readonly grantDate: string;
  readonly lastPaymentAt: Instant | null;
  readonly aidRegime: AidRegime;
  /** Recovery ordered, neither received nor written off. */
  readonly openRecoveryCents: Cents;
  /** Its programme's retention rule. */
  readonly retention: RetentionRule;
}

/**
 * Why records are kept (GDPR art. 17(3)(b): a legal obligation to retain wins over erasure):
 * - `open-procedure`: a bid not yet decided;
 * - `appeal-window`: a bid refused or withdrawn after its evaluation may still be appealed;
 * - `operation-records`: the programme's retention of an operation's documents (Reg. 2021/1060
 *   art. 82; Reg. 1303/2013 art. 140), from 31 December of the year of its last payment or award;
 * - `state-aid-records`: records of State aid, 10 years from the award (Reg. 651/2014 art. 12(1);
 *   de minimis Reg. 2023/2831 art. 6(4); 10 fiscal years under Reg. 1407/2013 art. 6(4));
 * - `open-recovery`: money ordered back from the subject and neither received nor written off.
 */
export const RETENTION_REASONS = [
  'open-procedure',
  'appeal-window',
  'operation-records',
  'state-aid-records',
  'open-recovery',
] as const;
export type RetentionReason = (typeof RETENTION_REASONS)[number];

export interface Retention {
  readonly reason: RetentionReason;
  /** Until when it holds; null while it runs without a date (a bid not yet decided, a recovery still open). */
  readonly until: Date | null;
  /** For people, with ids only: never personal data. */
  readonly because: string;
  readonly bidId: string | null;
  readonly grantId: string | null;
}

/** State aid records: 10 years from the award (GBER art. 12(1), de minimis). */
export const STATE_AID_RECORD_YEARS = 10;
/** De minimis aid granted before this day falls under Reg. 1407/2013, whose records are kept 10 fiscal years. */
const DE_MINIMIS_2023_2831_FROM = '2024-01-01';

const DAY = 86_400_000;

/** The end of 31 December, `years` after the year of `from` (an instant or a day). */
function endOfYearAfter(from: Instant | string, years: number): Date {
  return new Date(Date.UTC(new Date(from).getUTCFullYear() + years, 11, 31, 23, 59, 59, 999));
}

/** The end of the day `years` after the day `from` (29 February runs to 1 March). */
function endOfDayAfter(from: string, years: number): Date {
  const day = new Date(from);
  return new Date(Date.UTC(day.getUTCFullYear() + years, day.getUTCMonth(), day.getUTCDate(), 23, 59, 59, 999));
}

/** Until when a grant's State aid records are kept; null outside aid regimes. */
export function stateAidRecordsUntil(grant: Pick<RetainedGrant, 'aidRegime' | 'grantDate'>): Date | null {
  switch (grant.aidRegime) {
    case 'none':
      return null;
    case 'de-minimis':
      return grant.grantDate < DE_MINIMIS_2023_2831_FROM
        ? endOfYearAfter(grant.grantDate, STATE_AID_RECORD_YEARS)
        : endOfDayAfter(grant.grantDate, STATE_AID_RECORD_YEARS);
    case 'gber':
      return endOfDayAfter(grant.grantDate, STATE_AID_RECORD_YEARS);
  }
}

/**
 * Every retention obligation on a data subject's records that still holds at `now`; none: they may
 * be erased now.
 * - a bid withdrawn before it was evaluated: nothing to keep;
 * - a bid found inadmissible, or withdrawn after its evaluation: kept until the appeal window ends;
 * - a bid submitted or admissible and not yet decided: kept while the procedure is open;
 * - a grant: kept under its programme's retention rule, from 31 December of the year of its last
 *   payment, or of its award. For a grant still being paid this is a floor: a later payment moves it;
 * - a grant under State aid (de minimis, GBER): its aid records, 10 years from the award;
 * - a grant with a recovery ordered and neither received nor written off in full: while it is open.
 */
export function retention(
  held: { readonly bids: RetentionRecords['bids']; readonly grants: readonly RetainedGrant[] },
  now: Date,
): Retention[] {
  const kept: Retention[] = [];
  for (const bid of held.bids) {
    if (bid.status === 'awarded') continue;
    if (bid.status === 'submitted' || bid.status === 'admissible') {
      kept.push({
        reason: 'open-procedure',
        until: null,
        because: `bid ${bid.bidId} is still being decided`,
        bidId: bid.bidId,
        grantId: null,
      });
      continue;
    }
    const decidedAt =
      bid.status === 'inadmissible' ? bid.evaluatedAt : bid.evaluatedAt === null ? null : bid.withdrawnAt;
    if (decidedAt === null) continue;
    kept.push({
      reason: 'appeal-window',
      until: new Date(Date.parse(decidedAt) + bid.appealWindowDays * DAY),
      because: `bid ${bid.bidId} may still be appealed`,
      bidId: bid.bidId,
      grantId: null,
    });
  }
  for (const grant of held.grants) {
    const from = grant.retention.from === 'award' ? grant.grantDate : (grant.lastPaymentAt ?? grant.grantDate);
    kept.push({
      reason: 'operation-records',
      until: endOfYearAfter(from, grant.retention.years),
      because: `grant ${grant.grantId} is kept ${grant.retention.years} years from 31 December of the year of its ${grant.retention.from === 'award' ? 'award' : 'last payment'}`,
      bidId: null,
      grantId: grant.grantId,
    });
    const aidUntil = stateAidRecordsUntil(grant);
    if (aidUntil) {
      kept.push({
        reason: 'state-aid-records',
        until: aidUntil,
        because: `grant ${grant.grantId} is ${grant.aidRegime} State aid, whose records are kept ${STATE_AID_RECORD_YEARS} years from the award`,
        bidId: null,
        grantId: grant.grantId,
      });
    }
    if (grant.openRecoveryCents > 0) {
      kept.push({
        reason: 'open-recovery',
        until: null,
        because: `grant ${grant.grantId} has ${grant.openRecoveryCents} cents ordered back, neither received nor written off`,
        bidId: null,
        grantId: grant.grantId,
      });
    }
  }
  return kept.filter((k) => k.until === null || k.until.getTime() > now.getTime());
}

/** Until when records are kept, all obligations together: null while one runs without a date. */
export function retainedUntil(kept: readonly Retention[]): Date | null {
  if (kept.some((k) => k.until === null)) return null;
  return new Date(Math.max(...kept.map((k) => k.until!.getTime())));
}
