import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { bids, bidStream, calls, type EvaluateBid } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class EvaluateBidCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<EvaluateBid, 'type'>,
  ) {
    super();
  }
}

@CommandHandler(EvaluateBidCommand)
export class EvaluateBidHandler implements ICommandHandler<EvaluateBidCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: EvaluateBidCommand): Promise<WriteOutcome> {
    const stream = bidStream(payload.bidId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const bid = await this.writer.load(stream, bids.evolve, bids.initialBid);
      return [changes(bid, bids.decide({ type: 'EvaluateBid', ...payload }, { bid: bid.state, call: calls.initialCall }, now))];
    });
  }
}
