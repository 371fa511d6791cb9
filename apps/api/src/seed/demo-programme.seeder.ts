import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandPipeline, type CommandContext } from '@app/commands';
import { demoProgrammeFile, type AppConfig } from '@app/config';
import { DomainError, type DefineMeasure, type DomainErrorCode, type EstablishProgramme, type FundingCommand } from '@app/funding';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';

interface DemoProgramme {
  readonly programme: Omit<EstablishProgramme, 'type'>;
  readonly measures: ReadonlyArray<Omit<DefineMeasure, 'type' | 'programmeId'>>;
}

/**
 * On first start, loads the demo programme (WECARE and its five measures) through the same
 * pipeline a client's commands take. What is already in the store is refused by the domain and
 * left alone, so a restart adds nothing and a half-done seed is completed.
 */
@Injectable()
export class DemoProgrammeSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pipeline: CommandPipeline,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoProgramme) return;
    const demo = JSON.parse(readFileSync(demoProgrammeFile(), 'utf8')) as DemoProgramme;
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
    const context: CommandContext = { actor: 'system:seed', correlationId: `seed-${command.type}`, causationId: null, commandId: randomUUID(), ifMatch: null };
    try {
      await this.pipeline.execute(command, context);
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.code === done) return false;
      throw error;
    }
  }
}
