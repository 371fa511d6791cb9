import {
  CALL_STATUSES,
  FUNDS,
  PASS_OVER_REASONS,
  SELECTIONS,
  type CallStatus,
  type Fund,
  type PassOverReason,
  type Selection,
} from '@app/funding';
import type { CallSummary } from '@app/read-models';
import { Act } from '../acts/act.dto.js';
import {
  Cents,
  Count,
  Day,
  Flag,
  Id,
  Instant,
  Integer,
  List,
  Nested,
  OneOf,
  Position,
  Text,
} from '../http/response-fields.js';
import { Page } from './page.responses.js';
import type { Shows } from './shows-document.js';

/** `GET /calls`, `GET /calls/{callId}`: the call summaries read model (call-summaries.projection.ts). */

export class BidsByStatus {
  @Count('Submitted, not yet evaluated') submitted!: number;
  @Count('Admissible, not yet awarded') admissible!: number;
  @Count('Inadmissible') inadmissible!: number;
  @Count('Withdrawn') withdrawn!: number;
  @Count('Awarded') awarded!: number;
  @Count('Ranked and passed over by an act (for insufficient funds, still able to come back to the line)')
  'passed-over'!: number;
}

export class BidsByApplicantType {
  @Count('Social services bodies', { optional: true }) 'social-services-body'?: number;
  @Count('Municipalities', { optional: true }) municipality?: number;
  @Count('Companies', { optional: true }) company?: number;
  @Count('Third-sector bodies', { optional: true }) 'third-sector'?: number;
  @Count('Volunteer associations', { optional: true }) 'volunteer-association'?: number;
  @Count('Natural persons', { optional: true }) 'natural-person'?: number;
}

export class CallBids {
  @Count('Bids submitted, whatever became of them')
  total!: number;

  @Nested(BidsByStatus, 'By status now')
  byStatus!: BidsByStatus;

  @Nested(BidsByApplicantType, 'By type of applicant (types with no bid are absent)')
  byApplicantType!: BidsByApplicantType;
}

export class GberTerms {
  @Text('The GBER article (Reg. (EU) 651/2014) its aid falls under', { example: 'art. 20' }) article!: string;
  @Integer("That article's maximum aid intensity, in basis points of an operation's eligible cost: no award above it", {
    example: 5000,
  })
  maxIntensityBp!: number;
}

export class CallRanking {
  @Nested(Act, 'The act approving it') act!: Act;
  @Instant('When it was recorded') approvedAt!: string;
  @Count('How many bids it ranks') rankedCount!: number;
}

export class AppealDeadlines {
  @Day('To the regional administrative court (TAR): 60 days from the act (D.lgs. 104/2010 art. 29)', {
    example: '2026-06-19',
  })
  tar!: string;
  @Day('By extraordinary appeal to the President of the Republic: 120 days from the act (DPR 1199/1971 art. 9)', {
    example: '2026-08-18',
  })
  president!: string;
}

export class PassedOverBid {
  @Id('The bid', { example: 'nido-rivoli' }) bidId!: string;
  @OneOf(
    PASS_OVER_REASONS,
    'PassOverReason',
    'insufficient-funds (back in the line when money comes back to the call), declined or requirements-lost (for good)',
  )
  reason!: PassOverReason;
  @Nested(Act, 'The act passing it over') act!: Act;
}

/** A call as its summary holds it, and whether it takes bids now (the query adds it, from the clock). */
export class Call implements Shows<CallSummary, Call, 'acceptingBids'> {
  @Id('The call', { example: 'm4-welfare-aziendale' }) callId!: string;
  @Id('Its programme', { example: 'wecare' }) programmeId!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @OneOf(FUNDS, 'Fund', "The measure's fund") fund!: Fund;
  @Text('Title ("bando")') title!: string;
  @OneOf(CALL_STATUSES, 'CallStatus', 'open, closed or cancelled') status!: CallStatus;
  @Instant('Bids are accepted from this instant…') opensAt!: string;
  @Instant('…until this one (exclusive)') closesAt!: string;
  @Cents('Budget reserved from the measure', { example: 250_000_000 }) budgetCents!: number;
  @Cents('Largest amount one bid may request; null: the whole budget', { nullable: true }) maxGrantCents!:
    number | null;
  @Cents('Awarded to grants') committedCents!: number;
  @Cents('Handed back by revocations, final payments below the award and recoveries') releasedCents!: number;
  @Cents('budget − committed + released') remainingCents!: number;
  @Count('Grants awarded') grantCount!: number;
  @Cents("Expenditure declared in its grants' claims") declaredCents!: number;
  @Cents('Of it, found eligible') verifiedCents!: number;
  @Cents('Paid') disbursedCents!: number;
  @Cents('Due back, in all') recoveryDueCents!: number;
  @Cents('Principal received back') recoveredCents!: number;
  @Cents('Written off') writtenOffCents!: number;
  @Cents('Due, neither received nor written off') outstandingRecoveryCents!: number;
  @Cents('Interest received on recoveries: never budget') interestReceivedCents!: number;
  @Nested(CallBids, 'Its bids counted') bids!: CallBids;
  @Instant('When it was opened') openedAt!: string;
  @Instant('When it was closed', { nullable: true }) closedAt!: string | null;
  @Instant('When it was cancelled', { nullable: true }) cancelledAt!: string | null;
  @OneOf(SELECTIONS, 'Selection', 'ranking: by score ("graduatoria"); first-come: by arrival ("a sportello")')
  selection!: Selection;
  @Position('Where its close (or cancellation) sits in the log: bids after it are late', { nullable: true })
  closedPosition!: string | null;
  @Text('The same, as a key that sorts as the log does', { nullable: true }) closedKey!: string | null;
  @Flag('Whether it takes bids right now (open, and within its window)') acceptingBids!: boolean;
  @Nested(GberTerms, 'Under GBER: the article and its maximum aid intensity; null otherwise', { nullable: true })
  gber!: GberTerms | null;
  @Nested(CallRanking, 'Its approved ranking ("graduatoria"); null until approved (and for a first-come call)', {
    nullable: true,
  })
  ranking!: CallRanking | null;
  @Nested(AppealDeadlines, 'The last days to challenge the ranking, counted from its act; null until ranked', {
    nullable: true,
  })
  appealDeadlines!: AppealDeadlines | null;
  @List(PassedOverBid, 'The ranked bids passed over now, with the last reason and act') passedOver!: PassedOverBid[];
}

export class CallPage extends Page {
  @List(Call, 'The calls, the latest opening first') items!: Call[];
}
