import { bids, calls, callStream, grants, type GrantCommand } from '@app/funding';
import { changes, type FundingWriter, type StreamWrite } from '../commands/funding-writer.js';

/**
 * Disbursements and revocations: the grant's stream, and its call's when budget goes back to it
 * (a revocation, or a final payment below the award), in one atomic append.
 */
export async function decideOnGrant(writer: FundingWriter, stream: string, command: GrantCommand, now: Date): Promise<StreamWrite[]> {
  const grant = await writer.load(stream, grants.evolve, grants.initialGrant);
  const call =
    grant.state.status === 'none' ? null : await writer.load(callStream(grant.state.callId), calls.evolve, calls.initialCall);
  const decision = grants.decide(command, { grant: grant.state, call: call?.state ?? calls.initialCall, bid: bids.initialBid }, now);
  return call ? [changes(grant, decision.grant), changes(call, decision.call)] : [changes(grant, decision.grant)];
}
