/**
 * Events as the KurrentDB adapter's unit specs write and read them: port events, their validated
 * form, and what @kurrent/kurrentdb-client 1.3.1 hands back when reading one it wrote.
 */
import type { AllStreamRecordedEvent, EventData, Position } from '@kurrent/kurrentdb-client';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppends, type PreparedEvent } from '../src/append-validation.js';
import type { EventMetadata, NewEvent } from '../src/event-store.port.js';

export const METADATA: EventMetadata = {
  actor: 'api-key:ops',
  correlationId: '5e0a7d0e-8d0b-4c1e-9a43-0c7d1b0f6a01',
  causationId: null,
  commandId: 'c0ffee00-0000-4000-8000-000000000001',
  recordedAt: '2026-03-01T10:00:00.000Z',
};

let idCounter = 0;
/** A fresh event id: unique within a spec file. */
export function uuid(): string {
  idCounter += 1;
  return `00000000-0000-4000-8000-${idCounter.toString(16).padStart(12, '0')}`;
}

export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: uuid(),
    type: 'BidSubmitted',
    schemaVersion: 2,
    data: { bidId: 'b1', amount: { cents: 125_000, currency: 'EUR' }, tags: ['x', 'y'] },
    metadata: METADATA,
    ...overrides,
  };
}

export function prepared(event: NewEvent, stream = 'bid-1'): PreparedEvent {
  return prepareAppends([{ stream, expected: 'any', events: [event] }], DEFAULT_MAX_EVENT_BYTES)[0]!.events[0]!;
}

/**
 * What the client hands back when reading an event it wrote from `data`: data and metadata are
 * JSON.stringified on append and JSON.parsed on read (utils/convertRustEvent.js).
 */
export function storedAs(
  data: EventData,
  stream: string,
  revision: number,
  position: Position,
): AllStreamRecordedEvent {
  return {
    streamId: stream,
    id: data.id,
    type: data.type,
    revision: BigInt(revision),
    isJson: true,
    created: new Date(0),
    data: JSON.parse(JSON.stringify(data.data)),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
    position,
  };
}

export const at = (commit: bigint, prepare = commit): Position => ({ commit, prepare });

/**
 * The raw gRPC error a KurrentDB server sends when its handler throws: status UNKNOWN, "Exception
 * was thrown by handler." The client turns it into an UnknownError (utils/CommandError.js).
 */
export function serverHandlerFailure(): Error {
  return Object.assign(new Error('2 UNKNOWN: Exception was thrown by handler.'), {
    code: 2,
    details: 'Exception was thrown by handler.',
  });
}
