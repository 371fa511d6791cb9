import { reading, type StreamToRead } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { Fund } from '../funding.types.js';
import type { EstablishedProgramme, Programme } from '../programmes/programme.js';
import { callStream, grantStream } from '../streams.js';
import type { Cofinancing } from './cofinancing.js';
import type { FundGrant } from './declarable.js';
import { CALL_GRANTS, GRANT_PAYMENTS, type CallGrants, type GrantPayments } from './grant-payments.js';

/**
 * The streams behind a fund's declarations, found in the streams themselves (never a read model):
 * the programme names its measures and the calls that reserved budget from them; each call names
 * the grants it committed budget to.
 */
export type FundStreams = { programme: Programme } & { [call: `call:${string}`]: CallGrants } & {
  [grant: `grant:${string}`]: GrantPayments;
};

/** The streams of a fund to read, by the names FundStreams gives their states. */
export type FundStreamsToRead = { [call: `call:${string}`]: StreamToRead<CallGrants> } & {
  [grant: `grant:${string}`]: StreamToRead<GrantPayments>;
};

/** The calls of the fund's measures, then, once they are read, their grants. */
export function fundStreamsToRead(state: FundStreams, fund: Fund): FundStreamsToRead {
  const reads: FundStreamsToRead = {};
  if (state.programme.status !== 'established') return reads;
  for (const measure of state.programme.measures.values()) {
    if (measure.fund !== fund) continue;
    for (const callId of measure.reservations.keys()) {
      reads[`call:${callId}`] = reading(CALL_GRANTS, callStream(callId));
      // Absent until the call's stream is read: index signatures promise more than the state holds.
      const call = state[`call:${callId}`] as CallGrants | undefined;
      for (const grantId of call?.grantIds ?? [])
        reads[`grant:${grantId}`] = reading(GRANT_PAYMENTS, grantStream(grantId));
    }
  }
  return reads;
}

/** The fund's grants as read, each with its measure's priority axis, in the order of the programme's measures and calls. */
export function fundGrants(state: FundStreams, programme: EstablishedProgramme, fund: Fund): FundGrant[] {
  const grants: FundGrant[] = [];
  for (const measure of programme.measures.values()) {
    if (measure.fund !== fund) continue;
    for (const callId of measure.reservations.keys()) {
      for (const grantId of state[`call:${callId}`]?.grantIds ?? []) {
        const grant = state[`grant:${grantId}`];
        if (grant && grant.status === 'awarded') grants.push({ grant, priorityAxis: measure.priorityAxis });
      }
    }
  }
  return grants;
}

/** The fund share's co-financing: nothing is declared of a fund whose split the programme did not state. */
export function fundCofinancing(programme: EstablishedProgramme, fund: Fund): Cofinancing {
  const share = programme.funds.find((f) => f.fund === fund);
  if (!share) refuse('FUND_NOT_IN_PROGRAMME', `Programme ${programme.programmeId} has no ${fund} share`);
  if (share.cofinancing === null)
    refuse(
      'COFINANCING_NOT_STATED',
      `Programme ${programme.programmeId} states no co-financing split for ${fund}: nothing of it can be declared`,
      { fund },
    );
  return share.cofinancing;
}
