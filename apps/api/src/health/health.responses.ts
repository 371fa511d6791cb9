import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { Count, Either, Flag, Instant, List, Nested, OneOf, Position, Text, Texts } from '../http/response-fields.js';

const DURABILITY = {
  type: 'object',
  additionalProperties: { type: 'string' },
  nullable: true,
  description:
    "How appends are made durable (the embedded store's journal mode and synchronous setting); null for KurrentDB",
  example: { journalMode: 'wal', synchronous: 'FULL' },
} as const;

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

export class ProjectionReconnecting {
  @Instant('When the store it needs (the event log, or the read models) went away') since!: string;
  @Count('Attempts made since then') attempts!: number;
  @Text('Why the last attempt failed', { example: 'EventStoreUnavailableError: connection reset' }) lastError!: string;
  @Instant('When it tries again (every 100 ms at first, then every 5 s at most)') nextAttemptAt!: string;
}

export class ProjectionHealth {
  @Text('The projection', { example: 'grant-summaries' }) projection!: string;
  @OneOf(
    ['starting', 'catching-up', 'live', 'reconnecting', 'failed', 'stopped', 'standby', 'external'],
    'ProjectionState',
    'live: caught up and following; reconnecting: the event log (or the read-model store) cannot be reached and is being tried again, nothing is lost meanwhile; failed: stopped on an event it cannot apply; standby: another process holds the projector lease; external: the projector runs as its own process',
  )
  state!: string;
  @Position('The last event it applied', { nullable: true }) checkpoint!: string | null;
  @Text('How far behind the head of the log, in positions', { nullable: true, example: '0' }) lag!: string | null;
  @Nested(ProjectionFailure, 'What stopped it: an event is never skipped', { nullable: true })
  failure!: ProjectionFailure | null;
  @Nested(ProjectionReconnecting, 'While it is reconnecting: since when, the last error and the next attempt', {
    nullable: true,
  })
  reconnecting!: ProjectionReconnecting | null;
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
  @OneOf(
    ['ok', 'degraded'],
    'HealthStatus',
    'degraded: a projection failed or is reconnecting, or the read models cannot be read',
  )
  status!: string;
  @Nested(EventStoreHealth, 'The event store') eventStore!: EventStoreHealth;
  @Either([ReadModelsHealth, ReadModelsUnreadable], 'The projections') readModels!:
    ReadModelsHealth | ReadModelsUnreadable;
}

export class HealthUnavailableResponse {
  @OneOf(['unavailable'], 'HealthUnavailable', 'The event store cannot be reached') status!: 'unavailable';
  @Nested(EventStoreUnavailable, 'The event store') eventStore!: EventStoreUnavailable;
}

export class Readiness {
  @OneOf(
    ['ready', 'not-ready'],
    'ReadinessStatus',
    'not-ready: a projection failed or is reconnecting, the read models cannot be read, or the event store cannot be reached',
  )
  status!: string;
  @Texts('Why it is not ready, one line each; empty when ready', {
    example: [
      'grant-summaries: reconnecting since 2026-11-25T10:00:00.000Z, next attempt at 2026-11-25T10:00:05.000Z (EventStoreUnavailableError: connection reset)',
    ],
  })
  reasons!: string[];
}

export class Liveness {
  @OneOf(['live'], 'LivenessStatus', 'The process answers') status!: 'live';
}
