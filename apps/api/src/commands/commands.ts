import { Injectable } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, type CommandContext, type CommandOutcome } from '@app/commands';
import type { FundingCommand } from '@app/funding';

/** Any funding command, with who sent it: the only message on the command bus. */
export class ExecuteCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: FundingCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The bus hands every command to the one pipeline: the plan beside the command's decision says the rest. */
@CommandHandler(ExecuteCommand)
export class ExecuteCommandHandler implements ICommandHandler<ExecuteCommand> {
  constructor(private readonly pipeline: CommandPipeline) {}

  execute({ command, context }: ExecuteCommand): Promise<CommandOutcome> {
    return this.pipeline.execute(command, context);
  }
}

/** A command's answer: the body a route chose, and what the write gave (WrittenInterceptor makes the headers of it). */
export class Written<T extends object> {
  constructor(
    readonly outcome: CommandOutcome,
    readonly body: T,
  ) {}
}

/** What a route calls: run the command, answer with its body. */
@Injectable()
export class Commands {
  constructor(private readonly bus: CommandBus) {}

  async run<T extends object>(context: CommandContext, command: FundingCommand, body: T): Promise<Written<T>> {
    return new Written(await this.bus.execute(new ExecuteCommand(command, context)), body);
  }
}
