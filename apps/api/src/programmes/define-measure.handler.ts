import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { programmes, programmeStream, type DefineMeasure } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class DefineMeasureCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<DefineMeasure, 'type'>,
  ) {
    super();
  }
}

/** Measures live in their programme's stream, which owns the fund shares they are allocated from. */
@CommandHandler(DefineMeasureCommand)
export class DefineMeasureHandler implements ICommandHandler<DefineMeasureCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: DefineMeasureCommand): Promise<WriteOutcome> {
    const stream = programmeStream(payload.programmeId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const programme = await this.writer.load(stream, programmes.evolve, programmes.initialProgramme);
      return [changes(programme, programmes.decide({ type: 'DefineMeasure', ...payload }, programme.state, now))];
    });
  }
}
