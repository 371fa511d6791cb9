import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { calls, callStream, programmes, programmeStream, type OpenCall } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class OpenCallCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<OpenCall, 'type'>,
  ) {
    super();
  }
}

/** Opens the call and reserves its budget from the measure: call and programme streams, one atomic append. */
@CommandHandler(OpenCallCommand)
export class OpenCallHandler implements ICommandHandler<OpenCallCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: OpenCallCommand): Promise<WriteOutcome> {
    const stream = callStream(payload.callId);
    const programmeId = programmeStream(payload.programmeId);
    return this.writer.write(context, { entity: stream, serializeOn: programmeId }, async (now) => {
      const [call, programme] = await Promise.all([
        this.writer.load(stream, calls.evolve, calls.initialCall),
        this.writer.load(programmeId, programmes.evolve, programmes.initialProgramme),
      ]);
      const decision = calls.decide({ type: 'OpenCall', ...payload }, { call: call.state, programme: programme.state }, now);
      return [changes(call, decision.call), changes(programme, decision.programme)];
    });
  }
}
