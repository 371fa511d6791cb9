import { createHash } from 'node:crypto';
import type { EventMetadata } from '../event-store.port.js';

/** The metadata key that carries an event's link in its stream's hash chain. */
export const STREAM_LINK_KEY = 'streamLink';

/** The link before a stream's first event. */
export const STREAM_GENESIS = '0'.repeat(64);

/** What a stream link covers: the event as its writer knew it, before any adapter placed it in the log. */
export interface LinkedContent {
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/**
 * An event's link in its stream: SHA-256 over the previous link of the same stream and the event
 * (its stream, revision, id, type, version, data and metadata without the link itself), with JSON
 * keys sorted so that every adapter's round trip hashes the same bytes. Its global position is not
 * covered: the writer does not know it before the append (the anchors cover the log's order).
 */
export function streamLinkOf(previous: string, event: LinkedContent): string {
  return createHash('sha256')
    .update(previous)
    .update('\n')
    .update(
      JSON.stringify([event.stream, event.revision, event.eventId.toLowerCase(), event.type, event.schemaVersion]),
    )
    .update('\n')
    .update(canonicalJson(event.data))
    .update('\n')
    .update(canonicalJson(withoutLink(event.metadata)))
    .digest('hex');
}

/** The link an event carries, if it was written with one. */
export function storedStreamLink(metadata: EventMetadata): string | null {
  const value = (metadata as unknown as Record<string, unknown>)[STREAM_LINK_KEY];
  return typeof value === 'string' ? value : null;
}

export function withoutLink(metadata: EventMetadata): Record<string, unknown> {
  const { [STREAM_LINK_KEY]: _link, ...rest } = metadata as unknown as Record<string, unknown>;
  return rest;
}

/** JSON with object keys sorted: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  // As JSON.stringify writes them in arrays (a property holding undefined is left out above).
  return JSON.stringify(value) ?? 'null';
}
