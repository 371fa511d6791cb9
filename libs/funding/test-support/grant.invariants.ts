/**
 * A grant's money (invariants 5, 6 and 12 of docs/domain.md), folded from each grant's own events
 * independently of the decider's state, and the expenditure it pays for (14).
 */
import type { GrantEvent } from '../src/grants/grant.events.js';
import { byStream, type Check, type RecordedEvent } from './invariant-check.js';

/**
 * The funding rate times an amount of eligible expenditure, within the award; for a grant awarded
 * before calls had a rate (rateBp null), the aid intensity award / total eligible cost.
 */
const covered = (g: Pick<GrantMoney, 'award' | 'cost' | 'rateBp'>, eligible: number): number => {
  const [numerator, denominator] = g.rateBp === null ? [g.award, g.cost] : [g.rateBp, 10_000];
  return denominator <= 0 ? 0 : Math.min(g.award, Number((BigInt(numerator) * BigInt(eligible)) / BigInt(denominator)));
};

/** A grant's money as its own events state it, folded here independently of the decider's state. */
interface GrantMoney {
  grantId: string;
  bidId: string;
  awarded: number;
  award: number;
  cost: number;
  rateBp: number | null;
  advanceShareBp: number;
  status: 'active' | 'completed' | 'revoked';
  paid: number;
  advancePaid: number;
  recovered: number;
  ordered: number;
  writtenOff: number;
  due: number;
  released: number;
  releases: number;
  claims: Map<
    string,
    { kind: 'interim' | 'final'; declared: number; eligible: number | null; verifiedBy: string | null; paid: number }
  >;
}

const verifiedTotal = (g: GrantMoney) => [...g.claims.values()].reduce((sum, c) => sum + (c.eligible ?? 0), 0);
const finalVerified = (g: GrantMoney) => [...g.claims.values()].some((c) => c.kind === 'final' && c.eligible !== null);
const entitlement = (g: GrantMoney) =>
  g.status === 'revoked' ? 0 : finalVerified(g) ? covered(g, verifiedTotal(g)) : g.award;
const netPaid = (g: GrantMoney) => g.paid - g.recovered;
const held = (g: GrantMoney) => (g.status === 'active' ? Math.max(entitlement(g), netPaid(g)) : netPaid(g));

/**
 * Folds every grant stream, checking each event as it comes against the rules of invariants 5, 6
 * and 12; `check` sees each grant after each of its events. Returns the first violation.
 */
function foldGrants(
  log: readonly RecordedEvent[],
  check: (g: GrantMoney, event: GrantEvent, stream: string) => string | null,
): string | null {
  for (const [stream, events] of byStream(log)) {
    if (!stream.startsWith('grant-')) continue;
    let g: GrantMoney | null = null;
    for (const event of events as GrantEvent[]) {
      if (event.type === 'GrantAwarded') {
        const d = event.data;
        g = {
          grantId: d.grantId,
          bidId: d.bidId,
          awarded: d.amountCents,
          award: d.amountCents,
          cost: d.operation.totalEligibleCostCents,
          rateBp: d.fundingRateBp,
          advanceShareBp: d.advanceShareBp,
          status: 'active',
          paid: 0,
          advancePaid: 0,
          recovered: 0,
          ordered: 0,
          writtenOff: 0,
          due: 0,
          released: 0,
          releases: 0,
          claims: new Map(),
        };
      }
      if (g === null) return `5: ${stream} has events before its award`;
      const released = (cents: number) => {
        g!.released += cents;
        if (cents > 0) g!.releases++;
      };
      switch (event.type) {
        case 'DisbursementRecorded': {
          const d = event.data;
          g.paid += d.amountCents;
          if (d.kind === 'advance') g.advancePaid += d.amountCents;
          const claim = d.claimId === null ? undefined : g.claims.get(d.claimId);
          if (claim) claim.paid += d.amountCents;
          break;
        }
        case 'GrantCompleted':
          g.status = 'completed';
          released(event.data.releasedCents);
          break;
        case 'GrantRevoked':
          g.award = event.data.awardAfterCents;
          if (event.data.whole) g.status = 'revoked';
          released(event.data.releasedCents);
          g.due = event.data.recoveryDueCents;
          break;
        case 'ExpenditureClaimSubmitted':
          g.claims.set(event.data.claimId, {
            kind: event.data.kind,
            declared: event.data.declaredCents,
            eligible: null,
            verifiedBy: null,
            paid: 0,
          });
          break;
        case 'ExpenditureClaimVerified': {
          const claim = g.claims.get(event.data.claimId);
          if (claim) Object.assign(claim, { eligible: event.data.eligibleCents, verifiedBy: event.data.verifiedBy });
          released(event.data.releasedCents);
          g.due = event.data.recoveryDueCents;
          break;
        }
        case 'RecoveryOrdered':
          g.ordered += event.data.amountCents;
          break;
        case 'RecoveryReceived':
          g.recovered += event.data.amountCents;
          released(event.data.releasedCents);
          break;
        case 'RecoveryWrittenOff':
          g.writtenOff += event.data.amountCents;
          break;
      }
      const violation = check(g, event, stream);
      if (violation) return violation;
    }
  }
  return null;
}

export const disbursementsWithinAward: Check = (log) => {
  const closed = new Set<string>();
  return foldGrants(log, (g, event, stream) => {
    if (event.type === 'DisbursementRecorded') {
      if (closed.has(stream)) return `5: ${stream} paid after completion or revocation`;
      if (event.data.amountCents > 0 && netPaid(g) > g.award)
        return `5: ${stream} paid ${netPaid(g)} net of recoveries > award ${g.award}`;
    }
    if (event.type === 'GrantCompleted' || (event.type === 'GrantRevoked' && event.data.whole)) closed.add(stream);
    return null;
  });
};

/** Invariant 12: paid only on verified expenditure, at the funding rate, the advance within its share and offset; duties separated. */
export const paymentsWithinVerifiedExpenditure: Check = (log) => {
  const evaluators = new Map<string, string>();
  for (const { event } of log)
    if (event.type === 'BidEvaluated') evaluators.set(event.data.bidId, event.data.evaluatedBy);
  return foldGrants(log, (g, event, stream) => {
    if (event.type === 'ExpenditureClaimVerified') {
      const d = event.data;
      if (
        d.eligibleCents + d.cutCents !== d.declaredCents ||
        d.cuts.reduce((sum, c) => sum + c.amountCents, 0) !== d.cutCents
      )
        return `12: ${stream} verified ${d.claimId}: eligible + cuts ≠ declared`;
      if (verifiedTotal(g) > g.cost)
        return `12: ${stream} verified ${verifiedTotal(g)} > the operation's cost ${g.cost}`;
      if (evaluators.get(g.bidId) === d.verifiedBy)
        return `12: ${stream} claim ${d.claimId} verified by the bid's evaluator`;
    }
    if (event.type !== 'DisbursementRecorded' || event.data.amountCents === 0) return null;
    const d = event.data;
    if (d.kind === 'advance') {
      if (g.advancePaid > Math.floor((g.award * g.advanceShareBp) / 10_000))
        return `12: ${stream} advanced ${g.advancePaid} > its share of the award`;
      if (netPaid(g) > entitlement(g)) return `12: ${stream} advanced beyond what the grant is entitled to`;
      return null;
    }
    const claim = d.claimId === null ? undefined : g.claims.get(d.claimId);
    if (!claim || claim.eligible === null || claim.kind !== d.kind)
      return `12: ${stream} paid ${d.kind} ${d.disbursementId} without a verified ${d.kind} claim`;
    if (claim.verifiedBy === d.paidBy) return `12: ${stream} ${d.disbursementId} paid by the claim's verifier`;
    if (claim.kind === 'interim' && claim.paid > covered(g, claim.eligible))
      return `12: ${stream} paid ${claim.paid} on ${d.claimId} > what it allows`;
    const payable = finalVerified(g)
      ? entitlement(g)
      : Math.min(g.award, Math.max(g.advancePaid, covered(g, verifiedTotal(g))));
    if (netPaid(g) > payable) return `12: ${stream} paid ${netPaid(g)} > ${payable} allowed by verified expenditure`;
    return null;
  });
};

export const revocationsReleaseOnceAndRecoverTheExcess: Check = (log) => {
  const releasedToCall = new Map<string, { cents: number; count: number }>();
  for (const { event } of log) {
    if (event.type === 'CallBudgetReleased') {
      const r = releasedToCall.get(event.data.grantId) ?? { cents: 0, count: 0 };
      releasedToCall.set(event.data.grantId, { cents: r.cents + event.data.amountCents, count: r.count + 1 });
    }
  }
  const last = new Map<string, GrantMoney>();
  const violation = foldGrants(log, (g, event, stream) => {
    last.set(stream, g);
    if (
      (event.type === 'GrantRevoked' || event.type === 'ExpenditureClaimVerified') &&
      g.due !== Math.max(0, g.paid - entitlement(g))
    ) {
      return `6: ${stream} recovery due ${g.due} ≠ paid ${g.paid} − entitlement ${entitlement(g)}`;
    }
    if (g.recovered > g.ordered || g.ordered > g.due || g.recovered + g.writtenOff > g.due) {
      return `6: ${stream} recovered ${g.recovered}, ordered ${g.ordered}, written off ${g.writtenOff} of ${g.due} due`;
    }
    return null;
  });
  if (violation) return violation;
  for (const [stream, g] of last) {
    if (g.released !== g.awarded - held(g))
      return `6: ${stream} released ${g.released} ≠ awarded ${g.awarded} − held ${held(g)}`;
    const toCall = releasedToCall.get(g.grantId) ?? { cents: 0, count: 0 };
    if (toCall.cents !== g.released || toCall.count !== g.releases) {
      return `6: ${stream} released ${g.released} in ${g.releases} events, the call got ${toCall.cents} in ${toCall.count}`;
    }
  }
  return null;
};

/**
 * Invariant 14: no expenditure funded twice, none outside its period. Every document is claimed once
 * in its programme (by one item of one claim), every item of a claim with a document took it, and
 * was paid inside the programme's eligibility period and its operation's dates.
 */
export const documentsClaimedOnceInsideTheEligibilityPeriod: Check = (log) => {
  const eligibility = new Map<string, { from: string; to: string }>();
  const operation = new Map<string, { from: string; to: string }>();
  const taken = new Map<string, string>();
  const claimedItems = new Set<string>();
  for (const { event } of log) {
    if (event.type === 'ProgrammeEstablished') eligibility.set(event.data.programmeId, event.data.rules.eligibility);
    if (event.type === 'GrantAwarded')
      operation.set(event.data.grantId, {
        from: event.data.operation.plannedStartDate,
        to: event.data.operation.plannedEndDate,
      });
    if (event.type === 'ExpenditureDocumentClaimed') {
      const { key, claimId, itemIndex, programmeId } = event.data;
      if (!key.startsWith(`${programmeId}|`)) return `14: document ${key} claimed outside its programme ${programmeId}`;
      const earlier = taken.get(key);
      if (earlier !== undefined)
        return `14: document ${key} claimed by ${earlier} and again by ${claimId} item ${itemIndex}`;
      taken.set(key, `${claimId} item ${itemIndex}`);
      claimedItems.add(`${claimId}/${itemIndex}`);
    }
  }
  for (const { event } of log) {
    if (event.type !== 'ExpenditureClaimSubmitted') continue;
    const d = event.data;
    const period = eligibility.get(d.programmeId);
    const dates = operation.get(d.grantId);
    for (const [i, item] of d.items.entries()) {
      if (item.document === null) continue;
      if (!claimedItems.has(`${d.claimId}/${i}`)) return `14: ${d.claimId} item ${i} claims a document it did not take`;
      const paidOn = item.paidOn ?? '';
      if (!period || !dates || paidOn < period.from || paidOn > period.to || paidOn < dates.from || paidOn > dates.to)
        return `14: ${d.claimId} item ${i} paid on ${paidOn}, outside the eligibility period or the operation`;
    }
  }
  return null;
};
