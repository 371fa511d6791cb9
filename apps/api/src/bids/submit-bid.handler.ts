import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { bids, bidStream, calls, callStream, type SubmitBid } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class SubmitBidCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<SubmitBid, 'type'>,
  ) {
    super();
  }
}

/** Reads the call (window, eligibility, cap) and writes only the bid's own stream (ADR 0002). */
@CommandHandler(SubmitBidCommand)
export class SubmitBidHandler implements ICommandHandler<SubmitBidCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: SubmitBidCommand): Promise<WriteOutcome> {
    const stream = bidStream(payload.bidId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const [bid, call] = await Promise.all([
        this.writer.load(stream, bids.evolve, bids.initialBid),
        this.writer.load(callStream(payload.callId), calls.evolve, calls.initialCall),
      ]);
      return [changes(bid, bids.decide({ type: 'SubmitBid', ...payload }, { bid: bid.state, call: call.state }, now))];
    });
  }
}
