import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { grantStream, type RevokeGrant } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, type WriteOutcome } from '../commands/funding-writer.js';
import { decideOnGrant } from './grant-money.js';

export class RevokeGrantCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<RevokeGrant, 'type'>,
  ) {
    super();
  }
}

@CommandHandler(RevokeGrantCommand)
export class RevokeGrantHandler implements ICommandHandler<RevokeGrantCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: RevokeGrantCommand): Promise<WriteOutcome> {
    const stream = grantStream(payload.grantId);
    return this.writer.write(context, { entity: stream }, (now) =>
      decideOnGrant(this.writer, stream, { type: 'RevokeGrant', ...payload }, now),
    );
  }
}
