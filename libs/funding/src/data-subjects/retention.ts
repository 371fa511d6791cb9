import type { BidStatus } from '../bids/bid.js';
import type { Instant } from '../funding.types.js';
import type { GrantStatus } from '../grants/grant.js';
import type { RetentionRule } from '../programmes/programme.events.js';

/** What the ledger holds about a data subject, as far as retention is concerned. */
export interface RetentionRecords {
  readonly bids: ReadonlyArray<{
    readonly bidId: string;
    readonly status: BidStatus;
    readonly evaluatedAt: Instant | null;
    readonly withdrawnAt: Instant | null;
    /** Its programme's appeal window. */
    readonly appealWindowDays: number;
  }>;
  readonly grants: ReadonlyArray<{
    readonly grantId: string;
    readonly status: GrantStatus;
    readonly awardedAt: Instant;
    readonly lastPaymentAt: Instant | null;
    /** Its programme's retention rule. */
    readonly retention: RetentionRule;
  }>;
}

export interface Retention {
  /** Until when the records must be kept; null while a procedure is still open (a bid not yet decided). */
  readonly until: Date | null;
  readonly because: string;
}

const DAY = 86_400_000;

/** The end of 31 December, `years` after the year of `from`. */
function endOfYearAfter(from: Instant, years: number): Date {
  return new Date(Date.UTC(new Date(from).getUTCFullYear() + years, 11, 31, 23, 59, 59, 999));
}

/**
 * Whether a data subject's records must still be kept at `now` (GDPR art. 17(3)(b): a legal
 * obligation to retain wins over erasure), and until when; null when they may be erased now.
 * - a bid withdrawn before it was evaluated: nothing to keep;
 * - a bid found inadmissible, or withdrawn after its evaluation: kept until the appeal window ends;
 * - a bid submitted or admissible and not yet decided: kept while the procedure is open;
 * - a grant (its bid was awarded): kept under its programme's retention rule, from 31 December of
 *   the year of its last payment (EU Reg. 2021/1060 art. 82: 5 years), or of its award (de minimis:
 *   10 fiscal years). For a grant still being paid this is a floor: a later payment moves it.
 */
export function retention(records: RetentionRecords, now: Date): Retention | null {
  const kept: Retention[] = [];
  for (const bid of records.bids) {
    if (bid.status === 'awarded') continue;
    if (bid.status === 'submitted' || bid.status === 'admissible') {
      kept.push({ until: null, because: `bid ${bid.bidId} is still being decided` });
      continue;
    }
    const decidedAt = bid.status === 'inadmissible' ? bid.evaluatedAt : bid.evaluatedAt === null ? null : bid.withdrawnAt;
    if (decidedAt === null) continue;
    kept.push({ until: new Date(Date.parse(decidedAt) + bid.appealWindowDays * DAY), because: `bid ${bid.bidId} may still be appealed` });
  }
  for (const grant of records.grants) {
    const from = grant.retention.from === 'award' ? grant.awardedAt : (grant.lastPaymentAt ?? grant.awardedAt);
    kept.push({
      until: endOfYearAfter(from, grant.retention.years),
      because: `grant ${grant.grantId} is kept ${grant.retention.years} years from 31 December of the year of its ${grant.retention.from === 'award' ? 'award' : 'last payment'}`,
    });
  }
  const open = kept.find((k) => k.until === null);
  if (open) return open;
  const latest = kept.filter((k) => k.until!.getTime() > now.getTime()).sort((a, b) => b.until!.getTime() - a.until!.getTime())[0];
  return latest ?? null;
}
