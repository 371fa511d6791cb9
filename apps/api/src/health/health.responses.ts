import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { Count, Either, Flag, List, Nested, OneOf, Position, Text } from '../http/response-fields.js';

const DURABILITY = { type: 'object', additionalProperties: { type: 'string' }, nullable: true, description: "How appends are made durable (the embedded store's journal mode and synchronous setting); null for KurrentDB", example: { journalMode: 'wal', synchronous: 'FULL' } } as const;

export class EventStoreHealth {
  @OneOf(['embedded', 'kurrentdb'], 'EventStoreAdapter', 'Which event store') adapter!: string;
  @ApiProperty(DURABILITY) durability!: Record<string, string> | null;
  @OneOf(['ok'], 'HealthOk', 'Reachable') status!: 'ok';
  @Position('Where its log ends; null when empty', { nullable: true }) headPosition!: string | null;
}

export class EventStoreUnavailable {
  @OneOf(['embedded', 'kurrentdb'], 'EventStoreAdapter', 'Which event store') adapter!: string;
  @ApiProperty(DURABILITY) durability!: Record<string, string> | null;
  @OneOf(['unavailable'], 'HealthUnavailable', 'Not reachable') status!: 'unavailable';
  @Text('Why') error!: string;
}

export class ProjectionFailure {
  @Text('The position of the event it could not apply') at!: string;
  @Text('Why') message!: string;
}

export class ProjectionHealth {
  @Text('The projection', { example: 'grant-summaries' }) projection!: string;
  @OneOf(['starting', 'catching-up', 'live', 'failed', 'stopped', 'standby', 'external'], 'ProjectionState', 'live: caught up and following; standby: another process holds the projector lease; external: the projector runs as its own process') state!: string;
  @Position('The last event it applied', { nullable: true }) checkpoint!: string | null;
  @Text('How far behind the head of the log, in positions', { nullable: true, example: '0' }) lag!: string | null;
  @Nested(ProjectionFailure, 'What stopped it: an event is never skipped', { nullable: true }) failure!: ProjectionFailure | null;
}

export class ReadModelsHealth {
  @Count('The generation queries read') generation!: number;
  @List(ProjectionHealth, 'Each projection') projections!: ProjectionHealth[];
  @Flag('A rebuild is under way') rebuilding!: boolean;
}

export class ReadModelsUnreadable {
  @Text('Why the read-model store could not be read') error!: string;
}

@ApiExtraModels(ReadModelsHealth, ReadModelsUnreadable)
export class Health {
  @OneOf(['ok', 'degraded'], 'HealthStatus', 'degraded: a projection failed, or the read models cannot be read') status!: string;
  @Nested(EventStoreHealth, 'The event store') eventStore!: EventStoreHealth;
  @Either([ReadModelsHealth, ReadModelsUnreadable], 'The projections') readModels!: ReadModelsHealth | ReadModelsUnreadable;
}

export class HealthUnavailableResponse {
  @OneOf(['unavailable'], 'HealthUnavailable', 'The event store cannot be reached') status!: 'unavailable';
  @Nested(EventStoreUnavailable, 'The event store') eventStore!: EventStoreUnavailable;
}
