import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { grantStream, type RecordDisbursement } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, type WriteOutcome } from '../commands/funding-writer.js';
import { decideOnGrant } from './grant-money.js';

export class RecordDisbursementCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<RecordDisbursement, 'type'>,
  ) {
    super();
  }
}

@CommandHandler(RecordDisbursementCommand)
export class RecordDisbursementHandler implements ICommandHandler<RecordDisbursementCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: RecordDisbursementCommand): Promise<WriteOutcome> {
    const stream = grantStream(payload.grantId);
    return this.writer.write(context, { entity: stream }, (now) =>
      decideOnGrant(this.writer, stream, { type: 'RecordDisbursement', ...payload }, now),
    );
  }
}
