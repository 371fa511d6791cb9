import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../event-store.errors.js';
import type { EventStore, LogPosition, RecordedEvent } from '../event-store.port.js';
import { formatPosition, parsePosition } from '../log-position.js';
import type { AnchorWitness } from './anchor-witness.js';
import {
  ANCHOR_EVENT,
  ANCHOR_GENESIS,
  ANCHOR_SCHEMA_VERSION,
  ANCHOR_STREAM,
  AnchorKeys,
  OrderDigest,
  anchorDigest,
  anchorShapeProblem,
  headsDigest,
  type AnchorData,
  type AnchorSigner,
  type StreamHead,
} from './anchors.js';
import { STREAM_GENESIS, storedStreamLink, streamLinkOf } from './stream-link.js';

export interface AnchorerOptions {
  /** Signs each anchor; without one anchors are written unsigned (and verification says so). */
  readonly signer: AnchorSigner | null;
  readonly now: () => Date;
  /** Keeps a copy of every anchor outside the database; null: none (development and tests only). */
  readonly witness?: AnchorWitness | null;
  /** At most this many events per anchor, so that one anchor never holds the log for long. */
  readonly maxEvents?: number;
  readonly pageSize?: number;
}

interface LastAnchor {
  readonly revision: number;
  readonly position: LogPosition;
  readonly data: AnchorData;
}

/**
 * Writes anchors: reads the log after the last anchor, sums up every stream it wrote as its head,
 * and appends a signed LogAnchored to `audit-anchors` at the next revision, signing the previous
 * anchor's digest too; then hands it to the witness. Anchorers racing on one store are safe: the
 * expected revision lets one of them through, the other reads again, and only the anchor the log
 * took is witnessed. An anchor written but not yet witnessed (the process stopped in between) is
 * witnessed before the next one is written, so at most the last anchor of a log lacks a witness.
 */
export class Anchorer {
  private last: LastAnchor | null | undefined;
  private readonly maxEvents: number;
  private readonly pageSize: number;

  constructor(
    /** The store as written, stream links included (not upcast): anchors commit to what is stored. */
    private readonly store: EventStore,
    private readonly options: AnchorerOptions,
  ) {
    this.maxEvents = options.maxEvents ?? 100_000;
    this.pageSize = options.pageSize ?? 1_000;
  }

  /** Appends the next anchor if events were written since the last one; returns it, or null when there was nothing to anchor. */
  async anchorOnce(): Promise<AnchorData | null> {
    for (let attempt = 1; ; attempt++) {
      const last = await this.lastAnchor();
      if (last) await this.witness(last);
      const range = await this.readRange(last ? parsePosition(last.data.upTo) : null);
      if (range.events === 0) return null;
      const unsigned = {
        sequence: (last?.data.sequence ?? 0) + 1,
        from: last?.data.upTo ?? null,
        upTo: formatPosition(range.upTo),
        events: range.events,
        streams: range.heads.size,
        headsDigest: headsDigest(range.heads),
        orderDigest: range.order,
        previousDigest: last ? anchorDigest(last.data) : ANCHOR_GENESIS,
      };
      const data: AnchorData = this.options.signer
        ? this.options.signer.sign(unsigned)
        : { ...unsigned, keyId: null, signature: null };
      try {
        const result = await this.store.append({
          stream: ANCHOR_STREAM,
          expected: last ? last.revision : 'no_stream',
          events: [
            {
              eventId: randomUUID(),
              type: ANCHOR_EVENT,
              schemaVersion: ANCHOR_SCHEMA_VERSION,
              data,
              metadata: {
                actor: 'system:anchorer',
                correlationId: randomUUID(),
                causationId: null,
                commandId: null,
                recordedAt: this.options.now().toISOString(),
              },
            },
          ],
        });
        this.last = { revision: result.revision, position: result.position, data };
        await this.witness(this.last);
        return data;
      } catch (error) {
        // Another anchorer wrote first: read its anchor and cover what remains.
        if (!(error instanceof ConcurrencyError) || attempt >= 3) throw error;
        this.last = undefined;
      }
    }
  }

  /**
   * Anchors everything written so far: anchorOnce again while an anchor stopped at maxEvents, so a
   * backlog (a first anchor over an old log, an anchorer that was down) is covered in one run.
   */
  async anchorUntilCaughtUp(): Promise<AnchorData[]> {
    const written: AnchorData[] = [];
    for (;;) {
      const anchor = await this.anchorOnce();
      if (anchor === null) return written;
      written.push(anchor);
      if (anchor.events < this.maxEvents) return written;
    }
  }

  private async lastAnchor(): Promise<LastAnchor | null> {
    if (this.last !== undefined) return this.last;
    const anchors = await this.store.readStream(ANCHOR_STREAM);
    const event = anchors[anchors.length - 1];
    if (event) {
      // Never build on an anchor this signer cannot vouch for: a forged last anchor would steer every later one.
      const problem =
        anchorShapeProblem(event.data) ??
        (this.options.signer
          ? new AnchorKeys([this.options.signer.publicKey]).problem(event.data as AnchorData)
          : null);
      if (problem)
        throw new Error(
          `The last anchor (${ANCHOR_STREAM}@${event.revision}) does not verify: ${problem}; no anchor is written until it is looked into`,
        );
    }
    this.last = event ? { revision: event.revision, position: event.position, data: event.data as AnchorData } : null;
    return this.last;
  }

  private async witness(anchor: LastAnchor): Promise<void> {
    await this.options.witness?.record({ position: formatPosition(anchor.position), anchor: anchor.data });
  }

  /** The heads of the streams written after `after` (anchors excluded), up to maxEvents events. */
  private async readRange(
    after: LogPosition | null,
  ): Promise<{ events: number; upTo: LogPosition; heads: Map<string, StreamHead>; order: string }> {
    const heads = new Map<string, StreamHead>();
    const order = new OrderDigest();
    let events = 0;
    let upTo: LogPosition | null = null;
    let cursor = after;
    while (events < this.maxEvents) {
      const limit = Math.min(this.pageSize, this.maxEvents - events);
      const page = await this.store.readAll({ after: cursor, limit });
      for (const event of page) {
        cursor = event.position;
        if (event.stream === ANCHOR_STREAM) continue;
        const link = await this.linkOf(event, heads.get(event.stream));
        heads.set(event.stream, { revision: event.revision, link });
        order.add(event.stream, event.revision, link);
        events += 1;
        upTo = event.position;
        if (events >= this.maxEvents) break;
      }
      // A full page may hold anchors only (skipped): only a short page is the end of the log.
      if (page.length < limit) break;
    }
    return { events, upTo: upTo ?? after ?? { commit: 0n, prepare: 0n }, heads, order: order.digest() };
  }

  /** The event's stored link; an event written before links has its stream's chain recomputed up to it. */
  private async linkOf(event: RecordedEvent, before: StreamHead | undefined): Promise<string> {
    const stored = storedStreamLink(event.metadata);
    if (stored) return stored;
    if (event.revision === 0) return streamLinkOf(STREAM_GENESIS, event);
    if (before?.revision === event.revision - 1) return streamLinkOf(before.link, event);
    let previous = STREAM_GENESIS;
    for (const e of await this.store.readStream(event.stream, { limit: event.revision + 1 })) {
      previous = storedStreamLink(e.metadata) ?? streamLinkOf(previous, e);
    }
    return previous;
  }
}
