import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { bids, bidStream, calls } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class WithdrawBidCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: { bidId: string },
  ) {
    super();
  }
}

@CommandHandler(WithdrawBidCommand)
export class WithdrawBidHandler implements ICommandHandler<WithdrawBidCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: WithdrawBidCommand): Promise<WriteOutcome> {
    const stream = bidStream(payload.bidId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const bid = await this.writer.load(stream, bids.evolve, bids.initialBid);
      return [changes(bid, bids.decide({ type: 'WithdrawBid', ...payload }, { bid: bid.state, call: calls.initialCall }, now))];
    });
  }
}
