import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandPipeline, deterministicUuid, type CommandContext } from '@app/commands';
import { EventStoreUnavailableError } from '@app/event-store';
import { demoProgrammeFiles, type AppConfig } from '@app/config';
import {
  DomainError,
  type DefineMeasure,
  type DomainErrorCode,
  type EstablishProgramme,
  type FundingCommand,
} from '@app/funding';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';

/** How many times a seed command is sent while the event store is unavailable. */
const SEED_ATTEMPTS = 20;

interface DemoProgramme {
  readonly programme: Omit<EstablishProgramme, 'type'>;
  readonly measures: ReadonlyArray<Omit<DefineMeasure, 'type' | 'programmeId'>>;
}

/**
 * On first start, loads the demo programmes (WECARE and its five measures, then the 2021-2027
 * demonstration programme beside it) through the same pipeline a client's commands take. What is already in the store is refused by the domain and
 * left alone, so a restart adds nothing and a half-done seed is completed. Each command keeps its id
 * while it is sent again on an unavailable store, as a client retries with its Idempotency-Key: a
 * seed whose answer was lost is found, not written twice.
 */
@Injectable()
export class DemoProgrammeSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');
  /** This start's seeding: each command's id derives from it and from the command. */
  private readonly run = randomUUID();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pipeline: CommandPipeline,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoProgramme) return;
    for (const file of demoProgrammeFiles()) await this.seed(JSON.parse(readFileSync(file, 'utf8')) as DemoProgramme);
  }

  private async seed(demo: DemoProgramme): Promise<void> {
    const { programmeId } = demo.programme;
    await this.unlessDone({ type: 'EstablishProgramme', ...demo.programme }, 'PROGRAMME_ALREADY_ESTABLISHED');
    let added = 0;
    for (const measure of demo.measures) {
      if (await this.unlessDone({ type: 'DefineMeasure', programmeId, ...measure }, 'MEASURE_ALREADY_DEFINED')) added++;
    }
    if (added > 0) this.logger.log(`Loaded the demo programme ${demo.programme.code} with ${added} measures`);
  }

  /** Runs the command; false when the store already holds what it would record. */
  private async unlessDone(command: FundingCommand, done: DomainErrorCode): Promise<boolean> {
    const commandId = deterministicUuid(`seed:${this.run}:${JSON.stringify(command)}`);
    const context: CommandContext = {
      actor: 'system:seed',
      correlationId: `seed-${command.type}`,
      causationId: null,
      commandId,
      ifMatch: null,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pipeline.execute(command, context);
        return true;
      } catch (error) {
        if (error instanceof DomainError && error.code === done) return false;
        if (!(error instanceof EventStoreUnavailableError) || attempt >= SEED_ATTEMPTS) throw error;
        this.logger.warn(`${command.type}: ${error.message}; trying again`);
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }
}
