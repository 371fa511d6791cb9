import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { bids, bidStream, calls, callStream, grants, grantStream, type AwardGrant } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class AwardGrantCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<AwardGrant, 'type'>,
  ) {
    super();
  }
}

/**
 * Commits the call budget, marks the bid awarded and creates the grant: three streams, one atomic
 * append. Awards on one call are decided one at a time here (they all draw on its budget).
 */
@CommandHandler(AwardGrantCommand)
export class AwardGrantHandler implements ICommandHandler<AwardGrantCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: AwardGrantCommand): Promise<WriteOutcome> {
    const stream = grantStream(payload.grantId);
    return this.writer.write(context, { entity: stream, serializeOn: callStream(payload.callId) }, async (now) => {
      const [grant, call, bid] = await Promise.all([
        this.writer.load(stream, grants.evolve, grants.initialGrant),
        this.writer.load(callStream(payload.callId), calls.evolve, calls.initialCall),
        this.writer.load(bidStream(payload.bidId), bids.evolve, bids.initialBid),
      ]);
      const decision = grants.decide({ type: 'AwardGrant', ...payload }, { grant: grant.state, call: call.state, bid: bid.state }, now);
      return [changes(grant, decision.grant), changes(call, decision.call), changes(bid, decision.bid)];
    });
  }
}
