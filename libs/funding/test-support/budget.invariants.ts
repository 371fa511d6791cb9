/**
 * The money tree's invariants (1-4 and 7 of docs/domain.md): fund → measure → call → grant, each
 * within its parent, every multi-stream decision written on every stream, money in integer cents.
 */
import { CALL, callRemainingCents } from '../src/calls/call.js';
import type { CallEvent } from '../src/calls/call.events.js';
import { GRANT } from '../src/grants/grant.js';
import type { GrantEvent } from '../src/grants/grant.events.js';
import { add, byStream, type Check } from './invariant-check.js';

export const fundAllocationsWithinFund: Check = (log) => {
  const fundAmount = new Map<string, number>();
  const allocated = new Map<string, number>();
  for (const { event } of log) {
    if (event.type === 'ProgrammeEstablished') {
      for (const share of event.data.funds)
        fundAmount.set(`${event.data.programmeId}/${share.fund}`, share.amountCents);
    }
    if (event.type === 'MeasureDefined')
      add(allocated, `${event.data.programmeId}/${event.data.fund}`, event.data.allocationCents);
  }
  for (const [key, cents] of allocated) {
    if (cents > (fundAmount.get(key) ?? 0)) return `1: ${key} allocates ${cents} > fund ${fundAmount.get(key)}`;
  }
  return null;
};

/**
 * Issue #27: an award carries the co-financing of its programme's share of its fund and the priority
 * axis of its measure, as the programme's stream stated them, so that its money splits without the programme.
 */
export const awardsCarryTheirFundsSplit: Check = (log) => {
  const split = new Map<string, string>();
  const axis = new Map<string, string | null>();
  for (const { event } of log) {
    if (event.type === 'ProgrammeEstablished')
      for (const share of event.data.funds)
        split.set(`${event.data.programmeId}/${share.fund}`, JSON.stringify(share.cofinancing));
    if (event.type === 'MeasureDefined')
      axis.set(`${event.data.programmeId}/${event.data.measureId}`, event.data.priorityAxis);
    if (event.type === 'GrantAwarded') {
      const d = event.data;
      if (JSON.stringify(d.cofinancing) !== split.get(`${d.programmeId}/${d.fund}`))
        return `#27: ${d.grantId} records co-financing ${JSON.stringify(d.cofinancing)}, its ${d.fund} share states ${split.get(`${d.programmeId}/${d.fund}`)}`;
      const measure = `${d.programmeId}/${d.measureId}`;
      if (d.priorityAxis !== axis.get(measure))
        return `#27: ${d.grantId} records priority axis ${d.priorityAxis}, its measure ${measure} sits under ${axis.get(measure)}`;
    }
  }
  return null;
};

export const callReservationsWithinMeasure: Check = (log) => {
  const allocation = new Map<string, number>();
  const reserved = new Map<string, number>();
  const callBudget = new Map<string, number>();
  for (const { event } of log) {
    // Measure ids are unique within their programme only.
    if (event.type === 'MeasureDefined')
      allocation.set(`${event.data.programmeId}/${event.data.measureId}`, event.data.allocationCents);
    if (event.type === 'MeasureBudgetReserved')
      add(reserved, `${event.data.programmeId}/${event.data.measureId}`, event.data.amountCents);
    if (event.type === 'MeasureReservationReleased')
      add(reserved, `${event.data.programmeId}/${event.data.measureId}`, -event.data.amountCents);
    if (event.type === 'CallOpened') callBudget.set(event.data.callId, event.data.budgetCents);
  }
  for (const [measureId, cents] of reserved) {
    if (cents > (allocation.get(measureId) ?? 0))
      return `2: measure ${measureId} reserves ${cents} > ${allocation.get(measureId)}`;
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
    if (event.type === 'CallBudgetCommitted')
      committed.set(`${event.data.callId}/${event.data.grantId}`, event.data.amountCents);
    if (event.type === 'BidAwarded') bidAwards.set(`${event.data.bidId}/${event.data.grantId}`, event.data.amountCents);
    if (event.type === 'MeasureBudgetReserved') reserved.set(event.data.callId, event.data.amountCents);
    if (event.type === 'MeasureReservationReleased')
      releasedReservations.set(event.data.callId, event.data.amountCents);
  }
  for (const { event } of log) {
    if (event.type === 'GrantAwarded') {
      const { callId, bidId, grantId, amountCents } = event.data;
      if (committed.get(`${callId}/${grantId}`) !== amountCents)
        return `3: grant ${grantId} awarded ${amountCents} but its call committed ${committed.get(`${callId}/${grantId}`)}`;
      if (bidAwards.get(`${bidId}/${grantId}`) !== amountCents)
        return `4: grant ${grantId} awarded but bid ${bidId} not marked awarded`;
    }
    if (event.type === 'CallOpened' && reserved.get(event.data.callId) !== event.data.budgetCents)
      return `2: call ${event.data.callId} opened without reserving its budget`;
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
    if (event.type === 'BidSubmitted')
      requested.set(event.data.bidId, { callId: event.data.callId, cents: event.data.requestedCents });
    if (event.type === 'BidAwarded') {
      add(awards, event.data.bidId, 1);
      const bid = requested.get(event.data.bidId);
      if (!bid) return `4: ${event.data.bidId} awarded without a submission`;
      if (event.data.amountCents > bid.cents)
        return `4: ${event.data.bidId} awarded ${event.data.amountCents} > requested ${bid.cents}`;
      if (bid.cents > (cap.get(bid.callId) ?? 0)) return `4: ${event.data.bidId} requested above the cap`;
    }
  }
  for (const [bidId, count] of awards) if (count > 1) return `4: ${bidId} awarded ${count} times`;
  const grantAwards = log.filter((r) => r.event.type === 'GrantAwarded').length;
  if (grantAwards !== [...awards.values()].reduce((a, b) => a + b, 0))
    return '4: grants and bid awards differ in number';
  return null;
};

export const moneyIsIntegerCentsAndTotalsAreSums: Check = (log) => {
  for (const { stream, event } of log) {
    // A cents field is a non-negative safe integer, or null where the fact is optional (a call without a cap).
    const bad = centsFields(event.data).find(
      ([, value]) => value !== null && (!Number.isSafeInteger(value) || (value as number) < 0),
    );
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
