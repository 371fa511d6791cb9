import { ApiExtraModels } from '@nestjs/swagger';
import {
  AID_REGIMES,
  CLAIM_KINDS,
  DISBURSEMENT_KINDS,
  DOCUMENT_TYPES,
  FUNDS,
  GRANT_STATUSES,
  type AidRegime,
  type ClaimKind,
  type DisbursementKind,
  type DocumentType,
  type Fund,
  type GrantStatus,
} from '@app/funding';
import type { GrantSummary } from '@app/read-models';
import { Act, ActField } from '../acts/act.dto.js';
import {
  Cents,
  Count,
  Day,
  Either,
  Flag,
  Id,
  Instant,
  Integer,
  List,
  Nested,
  OneOf,
  Text,
} from '../http/response-fields.js';
import { Cofinancing, ContributionSplit } from './cofinancing.responses.js';
import { Page } from './page.responses.js';
import {
  ErasedIdentity,
  Identity,
  LegalPersonBeneficiary,
  NaturalPersonApplicant,
  PersonFields,
} from './people.responses.js';
import { CLAIM_STATUSES } from './queries.dto.js';
import type { Shows } from './shows-document.js';

/** `GET /grants`, `GET /grants/{grantId}`: the grant summaries read model (grant-summaries.projection.ts). */

export class OperationData {
  @Text('What the operation is for', { nullable: true }) purpose!: string | null;
  @Day('Planned start') plannedStartDate!: string;
  @Day('Planned end') plannedEndDate!: string;
  @Text("ISTAT code of the municipality; empty for a natural person's operation", { example: '001272' })
  istatMunicipalityCode!: string;
  @Text("NUTS 3 area; empty for a natural person's operation", { example: 'ITC11' }) nuts3!: string;
  @Text('NUTS 2 region', { example: 'ITC1' }) nuts2!: string;
  @Cents('Total eligible cost: the award is at most this') totalEligibleCostCents!: number;
  @Text('Type of intervention', { nullable: true }) interventionType!: string | null;
  @Text('Specific objective', { nullable: true }) specificObjective!: string | null;
}

export class DeMinimisVisura {
  @Text('Reference of the RNA visura') reference!: string;
  @Day('Its date') date!: string;
  @Cents('De minimis aid it lists for the single undertaking') receivedCents!: number;
}

export class RnaRegistration {
  @Text('COR: the code the Registro Nazionale Aiuti gave the aid') cor!: string;
  @Nested(DeMinimisVisura, 'The de minimis visura consulted', { nullable: true })
  deMinimisVisura!: DeMinimisVisura | null;
}

export class ExpenditureDocument {
  @OneOf(DOCUMENT_TYPES, 'DocumentType', 'invoice, payslip, receipt or other') type!: DocumentType;
  @Text('Its number') number!: string;
  @Day('Its date') date!: string;
  @Text(
    "The issuer's tax code or VAT number; null when it is a natural person's codice fiscale (kept in the log only)",
    { nullable: true },
  )
  issuerTaxCode!: string | null;
  @Cents("The document's whole amount") amountCents!: number;
}

export class ClaimItem {
  @Text('What the expenditure was for') description!: string;
  @Text('Cost category') category!: string;
  @Cents('Declared') amountCents!: number;
  @Text('Where the supporting document is archived') documentRef!: string;
  @Day('When it was paid; null on claims recorded before payment dates', { nullable: true }) paidOn!: string | null;
  @Nested(ExpenditureDocument, 'The document that proves it; null on claims recorded before documents', {
    nullable: true,
  })
  document!: ExpenditureDocument | null;
}

export class ClaimCut {
  @Count("The item cut, by its position in the claim's items, from 0") item!: number;
  @Cents('Found ineligible') amountCents!: number;
  @Text('Why') reason!: string;
}

export class GrantClaim {
  @Id('The claim', { example: 'nido-sal-1' }) claimId!: string;
  @OneOf(CLAIM_KINDS, 'ClaimKind', 'interim ("SAL") or final') kind!: ClaimKind;
  @OneOf(CLAIM_STATUSES, 'ClaimStatus', 'submitted or verified') status!: (typeof CLAIM_STATUSES)[number];
  @List(ClaimItem, 'The expenditure declared, item by item') items!: ClaimItem[];
  @Cents('Declared') declaredCents!: number;
  @Cents('Found eligible', { nullable: true }) eligibleCents!: number | null;
  @Cents('Cut', { nullable: true }) cutCents!: number | null;
  @List(ClaimCut, 'What was cut, item by item') cuts!: ClaimCut[];
  @Text('The checklist the control filled in', { nullable: true }) checklistRef!: string | null;
  @Flag('Whether the control included a check on the spot', { nullable: true }) onTheSpot!: boolean | null;
  @Text('The controller who verified it', { nullable: true }) verifiedBy!: string | null;
  @Cents('Paid by the disbursements that settle it') paidCents!: number;
  @Instant('When it was submitted') submittedAt!: string;
  @Instant('When it was verified', { nullable: true }) verifiedAt!: string | null;
}

export class RecoveryOrder {
  @Id('The order') orderId!: string;
  @Cents('Principal ordered back') amountCents!: number;
  @Integer('Yearly interest rate, in basis points') interestRateBp!: number;
  @Day('When it is due') dueDate!: string;
  @Text("The order's own reference (a protocol or payment notice number)") reference!: string;
  @ActField('The act ordering it; null on orders recorded before acts') act!: Act | null;
  @Instant('When it was recorded') orderedAt!: string;
}

export class RecoveryReceipt {
  @Id('The receipt') receiptId!: string;
  @Cents('Principal received') amountCents!: number;
  @Cents('Interest received') interestCents!: number;
  @Day('Value date') receivedAt!: string;
  @Text('Bank or treasury reference') reference!: string;
}

export class RecoveryWriteOff {
  @Cents('Written off') amountCents!: number;
  @Text('Why') reason!: string;
  @ActField('The act declaring it irrecoverable; null on write-offs recorded before acts') act!: Act | null;
  @Instant('When') writtenOffAt!: string;
}

export class GrantRecovery {
  @Cents('Due back, in all') dueCents!: number;
  @Cents('Ordered') orderedCents!: number;
  @Cents('Principal received') receivedCents!: number;
  @Cents('Interest received') interestReceivedCents!: number;
  @Cents('Written off') writtenOffCents!: number;
  @Cents('Due, neither received nor written off') outstandingCents!: number;
  @List(RecoveryOrder, 'Orders') orders!: RecoveryOrder[];
  @List(RecoveryReceipt, 'Receipts') receipts!: RecoveryReceipt[];
  @List(RecoveryWriteOff, 'Write-offs') writeOffs!: RecoveryWriteOff[];
}

export class Disbursement {
  @Id('The disbursement') disbursementId!: string;
  @OneOf(DISBURSEMENT_KINDS, 'DisbursementKind', 'advance ("anticipo"), interim ("SAL"), final ("saldo")')
  kind!: DisbursementKind;
  @Id('The claim it settles; null for an advance', { nullable: true }) claimId!: string | null;
  @Cents('Paid', { example: 4_800_000 }) amountCents!: number;
  @Text('Payment order or bank reference', { nullable: true }) reference!: string | null;
  @Text('The RNA Deggendorf visura consulted', { nullable: true }) deggendorfVisuraRef!: string | null;
  @Instant('When it was paid') paidAt!: string;
}

export class Revocation {
  @Text('Why') reason!: string;
  @Text('The COVAR the RNA gave the change', { nullable: true }) covar!: string | null;
  @Cents('The cut to the award') revokedCents!: number;
  @Flag('The whole grant was revoked') whole!: boolean;
  @Cents('Handed back to the call') releasedCents!: number;
  @Cents('Due back after it, in all') recoveryDueCents!: number;
  @ActField('The revocation act; null on revocations recorded before acts') act!: Act | null;
  @Instant('When') revokedAt!: string;
}

@ApiExtraModels(LegalPersonBeneficiary, NaturalPersonApplicant)
export class Grant implements Shows<GrantSummary, Grant> {
  @Id('The grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id('Its call', { example: 'm4-welfare-aziendale' }) callId!: string;
  @Id('The bid awarded', { example: 'officine-nido' }) bidId!: string;
  @Text('The applicant portal that submitted the bid') submittedBy!: string;
  @Id('Its programme', { example: 'wecare' }) programmeId!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @OneOf(FUNDS, 'Fund', 'The fund it is paid from') fund!: Fund;
  @Either(
    [LegalPersonBeneficiary, NaturalPersonApplicant],
    'A legal person by type and name; a natural person by subject id and region only',
  )
  beneficiary!: LegalPersonBeneficiary | NaturalPersonApplicant;
  @PersonFields.subjectId() subjectId!: string | null;
  @PersonFields.sensitive() sensitive!: boolean;
  @PersonFields.publicView() publicView!: boolean;
  @Instant('When the last payment was made', { nullable: true }) lastPaymentAt!: string | null;
  @Text('Title of the project') projectTitle!: string;
  @Text('Codice Unico di Progetto', { example: 'J19E17000450009' }) cup!: string;
  @Nested(OperationData, 'The operation as its award states it') operation!: OperationData;
  @Day('Its actual end, once the final payment completed it', { nullable: true }) actualEndDate!: string | null;
  @OneOf(AID_REGIMES, 'AidRegime', 'State-aid regime') aidRegime!: AidRegime;
  @Nested(RnaRegistration, "The RNA's codes, under an aid regime", { nullable: true }) rna!: RnaRegistration | null;
  @Integer("The EU's share of its fund, in basis points", { nullable: true }) euCoFinancingRateBp!: number | null;
  @Nested(
    Cofinancing,
    "Who pays each euro of it, EU / national / regional, as its award recorded its fund's split; null where its programme stated none",
    { nullable: true },
  )
  cofinancing!: Cofinancing | null;
  @Text("Its measure's priority axis (2014-2020) or priority (2021-2027); null where not stated", {
    nullable: true,
    example: 'II',
  })
  priorityAxis!: string | null;
  @Nested(
    ContributionSplit,
    'The award now (currentAwardCents) split by its co-financing, the parts summing to it exactly; null without co-financing',
    { nullable: true },
  )
  awardSplit!: ContributionSplit | null;
  @Nested(
    ContributionSplit,
    'What was paid net of principal recovered (disbursedCents − recovery.receivedCents) split by its co-financing, the parts summing to it exactly; null without co-financing',
    { nullable: true },
  )
  paidSplit!: ContributionSplit | null;
  @Integer(
    "Its call's funding rate, in basis points: it is paid at most this share of its verified eligible expenditure, up to the award; null on grants awarded before calls had one (paid at award / total eligible cost)",
    { nullable: true, example: 8000 },
  )
  fundingRateBp!: number | null;
  @ActField('The award act; null on awards recorded before acts') act!: Act | null;
  @Day("The day the aid was granted: the award act's date (the RNA's, the de minimis windows', the public list's)", {
    example: '2026-04-20',
  })
  grantDate!: string;
  @Cents('The award as first made', { example: 12_000_000 }) originalAwardCents!: number;
  @Cents('The award now: less every partial revocation') currentAwardCents!: number;
  @Cents('Paid') disbursedCents!: number;
  @Cents('What can still be paid: nothing once completed or revoked') remainingCents!: number;
  @Cents(
    'Payable now: what verified expenditure entitles the grant to (at its funding rate, up to the award) and was not paid yet, net of recoveries; an advance counts as paid. Nothing once completed or revoked',
  )
  payableCents!: number;
  @Cents(
    'The advance not yet covered by verified expenditure: the advance paid less what the expenditure verified so far covers (at the funding rate, after what it paid for as interim and final payments), net of recoveries; never negative, never more than the advance',
    { example: 2_000_000 },
  )
  advanceUncovered!: number;
  @Cents('Handed back to the call') releasedCents!: number;
  @Cents('Paid beyond what it is entitled to, in all') recoveryDueCents!: number;
  @Cents('Expenditure claimed') declaredCents!: number;
  @Cents('Of it, found eligible') verifiedCents!: number;
  @List(GrantClaim, 'Its expenditure claims') claims!: GrantClaim[];
  @Nested(GrantRecovery, 'Money due back: ordered, received, written off') recovery!: GrantRecovery;
  @OneOf(GRANT_STATUSES, 'GrantStatus', 'active, completed or revoked') status!: GrantStatus;
  @Instant('When it was awarded') awardedAt!: string;
  @Instant('When its final payment completed it', { nullable: true }) completedAt!: string | null;
  @Instant('When it was revoked whole', { nullable: true }) revokedAt!: string | null;
  @List(Disbursement, 'The disbursement ledger, in order') disbursements!: Disbursement[];
  @List(Revocation, 'Its revocations, in order') revocations!: Revocation[];
}

/** A grant, and a natural person's identity for those who may see it (the query adds it, from the vault). */
@ApiExtraModels(LegalPersonBeneficiary, NaturalPersonApplicant, Identity, ErasedIdentity)
export class GrantView extends Grant implements Shows<GrantSummary, GrantView, 'identity'> {
  @PersonFields.identity() identity?: Identity | ErasedIdentity;
}

export class GrantPage extends Page {
  @List(Grant, 'The grants, in order of award') items!: Grant[];
}
