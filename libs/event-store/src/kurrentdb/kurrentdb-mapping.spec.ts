/**
 * The KurrentDB adapter's pure mappings (kurrentdb-mapping.ts), without a server: expected states,
 * positions and revisions, events as written and as read back, and the check that an append's
 * events are the ones asked for.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AllStreamRecordedEvent,
  type Position,
} from '@kurrent/kurrentdb-client';
import { METADATA, at, newEvent, prepared, storedAs, uuid } from '../../test-support/kurrentdb-events.js';
import type { PreparedEvent } from '../append-validation.js';
import { DuplicateEventIdError, EventDecodingError, InvalidAppendError } from '../event-store.errors.js';
import type { EventMetadata } from '../event-store.port.js';
import {
  SCHEMA_VERSION_KEY,
  fromStreamState,
  isAfter,
  laterOf,
  multiAppendPosition,
  toActualRevision,
  toEventData,
  toKurrentMetadata,
  toLogPosition,
  toReadRevision,
  toRecordedEvent,
  toStreamState,
  verifyAppended,
} from './kurrentdb-mapping.js';

describe('expected state', () => {
  it('maps each port state to the client stream state and back', () => {
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('exists')).toBe(STREAM_EXISTS);
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
    for (const state of ['no_stream', 'exists', 'any', 0, 41] as const) {
      expect(fromStreamState(toStreamState(state))).toBe(state);
    }
  });

  it('reads the actual revision of a conflict, null for an absent, deleted or tombstoned stream', () => {
    expect(toActualRevision(7n)).toBe(7);
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision('no_stream')).toBeNull();
    expect(toActualRevision(-1n)).toBeNull();
    expect(toActualRevision(-6n)).toBeNull();
    expect(toActualRevision(undefined)).toBeNull();
  });
});

describe('positions and revisions', () => {
  it('copies commit and prepare', () => {
    expect(toLogPosition({ commit: 500n, prepare: 420n })).toEqual({ commit: 500n, prepare: 420n });
  });

  it('turns the single position of a multi-stream append into commit = prepare', () => {
    expect(multiAppendPosition(9_000_000_123n)).toEqual({ commit: 9_000_000_123n, prepare: 9_000_000_123n });
  });

  it('compares exclusively, by commit then prepare', () => {
    const p = { commit: 100n, prepare: 90n };
    expect(isAfter(p, null)).toBe(true);
    expect(isAfter(p, undefined)).toBe(true);
    expect(isAfter(p, { commit: 100n, prepare: 90n })).toBe(false);
    expect(isAfter(p, { commit: 100n, prepare: 80n })).toBe(true);
    expect(isAfter(p, { commit: 101n, prepare: 0n })).toBe(false);
    expect(laterOf(p, { commit: 100n, prepare: 95n })).toEqual({ commit: 100n, prepare: 95n });
    expect(laterOf(null, p)).toBe(p);
  });

  it('starts stream reads at START, or at the revision', () => {
    expect(toReadRevision(undefined)).toBe(START);
    expect(toReadRevision(12)).toBe(12n);
    expect(() => toReadRevision(-1)).toThrow(RangeError);
    expect(() => toReadRevision(1.5)).toThrow(RangeError);
  });
});

describe('writing events', () => {
  it('stores the port metadata as strings, null fields left out, with the schema version', () => {
    const metadata = toKurrentMetadata(METADATA, 3, 'bid-1');
    expect(metadata).toEqual({
      actor: METADATA.actor,
      correlationId: METADATA.correlationId,
      commandId: METADATA.commandId,
      recordedAt: METADATA.recordedAt,
      [SCHEMA_VERSION_KEY]: '3',
    });
    // multiStreamAppend refuses any metadata value that is not a string.
    expect(Object.values(metadata).every((value) => typeof value === 'string')).toBe(true);
  });

  it('refuses metadata that would not read back unchanged', () => {
    const withNumber = { ...METADATA, retries: 2 } as unknown as EventMetadata;
    expect(() => toKurrentMetadata(withNumber, 1, 'bid-1')).toThrow(InvalidAppendError);
    const reserved = { ...METADATA, [SCHEMA_VERSION_KEY]: '9' } as unknown as EventMetadata;
    expect(() => toKurrentMetadata(reserved, 1, 'bid-1')).toThrow(InvalidAppendError);
    const nullActor = { ...METADATA, actor: null } as unknown as EventMetadata;
    expect(() => toKurrentMetadata(nullActor, 1, 'bid-1')).toThrow(/metadata.actor must be a string/);
    const { recordedAt: _recordedAt, ...withoutRecordedAt } = METADATA;
    expect(() => toKurrentMetadata(withoutRecordedAt as EventMetadata, 1, 'bid-1')).toThrow(/metadata.recordedAt/);
    const { causationId: _causationId, ...withoutCausation } = METADATA;
    expect(toKurrentMetadata(withoutCausation as EventMetadata, 1, 'bid-1')).not.toHaveProperty('causationId');
  });

  it('builds a JSON event with the lower-cased id, the type and exactly the validated JSON', () => {
    const event = newEvent({ eventId: uuid().toUpperCase() });
    const prep = prepared(event);
    const data = toEventData(prep, 'bid-1');
    expect(data.id).toBe(event.eventId.toLowerCase());
    expect(data.type).toBe('BidSubmitted');
    expect(data.contentType).toBe('application/json');
    expect(JSON.stringify(data.data)).toBe(prep.dataJson);
    expect(data.metadata).toEqual(toKurrentMetadata(METADATA, 2, 'bid-1'));
  });

  it('sends any JSON value as data, not only objects', () => {
    const data = toEventData(prepared(newEvent({ data: null })), 'bid-1');
    expect(JSON.stringify(data.data)).toBe('null');
  });
});

describe('reading events', () => {
  it('round-trips a written event into the port RecordedEvent', () => {
    const event = newEvent();
    const stored = storedAs(toEventData(prepared(event), 'bid-1'), 'bid-1', 4, at(2_000n, 1_900n));
    const recorded = toRecordedEvent(stored);
    expect(recorded).toEqual({
      eventId: event.eventId,
      type: 'BidSubmitted',
      schemaVersion: 2,
      data: event.data,
      metadata: METADATA,
      stream: 'bid-1',
      revision: 4,
      position: { commit: 2_000n, prepare: 1_900n },
    });
  });

  it('ignores keys the server adds to the metadata and accepts a numeric schema version', () => {
    const stored = storedAs(toEventData(prepared(newEvent()), 'bid-1'), 'bid-1', 0, at(10n));
    const metadata = {
      ...(stored.metadata as Record<string, string>),
      '$schema.name': 'BidSubmitted',
      [SCHEMA_VERSION_KEY]: 5,
    };
    const recorded = toRecordedEvent({ ...stored, metadata });
    expect(recorded.schemaVersion).toBe(5);
    expect(recorded.metadata).toEqual(METADATA);
  });

  it('accepts JSON stored without the JSON flag', () => {
    const stored = storedAs(toEventData(prepared(newEvent()), 'bid-1'), 'bid-1', 0, at(10n));
    const bytes = new TextEncoder().encode(JSON.stringify({ bidId: 'b9' }));
    expect(toRecordedEvent({ ...stored, isJson: false, data: bytes }).data).toEqual({ bidId: 'b9' });
  });

  it('fails with EventDecodingError naming the event when it cannot be read', () => {
    const stored = storedAs(toEventData(prepared(newEvent()), 'bid-7'), 'bid-7', 3, at(77n, 70n));
    const failure = (change: Partial<AllStreamRecordedEvent>): EventDecodingError => {
      try {
        toRecordedEvent({ ...stored, ...change } as AllStreamRecordedEvent);
      } catch (error) {
        expect(error).toBeInstanceOf(EventDecodingError);
        return error as EventDecodingError;
      }
      throw new Error('expected an EventDecodingError');
    };
    const noPosition = failure({ position: undefined as unknown as Position });
    expect(noPosition).toMatchObject({ stream: 'bid-7', revision: 3, position: null });

    const badMetadata = failure({ metadata: new TextEncoder().encode('{not json') });
    expect(badMetadata).toMatchObject({ stream: 'bid-7', revision: 3, position: { commit: 77n, prepare: 70n } });
    expect(badMetadata.message).toMatch(/metadata is not JSON/);

    const { actor: _actor, ...withoutActor } = stored.metadata as Record<string, string>;
    expect(failure({ metadata: withoutActor }).message).toMatch(/metadata.actor/);
    const meta = stored.metadata as Record<string, string>;
    expect(failure({ metadata: { ...meta, [SCHEMA_VERSION_KEY]: '0' } }).message).toMatch(/schemaVersion/);
    expect(failure({ metadata: { ...meta, [SCHEMA_VERSION_KEY]: 'two' } }).message).toMatch(/schemaVersion/);
    expect(failure({ metadata: undefined }).message).toMatch(/no metadata/);
    expect(failure({ isJson: false, data: new TextEncoder().encode('<xml/>') } as never).message).toMatch(
      /data is not JSON/,
    );
  });
});

describe('idempotency check after an append', () => {
  const stream = 'bid-1';
  const events = [prepared(newEvent()), prepared(newEvent({ type: 'BidWithdrawn', data: { reason: 'late' } }))];
  const readBack = (sent: readonly PreparedEvent[]) =>
    sent.map((event, i) => storedAs(toEventData(event, stream), stream, 5 + i, at(BigInt(100 + i))));

  it('accepts the events it asked for', () => {
    expect(() => verifyAppended(stream, events, readBack(events))).not.toThrow();
  });

  it('refuses a different event that reuses an id with DuplicateEventIdError', () => {
    const differentData = { ...events[1]!, dataJson: JSON.stringify({ reason: 'early' }) };
    const stored = readBack(events);
    expect(() => verifyAppended(stream, [events[0]!, differentData], stored)).toThrow(DuplicateEventIdError);
    try {
      verifyAppended(stream, [events[0]!, differentData], stored);
    } catch (error) {
      expect(error).toMatchObject({ eventId: events[1]!.eventId, stream, code: 'DUPLICATE_EVENT_ID' });
    }
    const differentType = { ...events[0]!, type: 'BidAmended' };
    expect(() => verifyAppended(stream, [differentType, events[1]!], stored)).toThrow(DuplicateEventIdError);
    const differentVersion = { ...events[0]!, schemaVersion: 3 };
    expect(() => verifyAppended(stream, [differentVersion, events[1]!], stored)).toThrow(DuplicateEventIdError);
  });

  it('does not confirm an append whose events are not where the server said', () => {
    const other = [prepared(newEvent()), prepared(newEvent())];
    const run = () => verifyAppended(stream, events, readBack(other));
    expect(run).toThrow(/does not hold its events/);
    expect(run).not.toThrow(DuplicateEventIdError);
    expect(() => verifyAppended(stream, events, [])).toThrow(/found nothing/);
  });
});
