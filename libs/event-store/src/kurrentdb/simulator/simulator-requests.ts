/**
 * What a client sends for an append, as the node receives it: the client's stream states as the
 * server's expected versions, and its events as batchAppend and the append session carry them.
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendStreamRequest,
  type AppendStreamState,
  type EventData,
} from '@kurrent/kurrentdb-client';
import * as records from './simulator-records.js';

/** The client's stream states as the server's expected versions (ExpectedVersion.cs). */
export function expectedVersionOf(state: AppendStreamState): bigint {
  switch (state) {
    case ANY:
      return records.ANY;
    case NO_STREAM:
      return records.NO_STREAM;
    case STREAM_EXISTS:
      return records.STREAM_EXISTS;
    default:
      return state;
  }
}

/** An event as batchAppend sends it: JSON data and metadata stringified by the client, bytes as they are. */
export function proposedEvent(event: EventData): records.ProposedEvent {
  const isJson = event.contentType === 'application/json';
  const data = isJson ? Buffer.from(JSON.stringify(event.data), 'utf8') : (event.data as Uint8Array);
  const metadata =
    event.metadata == null
      ? new Uint8Array()
      : event.metadata instanceof Uint8Array
        ? event.metadata
        : Buffer.from(JSON.stringify(event.metadata), 'utf8');
  return { eventId: event.id, type: event.type, isJson, data, metadata };
}

/**
 * An event as the append session stores it: the metadata as record properties, read back as JSON
 * with the schema's name and format added (Mapping.MapToEvent; EventRecord.SynthesizeMetadataFromProperties).
 */
export function recordEvent(event: EventData): records.ProposedEvent {
  const proposed = proposedEvent({ ...event, metadata: undefined } as EventData);
  const properties: Record<string, string> = { ...((event.metadata ?? {}) as Record<string, string>) };
  if (!proposed.isJson) properties['$schema.format'] = 'Bytes';
  properties['$schema.name'] = event.type;
  if (proposed.isJson) properties['$schema.format'] = 'Json';
  return { ...proposed, metadata: Buffer.from(JSON.stringify(properties), 'utf8') };
}

export function appendSize(events: readonly records.ProposedEvent[]): number {
  return events.reduce((size, event) => size + event.data.length + event.metadata.length, 0);
}

/** The client's own check of multiStreamAppend's metadata, before anything is sent (multiStreamAppend.js). */
export function assertPlainMetadata(requests: readonly AppendStreamRequest[]): void {
  for (const request of requests) {
    for (const { metadata } of request.events) {
      if (metadata == null) continue;
      if (
        metadata instanceof Uint8Array ||
        typeof metadata !== 'object' ||
        Array.isArray(metadata) ||
        Object.values(metadata).some((value) => typeof value !== 'string')
      ) {
        throw new Error('multiStreamAppend requires metadata to be a plain object with string keys and string values.');
      }
    }
  }
}
