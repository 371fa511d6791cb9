import { ApiExtraModels } from '@nestjs/swagger';
import { BID_STATUSES, PASS_OVER_REASONS, type BidStatus, type PassOverReason } from '@app/funding';
import type { BidSummary } from '@app/read-models';
import { Act } from '../acts/act.dto.js';
import {
  Cents,
  Either,
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
import {
  ErasedIdentity,
  Identity,
  LegalPersonApplicant,
  NaturalPersonApplicant,
  PersonFields,
} from './people.responses.js';
import { BID_ORDERS } from './queries.dto.js';
import type { Shows } from './shows-document.js';

/** `GET /bids/{bidId}`, `GET /calls/{callId}/bids`: the bid summaries read model (bid-summaries.projection.ts). */

export class BidPassOver {
  @OneOf(PASS_OVER_REASONS, 'PassOverReason', 'insufficient-funds, declined or requirements-lost')
  reason!: PassOverReason;
  @Nested(Act, 'The act passing it over') act!: Act;
  @Instant('When it was recorded') passedOverAt!: string;
}

@ApiExtraModels(LegalPersonApplicant, NaturalPersonApplicant)
export class Bid implements Shows<BidSummary, Bid> {
  @Id('The bid', { example: 'officine-nido' }) bidId!: string;
  @Id('Its call', { example: 'm4-welfare-aziendale' }) callId!: string;
  @Text('The applicant portal that submitted it: the one principal of that role that may see it') submittedBy!: string;
  @Either(
    [LegalPersonApplicant, NaturalPersonApplicant],
    'A legal person with its identity; a natural person by subject id and region only',
  )
  applicant!: LegalPersonApplicant | NaturalPersonApplicant;
  @PersonFields.subjectId() subjectId!: string | null;
  @PersonFields.sensitive() sensitive!: boolean;
  @PersonFields.publicView() publicView!: boolean;
  @Text('Title of the project') projectTitle!: string;
  @Cents('Requested', { example: 15_000_000 }) requestedCents!: number;
  @OneOf(BID_STATUSES, 'BidStatus', 'Where it stands') status!: BidStatus;
  @Integer('Evaluation score, 0-100', { nullable: true }) score!: number | null;
  @Id('The grant awarded on it', { nullable: true }) grantId!: string | null;
  @Cents('The amount awarded on it', { nullable: true }) awardedCents!: number | null;
  @Instant('When it was submitted') submittedAt!: string;
  @Position('Where its submission sits in the log: its order of arrival') arrivalPosition!: string;
  @Text('The same, as a key that sorts as the log does') arrivalKey!: string;
  @Instant('When it was evaluated', { nullable: true }) evaluatedAt!: string | null;
  @Instant('When it was withdrawn', { nullable: true }) withdrawnAt!: string | null;
  @Integer(
    "Its place in its call's approved ranking (1: the best); null until the ranking is approved, or when it is not in it. In a call's list of bids (`GET /calls/{callId}/bids`) in order of score or arrival: its place in that order, from 1 (null for an unscored bid ranked by score)",
    { nullable: true },
  )
  rank!: number | null;
  @Text('A key that sorts the ranked bids by rank and the others after them') rankKey!: string;
  @Nested(BidPassOver, 'Why and by which act it was last passed over; null if never', { nullable: true })
  passedOver!: BidPassOver | null;
}

/** A bid, whether it arrived late (from its call's close), and a natural person's identity for those who may see it: the query adds both. */
@ApiExtraModels(LegalPersonApplicant, NaturalPersonApplicant, Identity, ErasedIdentity)
export class BidView extends Bid implements Shows<BidSummary, BidView, 'late' | 'identity'> {
  @Flag('It arrived after its call closed: never admitted') late!: boolean;
  @PersonFields.identity() identity?: Identity | ErasedIdentity;
}

@ApiExtraModels(LegalPersonApplicant, NaturalPersonApplicant)
export class RankedBid extends Bid implements Shows<BidSummary, RankedBid, 'late'> {
  @Flag('It arrived after its call closed: never admitted') late!: boolean;
}

export class RankedBidPage extends Page {
  @OneOf(
    BID_ORDERS,
    'BidOrder',
    'rank: the approved ranking, bids not in it after; score: the best first; arrival: the order of the log',
  )
  order!: (typeof BID_ORDERS)[number];
  @List(RankedBid, 'The bids, in that order') items!: RankedBid[];
}
