/**
 * The pure half of the KurrentDB adapter: how the port's values become the client's and back.
 * Nothing here talks to a server, so all of it is unit-tested (kurrentdb-mapping.spec.ts).
 *
 * Client behaviour relied on (@kurrent/kurrentdb-client 1.3.1, read from its dist/):
 * - events/jsonEvent.js: `jsonEvent({ id, type, data, metadata })` copies its input; the append
 *   paths JSON.stringify `data` and `metadata` themselves.
 * - streams/appendToStream/multiStreamAppend.js: refuses metadata that is not a plain object of
 *   string values, and sends it as record properties. So the metadata written here is always a
 *   flat object of strings, for single and multi-stream appends alike, and reads back the same way.
 * - utils/convertRustEvent.js: read events carry `data` JSON-parsed when `isJson` (the raw string
 *   when the JSON is malformed), `metadata` JSON-parsed (the raw bytes when malformed), `revision`
 *   and `position` as bigints (`position` only from servers after 22.6).
 * - utils/CommandError.js: the error classes, `WrongExpectedVersionError` with `streamName`,
 *   `expectedState` and `actualState` ('no_stream' or a bigint), `convertToCommandError`.
 */
import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  jsonEvent,
  type AppendStreamState,
  type CurrentStreamState,
  type EventData,
  type JSONType,
  type Position,
  type ReadRevision,
} from '@kurrent/kurrentdb-client';
import type { PreparedEvent } from '../append-validation.js';
import { DuplicateEventIdError, EventDecodingError, InvalidAppendError } from '../event-store.errors.js';
import type { EventMetadata, ExpectedState, LogPosition, RecordedEvent } from '../event-store.port.js';
import { comparePositions } from '../log-position.js';

/**
 * The key of the KurrentDB event metadata that carries the port's schemaVersion (as a decimal
 * string: multi-stream appends accept string values only). Everything else in the KurrentDB
 * metadata is the port's EventMetadata, one key per field.
 */
export const SCHEMA_VERSION_KEY = 'schemaVersion';

/** The EventMetadata fields that may be null: written by leaving the key out. */
const NULLABLE_METADATA_KEYS = ['causationId', 'commandId'] as const;
/** The EventMetadata fields that must be strings. */
const REQUIRED_METADATA_KEYS = ['actor', 'correlationId', 'recordedAt'] as const;

/** What the adapter needs of a recorded event; the client's RecordedEvent union fits it. */
export interface ClientRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position | undefined;
}

// ---------------------------------------------------------------------------------------------
// Expected state

export function toStreamState(expected: ExpectedState): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
}

/** The inverse of toStreamState, for errors that name a state we did not send (should not happen). */
export function fromStreamState(state: AppendStreamState): ExpectedState {
  switch (state) {
    case NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
      return 'exists';
    case ANY:
      return 'any';
    default:
      return Number(state);
  }
}

/** The stream's last revision as the port's ConcurrencyError wants it: null when it does not exist. */
export function toActualRevision(actual: CurrentStreamState | undefined): number | null {
  if (actual === undefined || actual === NO_STREAM) return null;
  // Raw gRPC metadata can say -1 (no stream); deleted and tombstoned streams report -5 and -6.
  return actual < 0n ? null : Number(actual);
}

// ---------------------------------------------------------------------------------------------
// Positions and revisions

export function toLogPosition(position: Position): LogPosition {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

export function toClientPosition(position: LogPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * A multi-stream append (KurrentDB 25.1+) answers with a single `position: bigint`: the log
 * position of the append as a whole, not a (commit, prepare) pair of one event. Events read back
 * through readAll/readStream carry their own (commit, prepare), which need not equal it. It is
 * therefore only a fallback: the adapter reads back the last event of every stream and reports
 * those exact positions.
 */
export function multiAppendPosition(position: bigint): LogPosition {
  return { commit: position, prepare: position };
}

/** `position` is strictly after `after` (always true when there is no `after`). */
export function isAfter(position: LogPosition, after: LogPosition | null | undefined): boolean {
  return after == null || comparePositions(position, after) > 0;
}

export function laterOf(a: LogPosition | null, b: LogPosition | null): LogPosition | null {
  if (a === null) return b;
  if (b === null) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}

/** Where a forwards stream read starts: the client wants START or a bigint revision. */
export function toReadRevision(fromRevision: number | undefined): ReadRevision {
  if (fromRevision === undefined) return START;
  if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
    throw new RangeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
  }
  return BigInt(fromRevision);
}

// ---------------------------------------------------------------------------------------------
// Writing events

/**
 * The KurrentDB metadata of an event: the port's metadata, one string per key (null fields left
 * out), plus the schema version. Refuses what would not read back unchanged.
 */
export function toKurrentMetadata(
  metadata: EventMetadata,
  schemaVersion: number,
  stream: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of REQUIRED_METADATA_KEYS) {
    // Checked here rather than on read, where a missing field would make the event unreadable.
    if (typeof (metadata as unknown as Record<string, unknown>)[key] !== 'string') {
      throw new InvalidAppendError('INVALID_EVENT', `metadata.${key} must be a string (stream ${stream})`);
    }
  }
  for (const [key, value] of Object.entries(metadata) as Array<[string, unknown]>) {
    if (key === SCHEMA_VERSION_KEY || key.startsWith('$')) {
      throw new InvalidAppendError(
        'INVALID_EVENT',
        `metadata.${key} is reserved by the KurrentDB adapter (stream ${stream})`,
      );
    }
    if (value === null && (NULLABLE_METADATA_KEYS as readonly string[]).includes(key)) continue;
    if (typeof value !== 'string') {
      throw new InvalidAppendError(
        'INVALID_EVENT',
        `metadata.${key} must be a string for KurrentDB (stream ${stream}), got ${value === null ? 'null' : typeof value}`,
      );
    }
    out[key] = value;
  }
  out[SCHEMA_VERSION_KEY] = String(schemaVersion);
  return out;
}

/** One prepared event as the client's EventData, with exactly the JSON that was validated. */
export function toEventData(event: PreparedEvent, stream: string): EventData {
  const metadata = toKurrentMetadata(JSON.parse(event.metadataJson) as EventMetadata, event.schemaVersion, stream);
  // The client JSON.stringifies `data` again; parse → stringify of JSON.stringify output is the
  // identity, so the bytes stored are event.dataJson. Any JSON value is sent, not only the
  // objects/arrays/strings the client's JSONType names.
  return jsonEvent({ id: event.eventId, type: event.type, data: JSON.parse(event.dataJson) as JSONType, metadata });
}

// ---------------------------------------------------------------------------------------------
// Reading events

export function isSystemEvent(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$');
}

type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string; readonly cause?: unknown };

function decodeData(recorded: ClientRecordedEvent): Decoded<unknown> {
  if (recorded.isJson) {
    if (recorded.data instanceof Uint8Array) return { ok: false, reason: 'data arrived as bytes' };
    return { ok: true, value: recorded.data };
  }
  // Not flagged as JSON: accept it still if the bytes are JSON (e.g. written by another client).
  if (!(recorded.data instanceof Uint8Array)) return { ok: false, reason: 'data is neither JSON nor bytes' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(recorded.data).toString('utf8')) };
  } catch (cause) {
    return { ok: false, reason: 'data is not JSON', cause };
  }
}

function decodeMetadata(raw: unknown): Decoded<{ metadata: EventMetadata; schemaVersion: number }> {
  if (raw === undefined || raw === null) return { ok: false, reason: 'the event has no metadata' };
  if (raw instanceof Uint8Array) return { ok: false, reason: 'metadata is not JSON' };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'metadata is not a JSON object' };
  const source = raw as Record<string, unknown>;

  const versionValue = source[SCHEMA_VERSION_KEY];
  const schemaVersion =
    typeof versionValue === 'number'
      ? versionValue
      : typeof versionValue === 'string' && /^\d{1,15}$/.test(versionValue)
        ? Number(versionValue)
        : NaN;
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    return { ok: false, reason: `metadata.${SCHEMA_VERSION_KEY} is missing or not a positive integer` };
  }

  const fields: Record<string, unknown> = {};
  for (const key of REQUIRED_METADATA_KEYS) {
    const value = source[key];
    if (typeof value !== 'string') return { ok: false, reason: `metadata.${key} is missing or not a string` };
    fields[key] = value;
  }
  for (const key of NULLABLE_METADATA_KEYS) {
    const value = source[key] ?? null;
    if (value !== null && typeof value !== 'string') return { ok: false, reason: `metadata.${key} is not a string` };
    fields[key] = value;
  }
  // Other keys go through, except ours and the server's own ('$schema.name', '$correlationId'…).
  for (const [key, value] of Object.entries(source)) {
    if (key === SCHEMA_VERSION_KEY || key.startsWith('$') || key in fields) continue;
    fields[key] = value;
  }
  return { ok: true, value: { metadata: fields as unknown as EventMetadata, schemaVersion } };
}

/** The event's global position; EventDecodingError when the server sent none (before 22.6). */
export function recordedPosition(recorded: ClientRecordedEvent): LogPosition {
  if (recorded.position === undefined) {
    throw new EventDecodingError(
      recorded.streamId,
      null,
      Number(recorded.revision),
      'the server sent no global position (KurrentDB before 22.6?)',
    );
  }
  return toLogPosition(recorded.position);
}

/**
 * A recorded event as the port's RecordedEvent. Throws EventDecodingError when it cannot be one:
 * no global position, data or metadata that is not JSON, a missing metadata field.
 */
export function toRecordedEvent(recorded: ClientRecordedEvent): RecordedEvent {
  const stream = recorded.streamId;
  const revision = Number(recorded.revision);
  const position = recordedPosition(recorded);
  const fail = (reason: string, cause?: unknown) =>
    new EventDecodingError(stream, position, revision, reason, cause === undefined ? undefined : { cause });
  const data = decodeData(recorded);
  if (!data.ok) throw fail(data.reason, data.cause);
  const metadata = decodeMetadata(recorded.metadata);
  if (!metadata.ok) throw fail(metadata.reason, metadata.cause);
  return {
    eventId: recorded.id.toLowerCase(),
    type: recorded.type,
    schemaVersion: metadata.value.schemaVersion,
    data: data.value,
    metadata: metadata.value.metadata,
    stream,
    revision,
    position,
  };
}

// ---------------------------------------------------------------------------------------------
// Idempotency

/** The stored event is the one we meant to write: same type, schema version and data. */
export function sameEvent(recorded: ClientRecordedEvent, event: PreparedEvent): boolean {
  if (recorded.type !== event.type) return false;
  const data = decodeData(recorded);
  if (!data.ok || JSON.stringify(data.value) !== event.dataJson) return false;
  const metadata = decodeMetadata(recorded.metadata);
  return metadata.ok && metadata.value.schemaVersion === event.schemaVersion;
}

/**
 * Checks the events read back at the revisions an append reported (oldest first) against the
 * events it was asked to write. KurrentDB treats an append whose ids are already at those
 * revisions as an idempotent retry and writes nothing, whatever their content: if the content
 * differs, the port's answer is DuplicateEventIdError. Ids that are not ours means the append
 * cannot be confirmed at all (the stream changed under us: truncated, deleted) — a plain Error.
 */
export function verifyAppended(
  stream: string,
  events: readonly PreparedEvent[],
  readBack: readonly ClientRecordedEvent[],
): void {
  const ids = readBack.map((recorded) => recorded.id.toLowerCase());
  if (ids.length !== events.length || events.some((event, i) => ids[i] !== event.eventId)) {
    throw new Error(
      `KurrentDB reported an append to ${stream} but the stream does not hold its events there ` +
        `(expected ${events.map((e) => e.eventId).join(', ')}; found ${ids.join(', ') || 'nothing'})`,
    );
  }
  events.forEach((event, i) => {
    if (!sameEvent(readBack[i]!, event)) throw new DuplicateEventIdError(event.eventId, stream);
  });
}
