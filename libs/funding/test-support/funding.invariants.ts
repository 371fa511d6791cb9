/**
 * Invariants 1-7 and 12-15 of docs/domain.md, checked against the recorded events alone (never against the
 * deciders' own state), so a decider that miscounts cannot vouch for itself.
 * Each returns the first violation it finds, described, or null.
 */
import { CALL, callRemainingCents } from '../src/calls/call.js';
import type { CallEvent } from '../src/calls/call.events.js';
import { GRANT } from '../src/grants/grant.js';
import type { GrantEvent } from '../src/grants/grant.events.js';
import type { LoggedEvent as RecordedEvent } from './test-ledger.js';

type Check = (log: readonly RecordedEvent[]) => string | null;

const byStream = (log: readonly RecordedEvent[]) => {
  const streams = new Map<string, RecordedEvent['event'][]>();
  for (const { stream, event } of log) streams.set(stream, [...(streams.get(stream) ?? []), event]);
  return streams;
};

const add = (map: Map<string, number>, key: string, amount: number) => map.set(key, (map.get(key) ?? 0) + amount);

export const fundAllocationsWithinFund: Check = (log) => {
  const fundAmount = new Map<string, number>();
  const allocated = new Map<string, number>();
  for (const { event } of log) {
    if (event.type === 'ProgrammeEstablished') {
      for (const share of event.data.funds) fundAmount.set(`${event.data.programmeId}/${share.fund}`, share.amountCents);
    }
    if (event.type === 'MeasureDefined') add(allocated, `${event.data.programmeId}/${event.data.fund}`, event.data.allocationCents);
  }
  for (const [key, cents] of allocated) {
    if (cents > (fundAmount.get(key) ?? 0)) return `1: ${key} allocates ${cents} > fund ${fundAmount.get(key)}`;
  }
  return null;
};

export const callReservationsWithinMeasure: Check = (log) => {
  const allocation = new Map<string, number>();
  const reserved = new Map<string, number>();
  const callBudget = new Map<string, number>();
  for (const { event } of log) {
    // Measure ids are unique within their programme only.
    if (event.type === 'MeasureDefined') allocation.set(`${event.data.programmeId}/${event.data.measureId}`, event.data.allocationCents);
    if (event.type === 'MeasureBudgetReserved') add(reserved, `${event.data.programmeId}/${event.data.measureId}`, event.data.amountCents);
    if (event.type === 'MeasureReservationReleased') add(reserved, `${event.data.programmeId}/${event.data.measureId}`, -event.data.amountCents);
    if (event.type === 'CallOpened') callBudget.set(event.data.callId, event.data.budgetCents);
  }
  for (const [measureId, cents] of reserved) {
    if (cents > (allocation.get(measureId) ?? 0)) return `2: measure ${measureId} reserves ${cents} > ${allocation.get(measureId)}`;
  }
  // Every reservation equals its call's budget, and a call exists for each.
  for (const { event } of log) {
    if (event.type === 'MeasureBudgetReserved' && callBudget.get(event.data.callId) !== event.data.amountCents) {
      return `2: reservation for ${event.data.callId} differs from its budget`;
    }
  }
  return null;
};

/**
 * A decision that moves money on several streams writes every one of them: each grant's award is
 * committed on its call and marked on its bid, each cancelled call hands its reservation back to its
 * measure, each opened call reserved its budget.
 */
export const multiStreamDecisionsWriteEveryStream: Check = (log) => {
  const committed = new Map<string, number>();
  const bidAwards = new Map<string, number>();
  const reserved = new Map<string, number>();
  const releasedReservations = new Map<string, number>();
  for (const { event } of log) {
    if (event.type === 'CallBudgetCommitted') committed.set(`${event.data.callId}/${event.data.grantId}`, event.data.amountCents);
    if (event.type === 'BidAwarded') bidAwards.set(`${event.data.bidId}/${event.data.grantId}`, event.data.amountCents);
    if (event.type === 'MeasureBudgetReserved') reserved.set(event.data.callId, event.data.amountCents);
    if (event.type === 'MeasureReservationReleased') releasedReservations.set(event.data.callId, event.data.amountCents);
  }
  for (const { event } of log) {
    if (event.type === 'GrantAwarded') {
      const { callId, bidId, grantId, amountCents } = event.data;
      if (committed.get(`${callId}/${grantId}`) !== amountCents) return `3: grant ${grantId} awarded ${amountCents} but its call committed ${committed.get(`${callId}/${grantId}`)}`;
      if (bidAwards.get(`${bidId}/${grantId}`) !== amountCents) return `4: grant ${grantId} awarded but bid ${bidId} not marked awarded`;
    }
    if (event.type === 'CallOpened' && reserved.get(event.data.callId) !== event.data.budgetCents) return `2: call ${event.data.callId} opened without reserving its budget`;
    if (event.type === 'CallCancelled' && releasedReservations.get(event.data.callId) !== event.data.releasedCents) {
      return `2: call ${event.data.callId} cancelled without handing its reservation back`;
    }
  }
  return null;
};

export const commitmentsWithinCallBudget: Check = (log) => {
  for (const [stream, events] of byStream(log)) {
    if (!stream.startsWith('call-')) continue;
    const callEvents = events as CallEvent[];
    const opened = callEvents.find((e) => e.type === 'CallOpened');
    if (!opened || opened.type !== 'CallOpened') return `3: ${stream} has no CallOpened`;
    let committed = 0;
    let released = 0;
    for (const event of callEvents) {
      if (event.type === 'CallBudgetCommitted') committed += event.data.amountCents;
      if (event.type === 'CallBudgetReleased') released += event.data.amountCents;
      if (committed - released > opened.data.budgetCents) {
        return `3: ${stream} holds ${committed - released} > budget ${opened.data.budgetCents}`;
      }
    }
    const state = callEvents.reduce((s, e) => CALL.evolve(s, e), CALL.initialState());
    if (state.status === 'none') return `3: ${stream} folds to nothing`;
    if (callRemainingCents(state) !== opened.data.budgetCents - committed + released) {
      return `3: ${stream} remaining ${callRemainingCents(state)} ≠ budget − committed + released`;
    }
  }
  return null;
};

export const bidAwardedOnceWithinRequestAndCap: Check = (log) => {
  const requested = new Map<string, { callId: string; cents: number }>();
  const cap = new Map<string, number>();
  const awards = new Map<string, number>();
  for (const { event } of log) {
    if (event.type === 'CallOpened') cap.set(event.data.callId, event.data.maxGrantCents ?? event.data.budgetCents);
    if (event.type === 'BidSubmitted') requested.set(event.data.bidId, { callId: event.data.callId, cents: event.data.requestedCents });
    if (event.type === 'BidAwarded') {
      add(awards, event.data.bidId, 1);
      const bid = requested.get(event.data.bidId);
      if (!bid) return `4: ${event.data.bidId} awarded without a submission`;
      if (event.data.amountCents > bid.cents) return `4: ${event.data.bidId} awarded ${event.data.amountCents} > requested ${bid.cents}`;
      if (bid.cents > (cap.get(bid.callId) ?? 0)) return `4: ${event.data.bidId} requested above the cap`;
    }
  }
  for (const [bidId, count] of awards) if (count > 1) return `4: ${bidId} awarded ${count} times`;
  const grantAwards = log.filter((r) => r.event.type === 'GrantAwarded').length;
  if (grantAwards !== [...awards.values()].reduce((a, b) => a + b, 0)) return '4: grants and bid awards differ in number';
  return null;
};

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
  claims: Map<string, { kind: 'interim' | 'final'; declared: number; eligible: number | null; verifiedBy: string | null; paid: number }>;
}

const verifiedTotal = (g: GrantMoney) => [...g.claims.values()].reduce((sum, c) => sum + (c.eligible ?? 0), 0);
const finalVerified = (g: GrantMoney) => [...g.claims.values()].some((c) => c.kind === 'final' && c.eligible !== null);
const entitlement = (g: GrantMoney) => (g.status === 'revoked' ? 0 : finalVerified(g) ? covered(g, verifiedTotal(g)) : g.award);
const netPaid = (g: GrantMoney) => g.paid - g.recovered;
const held = (g: GrantMoney) => (g.status === 'active' ? Math.max(entitlement(g), netPaid(g)) : netPaid(g));

/**
 * Folds every grant stream, checking each event as it comes against the rules of invariants 5, 6
 * and 12; `check` sees each grant after each of its events. Returns the first violation.
 */
function foldGrants(log: readonly RecordedEvent[], check: (g: GrantMoney, event: GrantEvent, stream: string) => string | null): string | null {
  for (const [stream, events] of byStream(log)) {
    if (!stream.startsWith('grant-')) continue;
    let g: GrantMoney | null = null;
    for (const event of events as GrantEvent[]) {
      if (event.type === 'GrantAwarded') {
        const d = event.data;
        g = { grantId: d.grantId, bidId: d.bidId, awarded: d.amountCents, award: d.amountCents, cost: d.operation.totalEligibleCostCents, rateBp: d.fundingRateBp, advanceShareBp: d.advanceShareBp, status: 'active', paid: 0, advancePaid: 0, recovered: 0, ordered: 0, writtenOff: 0, due: 0, released: 0, releases: 0, claims: new Map() };
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
          g.claims.set(event.data.claimId, { kind: event.data.kind, declared: event.data.declaredCents, eligible: null, verifiedBy: null, paid: 0 });
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
      if (event.data.amountCents > 0 && netPaid(g) > g.award) return `5: ${stream} paid ${netPaid(g)} net of recoveries > award ${g.award}`;
    }
    if (event.type === 'GrantCompleted' || (event.type === 'GrantRevoked' && event.data.whole)) closed.add(stream);
    return null;
  });
};

/** Invariant 12: paid only on verified expenditure, at the funding rate, the advance within its share and offset; duties separated. */
export const paymentsWithinVerifiedExpenditure: Check = (log) => {
  const evaluators = new Map<string, string>();
  for (const { event } of log) if (event.type === 'BidEvaluated') evaluators.set(event.data.bidId, event.data.evaluatedBy);
  return foldGrants(log, (g, event, stream) => {
    if (event.type === 'ExpenditureClaimVerified') {
      const d = event.data;
      if (d.eligibleCents + d.cutCents !== d.declaredCents || d.cuts.reduce((sum, c) => sum + c.amountCents, 0) !== d.cutCents) return `12: ${stream} verified ${d.claimId}: eligible + cuts ≠ declared`;
      if (verifiedTotal(g) > g.cost) return `12: ${stream} verified ${verifiedTotal(g)} > the operation's cost ${g.cost}`;
      if (evaluators.get(g.bidId) === d.verifiedBy) return `12: ${stream} claim ${d.claimId} verified by the bid's evaluator`;
    }
    if (event.type !== 'DisbursementRecorded' || event.data.amountCents === 0) return null;
    const d = event.data;
    if (d.kind === 'advance') {
      if (g.advancePaid > Math.floor((g.award * g.advanceShareBp) / 10_000)) return `12: ${stream} advanced ${g.advancePaid} > its share of the award`;
      if (netPaid(g) > entitlement(g)) return `12: ${stream} advanced beyond what the grant is entitled to`;
      return null;
    }
    const claim = d.claimId === null ? undefined : g.claims.get(d.claimId);
    if (!claim || claim.eligible === null || claim.kind !== d.kind) return `12: ${stream} paid ${d.kind} ${d.disbursementId} without a verified ${d.kind} claim`;
    if (claim.verifiedBy === d.paidBy) return `12: ${stream} ${d.disbursementId} paid by the claim's verifier`;
    if (claim.kind === 'interim' && claim.paid > covered(g, claim.eligible)) return `12: ${stream} paid ${claim.paid} on ${d.claimId} > what it allows`;
    const payable = finalVerified(g) ? entitlement(g) : Math.min(g.award, Math.max(g.advancePaid, covered(g, verifiedTotal(g))));
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
    if ((event.type === 'GrantRevoked' || event.type === 'ExpenditureClaimVerified') && g.due !== Math.max(0, g.paid - entitlement(g))) {
      return `6: ${stream} recovery due ${g.due} ≠ paid ${g.paid} − entitlement ${entitlement(g)}`;
    }
    if (g.recovered > g.ordered || g.ordered > g.due || g.recovered + g.writtenOff > g.due) {
      return `6: ${stream} recovered ${g.recovered}, ordered ${g.ordered}, written off ${g.writtenOff} of ${g.due} due`;
    }
    return null;
  });
  if (violation) return violation;
  for (const [stream, g] of last) {
    if (g.released !== g.awarded - held(g)) return `6: ${stream} released ${g.released} ≠ awarded ${g.awarded} − held ${held(g)}`;
    const toCall = releasedToCall.get(g.grantId) ?? { cents: 0, count: 0 };
    if (toCall.cents !== g.released || toCall.count !== g.releases) {
      return `6: ${stream} released ${g.released} in ${g.releases} events, the call got ${toCall.cents} in ${toCall.count}`;
    }
  }
  return null;
};

/**
 * Invariant 13, in log order: a bid that arrived after its call's close is never found admissible
 * nor awarded; in a first-come call no bid is awarded while one that arrived earlier is admissible
 * and waiting.
 */
export const arrivalOrderAndLateBids: Check = (log) => {
  const closedAt = new Map<string, number>();
  const selection = new Map<string, string>();
  const bids = new Map<string, { callId: string; arrival: number; status: 'submitted' | 'admissible' | 'other' }>();
  for (const [index, { event }] of log.entries()) {
    switch (event.type) {
      case 'CallOpened':
        selection.set(event.data.callId, event.data.selection);
        break;
      case 'CallClosed':
      case 'CallCancelled':
        if (!closedAt.has(event.data.callId)) closedAt.set(event.data.callId, index);
        break;
      case 'BidSubmitted':
        bids.set(event.data.bidId, { callId: event.data.callId, arrival: index, status: 'submitted' });
        break;
      case 'BidWithdrawn': {
        const bid = bids.get(event.data.bidId);
        if (bid) bid.status = 'other';
        break;
      }
      case 'BidEvaluated':
      case 'BidAwarded': {
        const bid = bids.get(event.data.bidId);
        if (!bid) return `13: ${event.data.bidId} ${event.type} without a submission`;
        const late = bid.arrival > (closedAt.get(bid.callId) ?? Infinity);
        if (late && (event.type === 'BidAwarded' || event.data.admissible)) return `13: bid ${event.data.bidId} arrived after its call closed and was ${event.type === 'BidAwarded' ? 'awarded' : 'found admissible'}`;
        if (event.type === 'BidAwarded' && selection.get(bid.callId) === 'first-come') {
          const earlier = [...bids].find(([id, other]) => id !== event.data.bidId && other.callId === bid.callId && other.arrival < bid.arrival && other.status === 'admissible');
          if (earlier) return `13: bid ${event.data.bidId} awarded while ${earlier[0]}, earlier, was admissible and waiting`;
        }
        bid.status = event.type === 'BidEvaluated' && event.data.admissible ? 'admissible' : 'other';
        break;
      }
    }
  }
  return null;
};

export const moneyIsIntegerCentsAndTotalsAreSums: Check = (log) => {
  for (const { stream, event } of log) {
    // A cents field is a non-negative safe integer, or null where the fact is optional (a call without a cap).
    const bad = centsFields(event.data).find(([, value]) => value !== null && (!Number.isSafeInteger(value) || (value as number) < 0));
    if (bad) return `7: ${stream} ${event.type}.${bad[0]} = ${String(bad[1])}`;
  }
  for (const [stream, events] of byStream(log)) {
    if (!stream.startsWith('grant-')) continue;
    const state = (events as GrantEvent[]).reduce((s, e) => GRANT.evolve(s, e), GRANT.initialState());
    const paid = events.reduce((sum, e) => sum + (e.type === 'DisbursementRecorded' ? e.data.amountCents : 0), 0);
    if (state.status === 'none' || state.paidCents !== paid) return `7: ${stream} paid total differs from its events`;
  }
  return null;
};

function centsFields(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = path ? `${path}.${key}` : key;
    if (key.endsWith('Cents')) return [[here, inner] as [string, unknown]];
    return centsFields(inner, here);
  });
}

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
    if (event.type === 'GrantAwarded') operation.set(event.data.grantId, { from: event.data.operation.plannedStartDate, to: event.data.operation.plannedEndDate });
    if (event.type === 'ExpenditureDocumentClaimed') {
      const { key, claimId, itemIndex, programmeId } = event.data;
      if (!key.startsWith(`${programmeId}|`)) return `14: document ${key} claimed outside its programme ${programmeId}`;
      const earlier = taken.get(key);
      if (earlier !== undefined) return `14: document ${key} claimed by ${earlier} and again by ${claimId} item ${itemIndex}`;
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
      if (!period || !dates || paidOn < period.from || paidOn > period.to || paidOn < dates.from || paidOn > dates.to) return `14: ${d.claimId} item ${i} paid on ${paidOn}, outside the eligibility period or the operation`;
    }
  }
  return null;
};

/**
 * Invariant 15, in log order: a ranking call awards nothing before its ranking is approved, and
 * every award, and every pass-over for insufficient funds, goes to the highest-ranked bid still
 * waiting: not awarded, not withdrawn, not passed over (one passed over for insufficient funds waits
 * again once money was released to the call after its pass-over).
 */
export const awardsFollowTheRanking: Check = (log) => {
  const selection = new Map<string, string>();
  const ranking = new Map<string, string[]>();
  const released = new Map<string, number>();
  const withdrawn = new Set<string>();
  const awarded = new Set<string>();
  const passedOver = new Map<string, { reason: string; releasedThen: number }>();
  const head = (callId: string) =>
    ranking.get(callId)?.find((bidId) => {
      if (awarded.has(bidId) || withdrawn.has(bidId)) return false;
      const passed = passedOver.get(bidId);
      return !passed || (passed.reason === 'insufficient-funds' && (released.get(callId) ?? 0) > passed.releasedThen);
    }) ?? null;
  for (const { event } of log) {
    switch (event.type) {
      case 'CallOpened':
        selection.set(event.data.callId, event.data.selection);
        break;
      case 'RankingApproved':
        if (ranking.has(event.data.callId)) return `15: call ${event.data.callId} ranked twice`;
        ranking.set(event.data.callId, [...event.data.ranked].sort((a, b) => a.rank - b.rank).map((r) => r.bidId));
        break;
      case 'CallBudgetReleased':
        released.set(event.data.callId, (released.get(event.data.callId) ?? 0) + event.data.amountCents);
        break;
      case 'BidWithdrawn':
        withdrawn.add(event.data.bidId);
        break;
      case 'RankedBidPassedOver': {
        const { callId, bidId, reason } = event.data;
        if (reason === 'insufficient-funds' && head(callId) !== bidId) return `15: ${bidId} passed over for insufficient funds while ${head(callId)} headed the line of ${callId}`;
        passedOver.set(bidId, { reason, releasedThen: released.get(callId) ?? 0 });
        break;
      }
      case 'CallBudgetCommitted': {
        const { callId, bidId } = event.data;
        if (selection.get(callId) === 'ranking') {
          if (!ranking.has(callId)) return `15: ${bidId} awarded on ${callId} before its ranking was approved`;
          const first = head(callId);
          if (first !== bidId) return `15: ${bidId} awarded on ${callId} while ${first} was ranked higher and waiting`;
        }
        awarded.add(bidId);
        break;
      }
    }
  }
  return null;
};

export const INVARIANTS: ReadonlyArray<[string, Check]> = [
  ['1 measure allocations within the fund', fundAllocationsWithinFund],
  ['2 call reservations within the measure', callReservationsWithinMeasure],
  ['3 commitments within the call budget', commitmentsWithinCallBudget],
  ['2-4 multi-stream decisions write every stream', multiStreamDecisionsWriteEveryStream],
  ['4 a bid awarded once, within request and cap', bidAwardedOnceWithinRequestAndCap],
  ['5 disbursements within the award', disbursementsWithinAward],
  ['6 revocations release once and recover the excess', revocationsReleaseOnceAndRecoverTheExcess],
  ['12 payments within verified expenditure, duties separated', paymentsWithinVerifiedExpenditure],
  ['13 first-come awards follow arrival; late bids are never admissible', arrivalOrderAndLateBids],
  ['14 documents claimed once, paid inside the eligibility period', documentsClaimedOnceInsideTheEligibilityPeriod],
  ['15 ranking calls award down their approved ranking', awardsFollowTheRanking],
  ['7 integer cents; totals are sums of events', moneyIsIntegerCentsAndTotalsAreSums],
];

export function firstViolation(log: readonly RecordedEvent[]): string | null {
  for (const [, check] of INVARIANTS) {
    const violation = check(log);
    if (violation) return violation;
  }
  return null;
}
