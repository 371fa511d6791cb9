import { EventDecodingError, InvalidAppendError } from '../event-store.errors.js';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port.js';

/** Turns the data of one stored version of an event type into the next version's shape. */
export interface Upcaster {
  readonly type: string;
  /** The version this upcaster reads; it produces fromVersion + 1. */
  readonly fromVersion: number;
  /** `metadata` is the stored event's own (who recorded it, when): some facts a later shape names were only there. */
  upcast(data: unknown, metadata: EventMetadata): unknown;
}

/**
 * Every event type the product knows, at its current schema version, and the upcasters that
 * bring older stored shapes up to it. Stored events are never rewritten: they are upcast on read.
 */
export class EventTypeRegistry {
  private readonly current = new Map<string, number>();
  private readonly upcasters = new Map<string, Upcaster>();

  constructor(versions: Readonly<Record<string, number>>, upcasters: readonly Upcaster[] = []) {
    for (const [type, version] of Object.entries(versions)) {
      if (!Number.isSafeInteger(version) || version < 1)
        throw new Error(`Event type ${type} has an invalid version ${version}`);
      this.current.set(type, version);
    }
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.upcasters.has(key)) throw new Error(`Two upcasters for ${key}`);
      this.upcasters.set(key, upcaster);
    }
    // A gap in a chain would only surface when an old event is read, perhaps years later: refuse it now.
    for (const [type, version] of this.current) {
      for (let from = 1; from < version; from++) {
        if (!this.upcasters.has(`${type}@${from}`))
          throw new Error(`Event type ${type} v${version} has no upcaster from v${from}`);
      }
    }
  }

  get types(): string[] {
    return [...this.current.keys()];
  }

  /** Only known types, at their current version, are written. */
  assertWritable(event: NewEvent, stream: string): void {
    const version = this.current.get(event.type);
    if (version === undefined) {
      throw new InvalidAppendError('INVALID_EVENT', `Unknown event type ${event.type} (stream ${stream})`);
    }
    if (event.schemaVersion !== version) {
      throw new InvalidAppendError(
        'INVALID_EVENT',
        `${event.type} is written at v${version}, not v${event.schemaVersion}`,
      );
    }
  }

  /** The stored event in its current shape; a typed error naming stream and position when it cannot be. */
  upcast(event: RecordedEvent): RecordedEvent {
    const version = this.current.get(event.type);
    const fail = (reason: string, cause?: unknown) =>
      new EventDecodingError(event.stream, event.position, event.revision, reason, { cause });
    if (version === undefined) throw fail(`unknown event type ${event.type}`);
    if (event.schemaVersion > version)
      throw fail(`${event.type} v${event.schemaVersion} is newer than this build knows (v${version})`);
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
      throw fail(`${event.type} data is not an object`);
    }
    let data: unknown = event.data;
    for (let from = event.schemaVersion; from < version; from++) {
      try {
        data = this.upcasters.get(`${event.type}@${from}`)!.upcast(data, event.metadata);
      } catch (error) {
        throw fail(`upcasting ${event.type} from v${from} failed: ${String(error)}`, error);
      }
    }
    return data === event.data ? event : { ...event, data, schemaVersion: version };
  }
}
