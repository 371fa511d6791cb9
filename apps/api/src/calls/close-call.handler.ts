import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { calls, callStream, programmes } from '@app/funding';
import type { CommandContext } from '../commands/command-context.js';
import { FundingWriter, changes, type WriteOutcome } from '../commands/funding-writer.js';

export class CloseCallCommand extends Command<WriteOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly payload: { callId: string },
  ) {
    super();
  }
}

@CommandHandler(CloseCallCommand)
export class CloseCallHandler implements ICommandHandler<CloseCallCommand> {
  constructor(private readonly writer: FundingWriter) {}

  execute({ context, payload }: CloseCallCommand): Promise<WriteOutcome> {
    const stream = callStream(payload.callId);
    return this.writer.write(context, { entity: stream }, async (now) => {
      const call = await this.writer.load(stream, calls.evolve, calls.initialCall);
      // Closing touches only the call; the programme's state plays no part in it.
      const decision = calls.decide({ type: 'CloseCall', ...payload }, { call: call.state, programme: programmes.initialProgramme }, now);
      return [changes(call, decision.call)];
    });
  }
}
