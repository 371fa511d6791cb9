import {
  PERSONAL_TAX_CODE,
  advanceUncoveredCents,
  grantDateOf,
  outstandingRecoveryCents,
  remainingAwardCents,
  splitContribution,
  unpaidPayableCents,
  type ClaimItem,
  type Cofinancing,
  type ContributionSplit,
} from '@app/funding';
import type { ClaimItemShown, GrantSummary } from './grant-summary.document.js';
import { readModel } from './projection.js';

export type { ClaimItemShown, GrantSummary } from './grant-summary.document.js';

/** Each grant with its payments and revocations: `GET /grants`, `GET /grants/:grantId`. */
const EVENTS = [
  'GrantAwarded',
  'DisbursementRecorded',
  'GrantCompleted',
  'GrantRevoked',
  'ExpenditureClaimSubmitted',
  'ExpenditureClaimVerified',
  'RecoveryOrdered',
  'RecoveryReceived',
  'RecoveryWrittenOff',
] as const;

export const grantSummaries = readModel<GrantSummary, (typeof EVENTS)[number]>({
  collection: 'grants',
  eventTypes: EVENTS,
  documentId: (event) => event.data.grantId,
  evolve(grant, event) {
    if (event.type === 'GrantAwarded') {
      const d = event.data;
      return {
        grantId: d.grantId,
        callId: d.callId,
        bidId: d.bidId,
        submittedBy: d.submittedBy,
        programmeId: d.programmeId,
        measureId: d.measureId,
        fund: d.fund,
        // A legal person's tax code stays in the event log; read models show who, not their identifiers.
        beneficiary:
          d.beneficiary.kind === 'legal-person'
            ? { kind: 'legal-person', type: d.beneficiary.type, name: d.beneficiary.name }
            : d.beneficiary,
        subjectId: d.beneficiary.kind === 'natural-person' ? d.beneficiary.subjectId : null,
        sensitive: d.sensitive,
        publicView: !(d.beneficiary.kind === 'natural-person' && d.sensitive),
        lastPaymentAt: null,
        projectTitle: d.projectTitle,
        cup: d.cup,
        // Where a natural person's operation is, to the municipality, would point at them: their region only.
        operation:
          d.beneficiary.kind === 'natural-person'
            ? { ...d.operation, istatMunicipalityCode: '', nuts3: '' }
            : d.operation,
        actualEndDate: null,
        aidRegime: d.aidRegime,
        rna: d.rna,
        euCoFinancingRateBp: d.euCoFinancingRateBp,
        cofinancing: d.cofinancing,
        priorityAxis: d.priorityAxis,
        awardSplit: splitOf(d.amountCents, d.cofinancing),
        paidSplit: splitOf(0, d.cofinancing),
        fundingRateBp: d.fundingRateBp,
        act: d.act,
        grantDate: grantDateOf(d),
        originalAwardCents: d.amountCents,
        currentAwardCents: d.amountCents,
        disbursedCents: 0,
        remainingCents: d.amountCents,
        payableCents: 0,
        advanceUncovered: 0,
        releasedCents: 0,
        recoveryDueCents: 0,
        declaredCents: 0,
        verifiedCents: 0,
        claims: [],
        recovery: {
          dueCents: 0,
          orderedCents: 0,
          receivedCents: 0,
          interestReceivedCents: 0,
          writtenOffCents: 0,
          outstandingCents: 0,
          orders: [],
          receipts: [],
          writeOffs: [],
        },
        status: 'active',
        awardedAt: d.awardedAt,
        completedAt: null,
        revokedAt: null,
        disbursements: [],
        revocations: [],
      };
    }
    if (grant === null) return null;
    switch (event.type) {
      case 'DisbursementRecorded': {
        const { disbursementId, kind, claimId, amountCents, reference, deggendorfVisuraRef, paidAt } = event.data;
        return withRemaining({
          ...grant,
          disbursedCents: grant.disbursedCents + amountCents,
          lastPaymentAt: paidAt,
          disbursements: [
            ...grant.disbursements,
            { disbursementId, kind, claimId, amountCents, reference, deggendorfVisuraRef, paidAt },
          ],
          claims: grant.claims.map((c) => (c.claimId === claimId ? { ...c, paidCents: c.paidCents + amountCents } : c)),
        });
      }
      case 'GrantCompleted':
        return withRemaining({
          ...grant,
          status: 'completed',
          completedAt: event.data.completedAt,
          actualEndDate: event.data.actualEndDate,
          releasedCents: grant.releasedCents + event.data.releasedCents,
        });
      case 'GrantRevoked': {
        const d = event.data;
        return withRemaining({
          ...grant,
          status: d.whole ? 'revoked' : grant.status,
          currentAwardCents: d.awardAfterCents,
          releasedCents: grant.releasedCents + d.releasedCents,
          recoveryDueCents: d.recoveryDueCents,
          recovery: outstanding({ ...grant.recovery, dueCents: d.recoveryDueCents }),
          revokedAt: d.whole ? d.revokedAt : grant.revokedAt,
          revocations: [
            ...grant.revocations,
            {
              reason: d.reason,
              covar: d.covar,
              revokedCents: d.revokedCents,
              whole: d.whole,
              releasedCents: d.releasedCents,
              recoveryDueCents: d.recoveryDueCents,
              act: d.act,
              revokedAt: d.revokedAt,
            },
          ],
        });
      }
      case 'ExpenditureClaimSubmitted': {
        const d = event.data;
        const claim = {
          claimId: d.claimId,
          kind: d.kind,
          status: 'submitted' as const,
          items: d.items.map(withoutPersonalIssuer),
          declaredCents: d.declaredCents,
          eligibleCents: null,
          cutCents: null,
          cuts: [],
          checklistRef: null,
          onTheSpot: null,
          verifiedBy: null,
          paidCents: 0,
          submittedAt: d.submittedAt,
          verifiedAt: null,
        };
        return { ...grant, declaredCents: grant.declaredCents + d.declaredCents, claims: [...grant.claims, claim] };
      }
      case 'ExpenditureClaimVerified': {
        const d = event.data;
        return withRemaining({
          ...grant,
          verifiedCents: grant.verifiedCents + d.eligibleCents,
          releasedCents: grant.releasedCents + d.releasedCents,
          recoveryDueCents: d.recoveryDueCents,
          recovery: outstanding({ ...grant.recovery, dueCents: d.recoveryDueCents }),
          claims: grant.claims.map((c) =>
            c.claimId === d.claimId
              ? {
                  ...c,
                  status: 'verified',
                  eligibleCents: d.eligibleCents,
                  cutCents: d.cutCents,
                  cuts: d.cuts,
                  checklistRef: d.checklistRef,
                  onTheSpot: d.onTheSpot,
                  verifiedBy: d.verifiedBy,
                  verifiedAt: d.verifiedAt,
                }
              : c,
          ),
        });
      }
      case 'RecoveryOrdered': {
        const { orderId, amountCents, interestRateBp, dueDate, reference, act, orderedAt } = event.data;
        return {
          ...grant,
          recovery: {
            ...grant.recovery,
            orderedCents: grant.recovery.orderedCents + amountCents,
            orders: [
              ...grant.recovery.orders,
              { orderId, amountCents, interestRateBp, dueDate, reference, act, orderedAt },
            ],
          },
        };
      }
      case 'RecoveryReceived': {
        const { receiptId, amountCents, interestCents, receivedAt, reference, releasedCents } = event.data;
        const r = grant.recovery;
        return withRemaining({
          ...grant,
          releasedCents: grant.releasedCents + releasedCents,
          recovery: outstanding({
            ...r,
            receivedCents: r.receivedCents + amountCents,
            interestReceivedCents: r.interestReceivedCents + interestCents,
            receipts: [...r.receipts, { receiptId, amountCents, interestCents, receivedAt, reference }],
          }),
        });
      }
      case 'RecoveryWrittenOff': {
        const { amountCents, reason, act, writtenOffAt } = event.data;
        const r = grant.recovery;
        return {
          ...grant,
          recovery: outstanding({
            ...r,
            writtenOffCents: r.writtenOffCents + amountCents,
            writeOffs: [...r.writeOffs, { amountCents, reason, act, writtenOffAt }],
          }),
        };
      }
    }
  },
});

/**
 * A document issued by a natural person (a receipt under a personal codice fiscale) names them: the
 * read model shows the document without the code, which stays in the log (docs/adr/0011).
 */
function withoutPersonalIssuer(item: ClaimItem): ClaimItemShown {
  if (item.document === null || !PERSONAL_TAX_CODE.test(item.document.issuerTaxCode.trim())) return item;
  return { ...item, document: { ...item.document, issuerTaxCode: null } };
}

function outstanding(recovery: GrantSummary['recovery']): GrantSummary['recovery'] {
  return {
    ...recovery,
    outstandingCents: outstandingRecoveryCents({
      recoveryDueCents: recovery.dueCents,
      recoveredCents: recovery.receivedCents,
      writtenOffCents: recovery.writtenOffCents,
    }),
  };
}

/** An amount split by the grant's co-financing, from the amount itself so the parts sum to it to the cent. */
function splitOf(amountCents: number, cofinancing: Cofinancing | null): ContributionSplit | null {
  return cofinancing === null ? null : splitContribution(amountCents, cofinancing);
}

/**
 * The figures that follow from the others, after every event that moves money: what can still be
 * paid, what is payable now, the advance not yet covered (the domain's rule, on the summary's
 * figures), and the award and the net paid split by the co-financing.
 */
function withRemaining(grant: GrantSummary): GrantSummary {
  const money = {
    status: grant.status,
    currentAwardCents: grant.currentAwardCents,
    totalEligibleCostCents: grant.operation.totalEligibleCostCents,
    fundingRateBp: grant.fundingRateBp,
    paidCents: grant.disbursedCents,
    advancePaidCents: grant.disbursements.reduce((sum, d) => sum + (d.kind === 'advance' ? d.amountCents : 0), 0),
    recoveredCents: grant.recovery.receivedCents,
    claims: grant.claims.map((c) => ({ kind: c.kind, status: c.status, eligibleCents: c.eligibleCents ?? 0 })),
  };
  // `?? null`: a document stored before co-financing was shown lacks it (rebuild it).
  const cofinancing = grant.cofinancing ?? null;
  return {
    ...grant,
    cofinancing,
    priorityAxis: grant.priorityAxis ?? null,
    awardSplit: splitOf(grant.currentAwardCents, cofinancing),
    paidSplit: splitOf(grant.disbursedCents - grant.recovery.receivedCents, cofinancing),
    remainingCents: remainingAwardCents(money),
    payableCents: unpaidPayableCents(money),
    advanceUncovered: advanceUncoveredCents(money, grant.verifiedCents),
  };
}
