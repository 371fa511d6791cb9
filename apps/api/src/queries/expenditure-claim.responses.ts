import { CLAIM_KINDS, type ClaimKind } from '@app/funding';
import type { ExpenditureClaimSummary } from '@app/read-models';
import { Cents, Count, Flag, Id, Instant, List, OneOf, Text } from '../http/response-fields.js';
import { Page } from './page.responses.js';
import { CLAIM_STATUSES } from './queries.dto.js';
import type { Shows } from './shows-document.js';

/** `GET /expenditure-claims`, `GET /expenditure-claims/{claimId}`: the expenditure claims read model (expenditure-claims.projection.ts). */

export class ExpenditureClaim implements Shows<ExpenditureClaimSummary, ExpenditureClaim> {
  @Id('The claim', { example: 'nido-sal-1' }) claimId!: string;
  @Id('Its grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id("Its grant's call") callId!: string;
  @Id('Its programme') programmeId!: string;
  @Id('Its measure') measureId!: string;
  @OneOf(CLAIM_KINDS, 'ClaimKind', 'interim ("SAL") or final') kind!: ClaimKind;
  @OneOf(CLAIM_STATUSES, 'ClaimStatus', 'submitted or verified') status!: (typeof CLAIM_STATUSES)[number];
  @Count('Items declared (they are on the grant)') itemCount!: number;
  @Cents('Declared', { example: 7_500_000 }) declaredCents!: number;
  @Cents('Found eligible', { nullable: true }) eligibleCents!: number | null;
  @Cents('Cut', { nullable: true }) cutCents!: number | null;
  @Flag('Whether the control included a check on the spot', { nullable: true }) onTheSpot!: boolean | null;
  @Text('The controller who verified it', { nullable: true }) verifiedBy!: string | null;
  @Cents('Paid by the disbursements that settle it') paidCents!: number;
  @Text('The applicant portal that submitted it') submittedBy!: string;
  @Instant('When it was submitted') submittedAt!: string;
  @Instant('When it was verified', { nullable: true }) verifiedAt!: string | null;
}

export class ExpenditureClaimPage extends Page {
  @List(ExpenditureClaim, 'The claims, the oldest first') items!: ExpenditureClaim[];
}
