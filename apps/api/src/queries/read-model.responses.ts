import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { AID_REGIMES, APPLICANT_TYPES, BID_STATUSES, PASS_OVER_REASONS, CALL_STATUSES, CLAIM_KINDS, DISBURSEMENT_KINDS, DOCUMENT_TYPES, FUNDS, GRANT_STATUSES, PROGRAMMING_PERIODS, SELECTIONS } from '@app/funding';
import { Cents, Count, Day, Either, Flag, Id, Instant, Integer, List, Nested, OneOf, Position, Ratio, Text, Texts } from '../http/response-fields.js';
import { BID_ORDERS, CLAIM_STATUSES } from './queries.dto.js';
import { Act, ActField } from '../acts/act.dto.js';

/**
 * The read models as the queries answer them (libs/read-models/src/projections), field by field:
 * what `GET /calls`, `/bids`, `/grants`, `/expenditure-claims` and the dashboard return.
 */

// ---- who: applicants, beneficiaries and the identity of a natural person

export class LegalPersonApplicant {
  @OneOf(['legal-person'], 'LegalPersonKind', 'A body, a company or an association: its identity is public')
  kind!: 'legal-person';

  @OneOf(APPLICANT_TYPES, 'ApplicantType', 'The type of applicant')
  type!: string;

  @Text('Partita IVA or codice fiscale', { example: '01234567890' })
  taxCode!: string;

  @Text('Name', { example: 'Officine Riunite Srl' })
  name!: string;
}

export class NaturalPersonApplicant {
  @OneOf(['natural-person'], 'NaturalPersonKind', 'An individual, or a sole trader known by a 16-character codice fiscale: named by a subject id only')
  kind!: 'natural-person';

  @OneOf(APPLICANT_TYPES, 'ApplicantType', 'The type of applicant')
  type!: string;

  @Id('Pseudonymous id of the person in the personal-data vault')
  subjectId!: string;

  @Text('NUTS 2 region', { example: 'ITC1' })
  region!: string;
}

/** A grant's beneficiary as read models show it: a legal person by type and name (its tax code stays in the log). */
export class LegalPersonBeneficiary {
  @OneOf(['legal-person'], 'LegalPersonKind', 'A body, a company or an association')
  kind!: 'legal-person';

  @OneOf(APPLICANT_TYPES, 'ApplicantType', 'The type of beneficiary')
  type!: string;

  @Text('Name', { example: 'Officine Riunite Srl' })
  name!: string;
}

export class Contact {
  @Text('E-mail address', { optional: true })
  email?: string;

  @Text('Phone number', { optional: true })
  phone?: string;
}

/** A natural person's identity, from the vault: for the roles that act on them and the portal that submitted their bid. */
export class Identity {
  @Text('Codice fiscale')
  taxCode!: string;

  @Text('Name')
  name!: string;

  @Nested(Contact, 'Contact data, when given', { optional: true, nullable: true })
  contact?: Contact | null;
}

export class ErasedIdentity {
  @ApiProperty({ type: 'boolean', enum: [true], description: 'The identity was erased (GDPR art. 17)' })
  erased!: true;

  @Instant('When it was erased')
  erasedAt!: string;
}

// ---- programmes

export class RetentionRule {
  @OneOf(['last-payment', 'award'], 'RetentionFrom', 'Counted from 31 December of the year of the last payment, or of the award')
  from!: string;

  @Count('Years the records are kept')
  years!: number;
}

export class DeMinimisRule {
  @Cents('Ceiling per single undertaking')
  ceilingCents!: number;

  @Count('The rolling window, in years')
  windowYears!: number;
}

export class EligibilityPeriod {
  @Day('The first day') from!: string;
  @Day('The last day, included') to!: string;
}

export class ProgrammeRules {
  @OneOf(PROGRAMMING_PERIODS, 'ProgrammingPeriod', 'The programming period and so its regulation')
  programmingPeriod!: string;

  @Nested(EligibilityPeriod, "When its operations may run and their expenditure be paid (Reg. 1303/2013 art. 65(2); 2021/1060 art. 63(2))")
  eligibility!: EligibilityPeriod;

  @Nested(RetentionRule, 'How long the records of an operation are kept once it ends')
  retention!: RetentionRule;

  @Count('Days an unsuccessful applicant may appeal')
  appealWindowDays!: number;

  @Nested(DeMinimisRule, 'The de minimis ceiling')
  deMinimis!: DeMinimisRule;

  @Texts("The programme's intervention types; null: any", { nullable: true })
  interventionTypes!: string[] | null;

  @Texts("The programme's specific objectives; null: any", { nullable: true })
  specificObjectives!: string[] | null;
}

/** The money of a fund or a measure, each figure the sum of the events behind it. */
class MoneyTotals {
  @Cents('Reserved by calls that are open or closed')
  reservedCents!: number;

  @Cents('Awarded to grants, as first awarded')
  committedCents!: number;

  @Cents('Handed back to calls by revocations, final payments below the award and recoveries')
  releasedCents!: number;

  @Cents('Paid')
  disbursedCents!: number;

  @Cents('Expenditure declared in claims')
  declaredCents!: number;

  @Cents('Expenditure first-level control found eligible')
  verifiedCents!: number;

  @Cents('Paid beyond what grants are entitled to: due back, in all')
  recoveryDueCents!: number;

  @Cents('Principal received back')
  recoveredCents!: number;

  @Cents('Written off')
  writtenOffCents!: number;

  @Cents('Interest received on recoveries: shown apart, never budget')
  interestReceivedCents!: number;

  @Cents('Due, neither received nor written off')
  outstandingRecoveryCents!: number;
}

export class FundFigures extends MoneyTotals {
  @OneOf(FUNDS, 'Fund', 'FSE: European Social Fund; FESR: European Regional Development Fund')
  fund!: string;

  @Cents("The fund's share of the programme")
  amountCents!: number;

  @Cents('Allocated to measures')
  allocatedCents!: number;

  @Cents('amount − allocated')
  unallocatedCents!: number;

  @Cents('amount − (committed − released)')
  availableCents!: number;

  @Ratio('disbursed / amount', { example: 0.015 })
  absorption!: number;
}

export class MeasureFigures extends MoneyTotals {
  @Id('The measure', { example: 'wecare-m4' })
  measureId!: string;

  @Text('Short code', { example: 'M4' })
  code!: string;

  @Text('Title')
  title!: string;

  @OneOf(FUNDS, 'Fund', 'The fund it spends from')
  fund!: string;

  @Cents('What the measure may spend')
  allocationCents!: number;

  @Cents('allocation − reserved: what new calls could still reserve')
  unreservedCents!: number;

  @Cents('allocation − (committed − released): what is not committed to grants')
  availableCents!: number;

  @Ratio('disbursed / allocation')
  absorption!: number;
}

export class ProgrammeDashboard {
  @Id('The programme', { example: 'wecare' })
  programmeId!: string;

  @Text('Short code', { example: 'WECARE' })
  code!: string;

  @Text('Title')
  title!: string;

  @Nested(ProgrammeRules, "The programme's rules")
  rules!: ProgrammeRules;

  @List(FundFigures, 'Per fund')
  funds!: FundFigures[];

  @List(MeasureFigures, 'Per measure')
  measures!: MeasureFigures[];
}

// ---- calls

export class BidsByStatus {
  @Count('Submitted, not yet evaluated') submitted!: number;
  @Count('Admissible, not yet awarded') admissible!: number;
  @Count('Inadmissible') inadmissible!: number;
  @Count('Withdrawn') withdrawn!: number;
  @Count('Awarded') awarded!: number;
  @Count('Ranked and passed over by an act (for insufficient funds, still able to come back to the line)') 'passed-over'!: number;
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
  @Integer("That article's maximum aid intensity, in basis points of an operation's eligible cost: no award above it", { example: 5000 }) maxIntensityBp!: number;
}

export class CallRanking {
  @Nested(Act, 'The act approving it') act!: Act;
  @Instant('When it was recorded') approvedAt!: string;
  @Count('How many bids it ranks') rankedCount!: number;
}

export class AppealDeadlines {
  @Day('To the regional administrative court (TAR): 60 days from the act (D.lgs. 104/2010 art. 29)', { example: '2026-06-19' }) tar!: string;
  @Day('By extraordinary appeal to the President of the Republic: 120 days from the act (DPR 1199/1971 art. 9)', { example: '2026-08-18' }) president!: string;
}

export class PassedOverBid {
  @Id('The bid', { example: 'nido-rivoli' }) bidId!: string;
  @OneOf(PASS_OVER_REASONS, 'PassOverReason', 'insufficient-funds (back in the line when money comes back to the call), declined or requirements-lost (for good)') reason!: string;
  @Nested(Act, 'The act passing it over') act!: Act;
}

export class Call {
  @Id('The call', { example: 'm4-welfare-aziendale' }) callId!: string;
  @Id('Its programme', { example: 'wecare' }) programmeId!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @OneOf(FUNDS, 'Fund', "The measure's fund") fund!: string;
  @Text('Title ("bando")') title!: string;
  @OneOf(CALL_STATUSES, 'CallStatus', 'open, closed or cancelled') status!: string;
  @Instant('Bids are accepted from this instant…') opensAt!: string;
  @Instant('…until this one (exclusive)') closesAt!: string;
  @Cents('Budget reserved from the measure', { example: 250_000_000 }) budgetCents!: number;
  @Cents('Largest amount one bid may request; null: the whole budget', { nullable: true }) maxGrantCents!: number | null;
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
  @OneOf(SELECTIONS, 'Selection', 'ranking: by score ("graduatoria"); first-come: by arrival ("a sportello")') selection!: string;
  @Position('Where its close (or cancellation) sits in the log: bids after it are late', { nullable: true }) closedPosition!: string | null;
  @Text('The same, as a key that sorts as the log does', { nullable: true }) closedKey!: string | null;
  @Flag('Whether it takes bids right now (open, and within its window)') acceptingBids!: boolean;
  @Nested(GberTerms, 'Under GBER: the article and its maximum aid intensity; null otherwise', { nullable: true }) gber!: GberTerms | null;
  @Nested(CallRanking, 'Its approved ranking ("graduatoria"); null until approved (and for a first-come call)', { nullable: true }) ranking!: CallRanking | null;
  @Nested(AppealDeadlines, 'The last days to challenge the ranking, counted from its act; null until ranked', { nullable: true }) appealDeadlines!: AppealDeadlines | null;
  @List(PassedOverBid, 'The ranked bids passed over now, with the last reason and act') passedOver!: PassedOverBid[];
}

class Page {
  @Integer('This page, from 1', { example: 1 }) page!: number;
  @Integer('Items per page', { example: 20 }) pageSize!: number;
  @Count('Items in all pages') total!: number;
}

export class CallPage extends Page {
  @List(Call, 'The calls, the latest opening first') items!: Call[];
}

// ---- bids

export class BidPassOver {
  @OneOf(PASS_OVER_REASONS, 'PassOverReason', 'insufficient-funds, declined or requirements-lost') reason!: string;
  @Nested(Act, 'The act passing it over') act!: Act;
  @Instant('When it was recorded') passedOverAt!: string;
}

@ApiExtraModels(LegalPersonApplicant, NaturalPersonApplicant)
export class Bid {
  @Id('The bid', { example: 'officine-nido' }) bidId!: string;
  @Id('Its call', { example: 'm4-welfare-aziendale' }) callId!: string;
  @Text('The applicant portal that submitted it: the one principal of that role that may see it') submittedBy!: string;
  @Either([LegalPersonApplicant, NaturalPersonApplicant], 'A legal person with its identity; a natural person by subject id and region only') applicant!: LegalPersonApplicant | NaturalPersonApplicant;
  @Id("The natural person's subject id; null for a legal person", { nullable: true }) subjectId!: string | null;
  @Flag('Its measure touches health or social hardship') sensitive!: boolean;
  @Flag('False for a natural person in a sensitive measure: shown only to the roles that act on them') publicView!: boolean;
  @Text('Title of the project') projectTitle!: string;
  @Cents('Requested', { example: 15_000_000 }) requestedCents!: number;
  @OneOf(BID_STATUSES, 'BidStatus', 'Where it stands') status!: string;
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
  @Nested(BidPassOver, 'Why and by which act it was last passed over; null if never', { nullable: true }) passedOver!: BidPassOver | null;
}


@ApiExtraModels(LegalPersonApplicant, NaturalPersonApplicant, Identity, ErasedIdentity)
export class BidView extends Bid {
  @Flag('It arrived after its call closed: never admitted') late!: boolean;
  @Either([Identity, ErasedIdentity], "A natural person's identity, for the roles that act on them and the portal that submitted the bid", { optional: true }) identity?: Identity | ErasedIdentity;
}

@ApiExtraModels(LegalPersonApplicant, NaturalPersonApplicant)
export class RankedBid extends Bid {
  @Flag('It arrived after its call closed: never admitted') late!: boolean;
}

export class RankedBidPage extends Page {
  @OneOf(BID_ORDERS, 'BidOrder', 'rank: the approved ranking, bids not in it after; score: the best first; arrival: the order of the log') order!: string;
  @List(RankedBid, 'The bids, in that order') items!: RankedBid[];
}

// ---- grants

export class OperationData {
  @Text('What the operation is for', { nullable: true }) purpose!: string | null;
  @Day('Planned start') plannedStartDate!: string;
  @Day('Planned end') plannedEndDate!: string;
  @Text("ISTAT code of the municipality; empty for a natural person's operation", { example: '001272' }) istatMunicipalityCode!: string;
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
  @Nested(DeMinimisVisura, 'The de minimis visura consulted', { nullable: true }) deMinimisVisura!: DeMinimisVisura | null;
}

export class ExpenditureDocument {
  @OneOf(DOCUMENT_TYPES, 'DocumentType', 'invoice, payslip, receipt or other') type!: string;
  @Text('Its number') number!: string;
  @Day('Its date') date!: string;
  @Text("The issuer's tax code or VAT number; null when it is a natural person's codice fiscale (kept in the log only)", { nullable: true }) issuerTaxCode!: string | null;
  @Cents("The document's whole amount") amountCents!: number;
}

export class ClaimItem {
  @Text('What the expenditure was for') description!: string;
  @Text('Cost category') category!: string;
  @Cents('Declared') amountCents!: number;
  @Text('Where the supporting document is archived') documentRef!: string;
  @Day('When it was paid; null on claims recorded before payment dates', { nullable: true }) paidOn!: string | null;
  @Nested(ExpenditureDocument, 'The document that proves it; null on claims recorded before documents', { nullable: true }) document!: ExpenditureDocument | null;
}

export class ClaimCut {
  @Count("The item cut, by its position in the claim's items, from 0") item!: number;
  @Cents('Found ineligible') amountCents!: number;
  @Text('Why') reason!: string;
}

export class GrantClaim {
  @Id('The claim', { example: 'nido-sal-1' }) claimId!: string;
  @OneOf(CLAIM_KINDS, 'ClaimKind', 'interim ("SAL") or final') kind!: string;
  @OneOf(CLAIM_STATUSES, 'ClaimStatus', 'submitted or verified') status!: string;
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
  @OneOf(DISBURSEMENT_KINDS, 'DisbursementKind', 'advance ("anticipo"), interim ("SAL"), final ("saldo")') kind!: string;
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
export class Grant {
  @Id('The grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id('Its call', { example: 'm4-welfare-aziendale' }) callId!: string;
  @Id('The bid awarded', { example: 'officine-nido' }) bidId!: string;
  @Text('The applicant portal that submitted the bid') submittedBy!: string;
  @Id('Its programme', { example: 'wecare' }) programmeId!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @OneOf(FUNDS, 'Fund', 'The fund it is paid from') fund!: string;
  @Either([LegalPersonBeneficiary, NaturalPersonApplicant], 'A legal person by type and name; a natural person by subject id and region only') beneficiary!: LegalPersonBeneficiary | NaturalPersonApplicant;
  @Id("The natural person's subject id; null for a legal person", { nullable: true }) subjectId!: string | null;
  @Flag('Its measure touches health or social hardship') sensitive!: boolean;
  @Flag('False for a natural person in a sensitive measure: shown only to the roles that act on them') publicView!: boolean;
  @Instant('When the last payment was made', { nullable: true }) lastPaymentAt!: string | null;
  @Text('Title of the project') projectTitle!: string;
  @Text('Codice Unico di Progetto', { example: 'J19E17000450009' }) cup!: string;
  @Nested(OperationData, 'The operation as its award states it') operation!: OperationData;
  @Day('Its actual end, once the final payment completed it', { nullable: true }) actualEndDate!: string | null;
  @OneOf(AID_REGIMES, 'AidRegime', 'State-aid regime') aidRegime!: string;
  @Nested(RnaRegistration, "The RNA's codes, under an aid regime", { nullable: true }) rna!: RnaRegistration | null;
  @Integer("The EU's share of its fund, in basis points", { nullable: true }) euCoFinancingRateBp!: number | null;
  @Integer("Its call's funding rate, in basis points: it is paid at most this share of its verified eligible expenditure, up to the award; null on grants awarded before calls had one (paid at award / total eligible cost)", { nullable: true, example: 8000 }) fundingRateBp!: number | null;
  @ActField('The award act; null on awards recorded before acts') act!: Act | null;
  @Day("The day the aid was granted: the award act's date (the RNA's, the de minimis windows', the public list's)", { example: '2026-04-20' }) grantDate!: string;
  @Cents('The award as first made', { example: 12_000_000 }) originalAwardCents!: number;
  @Cents('The award now: less every partial revocation') currentAwardCents!: number;
  @Cents('Paid') disbursedCents!: number;
  @Cents('What can still be paid: nothing once completed or revoked') remainingCents!: number;
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
  @OneOf(GRANT_STATUSES, 'GrantStatus', 'active, completed or revoked') status!: string;
  @Instant('When it was awarded') awardedAt!: string;
  @Instant('When its final payment completed it', { nullable: true }) completedAt!: string | null;
  @Instant('When it was revoked whole', { nullable: true }) revokedAt!: string | null;
  @List(Disbursement, 'The disbursement ledger, in order') disbursements!: Disbursement[];
  @List(Revocation, 'Its revocations, in order') revocations!: Revocation[];
}

@ApiExtraModels(LegalPersonBeneficiary, NaturalPersonApplicant, Identity, ErasedIdentity)
export class GrantView extends Grant {
  @Either([Identity, ErasedIdentity], "A natural person's identity, for the roles that act on them and the portal that submitted the bid", { optional: true }) identity?: Identity | ErasedIdentity;
}

export class GrantPage extends Page {
  @List(Grant, 'The grants, in order of award') items!: Grant[];
}

// ---- expenditure claims

export class ExpenditureClaim {
  @Id('The claim', { example: 'nido-sal-1' }) claimId!: string;
  @Id('Its grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id("Its grant's call") callId!: string;
  @Id('Its programme') programmeId!: string;
  @Id('Its measure') measureId!: string;
  @OneOf(CLAIM_KINDS, 'ClaimKind', 'interim ("SAL") or final') kind!: string;
  @OneOf(CLAIM_STATUSES, 'ClaimStatus', 'submitted or verified') status!: string;
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

export class RebuildStarted {
  @Flag('True: a rebuild started; false: one was already under way') started!: boolean;
}
