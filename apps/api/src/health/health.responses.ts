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

export class ProjectionRebuild {
  @Count('The generation being built', { example: 3 }) generation!: number;
  @Count('The version it is built by: the projection as declared', { example: 2 }) toVersion!: number;
  @Position('The last event the new generation holds', { nullable: true }) position!: string | null;
  @Text('How far it is behind the head of the log, in positions; it becomes live once caught up', { example: '1200' })
  lag!: string;
  @Nested(ProjectionFailure, 'What stopped the rebuild (the live generation keeps serving; it retries on restart)', {
    nullable: true,
  })
  failure!: ProjectionFailure | null;
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
  @Count('The generation queries read for it', { example: 1 }) generation!: number;
  @Count('The version of the projection its generation was built by', { example: 1 }) version!: number;
  @Nested(
    ProjectionRebuild,
    'While its declared version differs from the live one: the new generation being built, which queries read once it has caught up',
    { nullable: true },
  )
  rebuilding!: ProjectionRebuild | null;
}

export class ReadModelsHealth {
  @Count('The newest generation queries read (each projection shows its own)') generation!: number;
  @List(ProjectionHealth, 'Each projection') projections!: ProjectionHealth[];
  @Flag('A rebuild is under way: of every read model, or of a projection for its new version') rebuilding!: boolean;
}

export class ReadModelsUnreadable {
  @Text('Why the read-model store could not be read') error!: string;
}

export class DiskSpace {
  @OneOf(['ok', 'low'], 'DiskSpaceStatus', 'low: fewer free bytes than HEALTH_MIN_FREE_DISK_BYTES (not ready)')
  status!: string;
  @Text('DATA_DIR, where the embedded stores keep their files', { example: '/data' }) path!: string;
  @Count('Bytes free for the process on its filesystem (statfs: bavail × bsize), read at most once a second', {
    example: 53_687_091_200,
  })
  freeBytes!: number;
  @Count('HEALTH_MIN_FREE_DISK_BYTES', { example: 268_435_456 }) minFreeBytes!: number;
}

export class DiskUnreadable {
  @OneOf(['unreadable'], 'DiskUnreadableStatus', 'The free space could not be read (not ready)') status!: string;
  @Text('DATA_DIR') path!: string;
  @Text('Why') error!: string;
}

export class DiskNotChecked {
  @OneOf(['not-checked'], 'DiskNotCheckedStatus', 'No store keeps its files in DATA_DIR') status!: string;
  @Text('Why not', { example: 'no store keeps its files in DATA_DIR (KurrentDB, MongoDB)' }) why!: string;
}

export class AppendFailure {
  @Text("The store error's code, with the engine's when it gave one", {
    example: 'EVENT_STORE_UNAVAILABLE (SQLITE_FULL)',
  })
  code!: string;
  @Text('The error', {
    example: 'EventStoreUnavailableError: The event store could not write: SqliteError: database or disk is full',
  })
  error!: string;
  @Instant('When appends began to fail (the first failure since the last append that landed)') since!: string;
  @Text(
    'Why the last probe did not land either (a file written and synced in DATA_DIR on the embedded store; a read on KurrentDB), tried at most once a second; null before the first',
    { nullable: true },
  )
  probe!: string | null;
}

@ApiExtraModels(DiskSpace, DiskUnreadable, DiskNotChecked)
export class WritesHealth {
  @Either([DiskSpace, DiskUnreadable, DiskNotChecked], 'The free space where the embedded stores write')
  disk!: DiskSpace | DiskUnreadable | DiskNotChecked;
  @Nested(
    AppendFailure,
    'The last append failed for the store (unavailable, disk full, I/O error; not a conflict) and no append or probe has landed since: not ready. Null otherwise',
    { nullable: true },
  )
  appendFailure!: AppendFailure | null;
}

@ApiExtraModels(ReadModelsHealth, ReadModelsUnreadable)
export class Health {
  @OneOf(
    ['ok', 'degraded'],
    'HealthStatus',
    'degraded: a projection failed or is reconnecting, the read models cannot be read, or a write would not land (`writes`: the disk is low, or the last append failed for the store)',
  )
  status!: string;
  @Nested(EventStoreHealth, 'The event store') eventStore!: EventStoreHealth;
  @Either([ReadModelsHealth, ReadModelsUnreadable], 'The projections') readModels!:
    ReadModelsHealth | ReadModelsUnreadable;
  @Nested(WritesHealth, 'Whether a write would land: the disk of DATA_DIR and the last append') writes!: WritesHealth;
}

export class HealthUnavailableResponse {
  @OneOf(['unavailable'], 'HealthUnavailable', 'The event store cannot be reached') status!: 'unavailable';
  @Nested(EventStoreUnavailable, 'The event store') eventStore!: EventStoreUnavailable;
  @Nested(WritesHealth, 'Whether a write would land: the disk of DATA_DIR and the last append') writes!: WritesHealth;
}

export class Readiness {
  @OneOf(
    ['ready', 'not-ready'],
    'ReadinessStatus',
    'not-ready: a projection failed or is reconnecting, the read models cannot be read, the event store cannot be reached, the disk of DATA_DIR is low (`disk-low`) or the last append failed for the store (`event-store-not-writable`)',
  )
  status!: string;
  @Texts('Why it is not ready, one line each; empty when ready', {
    example: [
      'disk-low: 104857600 bytes free on the filesystem of /data, below HEALTH_MIN_FREE_DISK_BYTES (268435456)',
      'event-store-not-writable: EVENT_STORE_UNAVAILABLE since 2026-11-25T10:00:00.000Z (EventStoreUnavailableError: The event store could not write: SqliteError: database or disk is full); probe: Error: ENOSPC: no space left on device',
      'grant-summaries: reconnecting since 2026-11-25T10:00:00.000Z, next attempt at 2026-11-25T10:00:05.000Z (EventStoreUnavailableError: connection reset)',
    ],
  })
  reasons!: string[];
}

export class Liveness {
  @OneOf(['live'], 'LivenessStatus', 'The process answers') status!: 'live';
}
