import { Injectable } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPipeline, type CommandContext, type CommandOutcome } from '@app/commands';
import type { FundingCommand } from '@app/funding';
import { Integer, Position } from '../http/response-fields.js';

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

/** What every write answers beside the ids of its route (WrittenInterceptor adds them to the route's body). */
export class WriteResult {
  @Integer('The revision of the entity stream after the write: the same as the ETag', { example: 0 })
  revision!: number;

  @Position('Where the last event of the write sits in the global log: the same as X-Event-Position', { example: '8' })
  position!: string;
}

/** What a route calls: run the command, answer with its body. */
@Injectable()
export class Commands {
  constructor(private readonly bus: CommandBus) {}

  async run<T extends object>(context: CommandContext, command: FundingCommand, body: T): Promise<Written<T>> {
    return new Written(await this.bus.execute(new ExecuteCommand(command, context)), body);
  }
}
