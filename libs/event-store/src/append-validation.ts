import { InvalidAppendError } from './event-store.errors.js';
import type { AppendRequest, ExpectedState, NewEvent } from './event-store.port.js';

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** `<category>-<id>`: a category of letters, digits and '_', then an id (UUID or slug). */
const STREAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}-[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;

/** An event checked and serialized, ready for an adapter to write. */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly metadataJson: string;
}

export interface PreparedAppend {
  readonly stream: string;
  readonly expected: AppendRequest['expected'];
  readonly events: readonly PreparedEvent[];
}

export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

export function assertStreamName(stream: string): void {
  if (typeof stream !== 'string' || !STREAM_NAME.test(stream)) {
    throw new InvalidAppendError(
      'INVALID_STREAM_NAME',
      `Invalid stream name ${JSON.stringify(stream)}: expected <category>-<id> of letters, digits, '_', '.', ':' or '-'`,
    );
  }
}

/** Refuses bad input before anything is written; returns the events serialized once. */
export function prepareAppends(requests: readonly AppendRequest[], maxEventBytes: number): PreparedAppend[] {
  if (requests.length === 0) throw new InvalidAppendError('EMPTY_APPEND', 'Nothing to append: no streams given');
  /** The streams named so far, by their name in lower case. */
  const streams = new Map<string, string>();
  const ids = new Set<string>();
  return requests.map((request) => {
    assertStreamName(request.stream);
    const earlier = streams.get(request.stream.toLowerCase());
    if (earlier !== undefined) throw duplicateStream(earlier, request.stream);
    streams.set(request.stream.toLowerCase(), request.stream);
    assertExpected(request);
    if (!Array.isArray(request.events) || request.events.length === 0) {
      throw new InvalidAppendError('EMPTY_APPEND', `Nothing to append to ${request.stream}: no events`);
    }
    const events = request.events.map((event) => prepareEvent(event, request.stream, maxEventBytes));
    for (const { eventId } of events) {
      if (ids.has(eventId))
        throw new InvalidAppendError('INVALID_EVENT', `Event id ${eventId} appears twice in one append`);
      ids.add(eventId);
    }
    return { stream: request.stream, expected: request.expected, events };
  });
}

/**
 * One append names each stream once, and names that differ only in case count as the same stream:
 * KurrentDB's append session compares them ignoring case and aborts the second one, which its
 * client reports as a timeout. Refused here, every adapter gives the same answer. (Stream names
 * are ASCII, so toLowerCase compares exactly as the server's ordinal ignore-case does.)
 */
function duplicateStream(earlier: string, stream: string): InvalidAppendError {
  if (earlier === stream)
    return new InvalidAppendError('DUPLICATE_STREAM', `Stream ${stream} appears twice in one append`);
  return new InvalidAppendError(
    'DUPLICATE_STREAM',
    `Streams ${earlier} and ${stream} differ only in case: one append cannot name both (KurrentDB takes them for one stream)`,
  );
}

function assertExpected({ stream, expected }: AppendRequest): void {
  const ok =
    expected === 'no_stream' ||
    expected === 'exists' ||
    expected === 'any' ||
    (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0);
  if (!ok) throw new InvalidAppendError('INVALID_EVENT', `Invalid expected state ${String(expected)} for ${stream}`);
}

function prepareEvent(event: NewEvent, stream: string, maxEventBytes: number): PreparedEvent {
  if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) {
    throw new InvalidAppendError('INVALID_EVENT', `Event id ${String(event.eventId)} is not a UUID (stream ${stream})`);
  }
  if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
    throw new InvalidAppendError(
      'INVALID_EVENT',
      `Invalid event type ${JSON.stringify(event.type)} (stream ${stream})`,
    );
  }
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
    throw new InvalidAppendError('INVALID_EVENT', `Schema version of ${event.type} must be a positive integer`);
  }
  const problem = jsonProblem(event.data, 'data') ?? jsonProblem(event.metadata, 'metadata');
  if (problem) throw new InvalidAppendError('INVALID_EVENT', `${event.type} for ${stream} is not JSON: ${problem}`);
  if (typeof event.metadata !== 'object' || event.metadata === null || Array.isArray(event.metadata)) {
    throw new InvalidAppendError('INVALID_EVENT', `${event.type} for ${stream} has no metadata object`);
  }
  const dataJson = JSON.stringify(event.data);
  const metadataJson = JSON.stringify(event.metadata);
  const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
  if (bytes > maxEventBytes) {
    throw new InvalidAppendError(
      'EVENT_TOO_LARGE',
      `${event.type} for ${stream} is ${bytes} bytes; the limit is ${maxEventBytes}`,
    );
  }
  return {
    eventId: event.eventId.toLowerCase(),
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson,
    metadataJson,
  };
}

/**
 * Why a value would not survive a JSON round trip unchanged, or null. Refuses what
 * JSON.stringify drops or mangles silently: undefined, functions, symbols, bigints, NaN and
 * Infinity, class instances such as Date, and cycles.
 */
export function jsonProblem(value: unknown, path: string, seen = new Set<unknown>()): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is ${String(value)}`;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) return `${path} is circular`;
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        return `${path} is a ${proto?.constructor?.name ?? 'non-plain'} object`;
      }
      seen.add(value);
      for (const [key, inner] of Object.entries(value)) {
        const problem = jsonProblem(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, seen);
        if (problem) return problem;
      }
      seen.delete(value);
      return null;
    }
    default:
      return `${path} is ${typeof value}`;
  }
}

/** Whether a stream at `current` (null: absent) is in the state an append expects. */
export function satisfiesExpected(expected: ExpectedState, current: number | null): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === null;
    case 'exists':
      return current !== null;
    default:
      return current === expected;
  }
}
