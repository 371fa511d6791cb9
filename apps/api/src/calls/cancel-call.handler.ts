import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { calls, callStream, programmes, programmeStream, type CancelCall } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class CancelCallCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: Omit<CancelCall, 'type'>,
  ) {
    super();
  }
}

/** Cancels the call and releases its reservation to the measure: call and programme streams, atomically. */
@CommandHandler(CancelCallCommand)
export class CancelCallHandler implements ICommandHandler<CancelCallCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: CancelCallCommand): Promise<WriteOutcome> {
    const stream = callStream(payload.callId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const call = await this.writer.load(stream, calls.evolve, calls.initialCall);
      const programmeId = call.state.status === 'none' ? null : call.state.programmeId;
      const programme = programmeId
        ? await this.writer.load(programmeStream(programmeId), programmes.evolve, programmes.initialProgramme)
        : null;
      const decision = calls.decide(
        { type: 'CancelCall', ...payload },
        { call: call.state, programme: programme?.state ?? programmes.initialProgramme },
        now,
      );
      return programme ? [changes(call, decision.call), changes(programme, decision.programme)] : [changes(call, decision.call)];
    });
  }
}
