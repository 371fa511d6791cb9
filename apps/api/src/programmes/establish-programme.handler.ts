import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { programmes, programmeStream, type EstablishProgramme } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class EstablishProgrammeCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<EstablishProgramme, 'type'>,
  ) {
    super();
  }
}

@CommandHandler(EstablishProgrammeCommand)
export class EstablishProgrammeHandler implements ICommandHandler<EstablishProgrammeCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: EstablishProgrammeCommand): Promise<WriteOutcome> {
    const stream = programmeStream(payload.programmeId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const programme = await this.writer.load(stream, programmes.evolve, programmes.initialProgramme);
      return [changes(programme, programmes.decide({ type: 'EstablishProgramme', ...payload }, programme.state, now))];
    });
  }
}
