import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { demoProgrammeFile, type AppConfig } from '@app/config';
import { programmes, programmeStream, type DefineMeasure, type EstablishProgramme } from '@app/funding';
import { FundingWriter } from '../commands/funding-writer.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { EstablishProgrammeCommand } from '../programmes/establish-programme.handler.js';
import { DefineMeasureCommand } from '../programmes/define-measure.handler.js';
import type { CommandContext } from '../commands/command-context.js';

interface DemoProgramme {
  readonly programme: Omit<EstablishProgramme, 'type'>;
  readonly measures: ReadonlyArray<Omit<DefineMeasure, 'type' | 'programmeId'>>;
}

/**
 * On first start, loads the demo programme (WECARE and its five measures) through the same
 * commands a client would send. Whatever is already in the store is left alone, so a restart
 * adds nothing and a half-done seed is completed.
 */
@Injectable()
export class DemoProgrammeSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandBus,
    private readonly writer: FundingWriter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemoProgramme) return;
    const demo = JSON.parse(readFileSync(demoProgrammeFile(), 'utf8')) as DemoProgramme;
    const { programmeId } = demo.programme;
    const context = (): CommandContext => ({ actor: 'system:seed', correlationId: `seed-${programmeId}`, causationId: null, commandId: randomUUID(), ifMatch: null });
    let current = await this.writer.load(programmeStream(programmeId), programmes.evolve, programmes.initialProgramme);
    if (current.state.status === 'none') {
      await this.commands.execute(new EstablishProgrammeCommand(context(), demo.programme));
      current = await this.writer.load(programmeStream(programmeId), programmes.evolve, programmes.initialProgramme);
    }
    const defined = current.state.status === 'established' ? current.state.measures : {};
    const missing = demo.measures.filter((m) => !defined[m.measureId]);
    for (const measure of missing) {
      await this.commands.execute(new DefineMeasureCommand(context(), { programmeId, ...measure }));
    }
    if (missing.length > 0) this.logger.log(`Loaded the demo programme ${demo.programme.code} with ${missing.length} measures`);
  }
}
