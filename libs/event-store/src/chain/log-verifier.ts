import type { ChainVerification, EventStore, LogPosition, RecordedEvent } from '../event-store.port.js';
import { isTamperEvident } from '../event-store.port.js';
import { EventStoreError } from '../event-store.errors.js';
import { comparePositions, formatPosition, parsePosition } from '../log-position.js';
import type { AnchorWitness, WitnessedAnchor } from './anchor-witness.js';
import {
  ANCHOR_GENESIS,
  ANCHOR_STREAM,
  OrderDigest,
  anchorDigest,
  anchorShapeProblem,
  headsDigest,
  type AnchorData,
  type AnchorKeys,
  type StreamHead,
} from './anchors.js';
import { STREAM_GENESIS, storedStreamLink, streamLinkOf } from './stream-link.js';

/** Where the log stops matching its chains: at most this many of each kind are listed. */
const MAX_LISTED = 100;

export interface StreamBreak {
  readonly stream: string;
  readonly revision: number | null;
  readonly position: string | null;
  readonly reason: string;
}

export interface AnchorBreak {
  readonly sequence: number | null;
  readonly position: string;
  readonly reason: string;
}

export interface LogVerification {
  readonly ok: boolean;
  /** Events read from the log. */
  readonly events: number;
  readonly streams: {
    readonly checked: number;
    /** Events written before stream links existed: their links are recomputed, not compared. */
    readonly unlinkedEvents: number;
    readonly broken: readonly StreamBreak[];
  };
  readonly anchors: {
    readonly checked: number;
    readonly signed: number;
    /** Anchors written before the chain of anchors (schema version 1): each signed, none signing the one before (docs/adr/0024). */
    readonly unchained: number;
    /** Key ids the signatures were checked against; empty when none was configured. */
    readonly keys: readonly string[];
    readonly broken: readonly AnchorBreak[];
    readonly last: {
      readonly sequence: number;
      readonly upTo: string;
      readonly position: string;
      readonly keyId: string | null;
      readonly headsDigest: string;
      /** Its anchorDigest: with the chain, it vouches for every anchor before it. */
      readonly digest: string;
    } | null;
    /** Events after the last anchor: a stream deleted or cut there is found only once an anchor covers it. */
    readonly unanchoredEvents: number;
    /** The witness the anchors were checked against; null when none was given. */
    readonly witness: {
      readonly location: string;
      /** Anchors it holds. */
      readonly anchors: number;
      /** Its newest anchor's sequence. */
      readonly newest: number | null;
    } | null;
  };
  /** The adapter's own log-wide chain, where it keeps one (the embedded store). */
  readonly log: ChainVerification | null;
}

export interface VerifyOptions {
  /** Public keys to check anchor signatures with; without any, signatures are reported unchecked and the result is not ok. */
  readonly keys: AnchorKeys | null;
  readonly pageSize?: number;
  /** Lets other work through between pages (a server verifying while it serves). */
  readonly yieldBetweenPages?: () => Promise<void>;
  /**
   * Events recorded longer ago than this must be covered by an anchor (an anchorer that writes every
   * interval is late by more than that only if anchors were removed or it stopped); null: not checked.
   */
  readonly anchorDueMs?: number | null;
  readonly now?: Date;
  /** An anchor the auditor kept (its digest, or its headsDigest): the log must still hold it, or it was cut or rewritten. */
  readonly keptAnchor?: { readonly sequence: number; readonly digest: string } | null;
  /**
   * The copy of every signed anchor kept outside the database: each must be in the log, unchanged
   * and where it was written, and the log must reach as far as the newest one covers.
   */
  readonly witness?: AnchorWitness | null;
  /** After each page: the events read so far and the position reached. */
  readonly onProgress?: (events: number, reached: LogPosition) => void;
}

interface Pending {
  readonly position: LogPosition;
  readonly stream: string;
  readonly revision: number;
  readonly link: string;
  readonly recordedAt: string;
}

/**
 * Verifies a log through the event-store port alone, so on every adapter: each stream's hash
 * chain (no event changed, none missing inside a stream), each anchor against the heads the log
 * holds for its range (no stream deleted or cut, none added) and against its signature (no history
 * rewritten with consistent links), then each stream read on its own against what the log showed
 * (a stream deleted or truncated by the server's own tools). Memory grows with the number of
 * streams and with the events since the last anchor.
 */
export async function verifyLog(store: EventStore, options: VerifyOptions): Promise<LogVerification> {
  const heads = new Map<string, { revision: number; link: string }>();
  const brokenStreams: StreamBreak[] = [];
  const brokenSet = new Set<string>();
  const brokenAnchors: AnchorBreak[] = [];
  let pending: Pending[] = [];
  let events = 0;
  let unlinked = 0;
  let anchorsChecked = 0;
  let signed = 0;
  let expectedSequence = 1;
  let expectedFrom: string | null = null;
  let last: LogVerification['anchors']['last'] = null;
  let keptFound: 'same' | 'different' | null = null;
  let linksBegan = false;
  let unchained = 0;
  /** The previous anchor in the log: its digest and position, what the next chained anchor must name. */
  let previousAnchor: { sequence: number; digest: string; position: string; chained: boolean } | null = null;
  let logEnd: LogPosition | null = null;
  const witnessed = new Map<number, WitnessedAnchor>();
  for (const w of (await options.witness?.read()) ?? []) witnessed.set(w.anchor.sequence, w);
  const witnessedInLog = new Set<number>();

  const breakStream = (b: StreamBreak) => {
    if (brokenSet.has(b.stream)) return;
    brokenSet.add(b.stream);
    if (brokenStreams.length < MAX_LISTED) brokenStreams.push(b);
  };
  const breakAnchor = (b: AnchorBreak) => {
    if (brokenAnchors.length < MAX_LISTED) brokenAnchors.push(b);
  };

  const checkAnchor = (event: RecordedEvent) => {
    anchorsChecked += 1;
    const at = formatPosition(event.position);
    const shape = anchorShapeProblem(event.data);
    if (shape)
      return breakAnchor({
        sequence: null,
        position: at,
        reason: `the anchor at ${ANCHOR_STREAM}@${event.revision} is malformed: ${shape}`,
      });
    const anchor = event.data as AnchorData;
    const fail = (reason: string) =>
      breakAnchor({ sequence: anchor.sequence, position: at, reason: `anchor ${anchor.sequence}: ${reason}` });
    if (anchor.sequence !== expectedSequence)
      fail(`expected anchor ${expectedSequence} here: anchors are missing or repeated`);
    if (anchor.from !== expectedFrom)
      fail(
        `it starts after ${anchor.from ?? 'the beginning'}, but the anchor before it ended at ${expectedFrom ?? 'the beginning'}`,
      );
    const digest = anchorDigest(anchor);
    const chained = anchor.previousDigest !== undefined;
    if (!chained) {
      unchained += 1;
      // Unchained anchors are a prefix of the log (written before the chain); one after a chained anchor cuts the chain.
      if (previousAnchor?.chained)
        fail(
          `it signs no previous digest, though anchor ${previousAnchor.sequence} before it (at position ${previousAnchor.position}) did: the chain of anchors is cut here`,
        );
    } else if (anchor.previousDigest !== (previousAnchor?.digest ?? ANCHOR_GENESIS)) {
      fail(
        previousAnchor
          ? `the previous digest it signed is not the digest of anchor ${previousAnchor.sequence} at position ${previousAnchor.position}: the chain of anchors is broken (an anchor before it was changed, re-signed or replaced)`
          : `the previous digest it signed is not the genesis, yet no anchor comes before it in the log: anchors before it were deleted`,
      );
    }
    const kept = witnessed.get(anchor.sequence);
    if (kept) {
      witnessedInLog.add(anchor.sequence);
      if (anchorDigest(kept.anchor) !== digest)
        fail(
          `it is not the anchor ${anchor.sequence} the witness holds (written at position ${kept.position}): it was re-signed or replaced`,
        );
      else if (kept.position !== at)
        fail(
          `the witness saw it written at position ${kept.position}, the log holds it at ${at}: positions were renumbered`,
        );
    }
    const upTo = parsePosition(anchor.upTo);
    if (!upTo) return fail(`upTo ${JSON.stringify(anchor.upTo)} is not a position`);
    let covered = 0;
    while (covered < pending.length && comparePositions(pending[covered]!.position, upTo) <= 0) covered += 1;
    const range = new Map<string, StreamHead>();
    const order = new OrderDigest();
    for (const p of pending.slice(0, covered)) {
      range.set(p.stream, { revision: p.revision, link: p.link });
      order.add(p.stream, p.revision, p.link);
    }
    pending = pending.slice(covered);
    if (anchor.sequence === options.keptAnchor?.sequence)
      keptFound = [anchor.headsDigest, digest].includes(options.keptAnchor.digest) ? 'same' : 'different';
    if (covered !== anchor.events || range.size !== anchor.streams) {
      fail(
        `it covers ${anchor.events} events in ${anchor.streams} streams up to ${anchor.upTo}, the log holds ${covered} in ${range.size}: events or streams were removed or added`,
      );
    } else if (headsDigest(range) !== anchor.headsDigest) {
      fail(
        `the heads of the streams written up to ${anchor.upTo} are not those it committed to: events were changed, removed or added`,
      );
    } else if (order.digest() !== anchor.orderDigest) {
      fail(`the events up to ${anchor.upTo} are not in the order it committed to: events were moved`);
    }
    if (options.keys) {
      const problem = options.keys.problem(anchor);
      if (problem) fail(problem);
      else signed += 1;
    }
    expectedSequence = anchor.sequence + 1;
    expectedFrom = anchor.upTo;
    previousAnchor = { sequence: anchor.sequence, digest, position: at, chained };
    last = {
      sequence: anchor.sequence,
      upTo: anchor.upTo,
      position: at,
      keyId: anchor.keyId,
      headsDigest: anchor.headsDigest,
      digest,
    };
  };

  let after: LogPosition | null = null;
  const pageSize = options.pageSize ?? 1_000;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    for (const event of page) {
      events += 1;
      logEnd = event.position;
      const head = heads.get(event.stream);
      const expectedRevision = head ? head.revision + 1 : 0;
      if (event.revision !== expectedRevision) {
        breakStream({
          stream: event.stream,
          revision: event.revision,
          position: formatPosition(event.position),
          reason:
            expectedRevision === 0
              ? `the stream starts at revision ${event.revision}: its first events were removed`
              : `revision ${expectedRevision} is missing: the stream jumps from ${expectedRevision - 1} to ${event.revision}`,
        });
      }
      const computed = streamLinkOf(head?.link ?? STREAM_GENESIS, event);
      const stored = storedStreamLink(event.metadata);
      if (stored === null) {
        unlinked += 1;
        // Before links existed every event had none; after, one without is one whose link was stripped.
        if (linksBegan)
          breakStream({
            stream: event.stream,
            revision: event.revision,
            position: formatPosition(event.position),
            reason: `the event at ${event.stream}@${event.revision} has no stream link, though events before it in the log have one`,
          });
      } else if (stored !== computed) {
        breakStream({
          stream: event.stream,
          revision: event.revision,
          position: formatPosition(event.position),
          reason: `the event at ${event.stream}@${event.revision} does not match its stream link`,
        });
      }
      // The chain goes on from what the content gives: a change shows in every later link and in the anchors.
      if (stored !== null) linksBegan = true;
      heads.set(event.stream, { revision: event.revision, link: computed });
      if (event.stream === ANCHOR_STREAM) checkAnchor(event);
      else
        pending.push({
          position: event.position,
          stream: event.stream,
          revision: event.revision,
          link: computed,
          recordedAt: event.metadata.recordedAt,
        });
    }
    if (page.length > 0) options.onProgress?.(events, page[page.length - 1]!.position);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.position;
    await options.yieldBetweenPages?.();
  }

  if (options.anchorDueMs != null && pending.length > 0) {
    const due = (options.now ?? new Date()).getTime() - options.anchorDueMs;
    const overdue = pending.filter((p) => Date.parse(p.recordedAt) < due);
    if (overdue.length > 0) {
      breakAnchor({
        sequence: null,
        position: formatPosition(overdue[0]!.position),
        reason: `${overdue.length} events recorded before ${new Date(due).toISOString()} are covered by no anchor: anchors were removed, or the anchorer has stopped`,
      });
    }
  }
  checkWitness(witnessed, witnessedInLog, logEnd, breakAnchor);
  if (options.keptAnchor && keptFound !== 'same') {
    breakAnchor({
      sequence: options.keptAnchor.sequence,
      position: '-',
      reason:
        keptFound === 'different'
          ? `anchor ${options.keptAnchor.sequence} is not the one you kept: the log was rewritten`
          : `anchor ${options.keptAnchor.sequence}, which you kept, is not in the log: it was cut`,
    });
  }
  await crossCheckStreams(store, heads, breakStream);
  const log = isTamperEvident(store) ? await store.verifyChain() : null;
  // Without a key nothing vouches for the anchors, nor for their absence: that is never a pass.
  if (!options.keys) {
    breakAnchor({
      sequence: null,
      position: last ? (last as { position: string }).position : '-',
      reason:
        'no public key to check the anchors\u2019 signatures with, so nothing vouches for the log: set AUDIT_PUBLIC_KEYS',
    });
  }
  return {
    ok: brokenStreams.length === 0 && brokenAnchors.length === 0 && (log?.ok ?? true),
    events,
    streams: { checked: heads.size, unlinkedEvents: unlinked, broken: brokenStreams },
    anchors: {
      checked: anchorsChecked,
      signed,
      keys: options.keys?.ids ?? [],
      broken: brokenAnchors,
      last,
      unchained,
      unanchoredEvents: pending.length,
      witness: options.witness
        ? {
            location: options.witness.location,
            anchors: witnessed.size,
            newest: witnessed.size > 0 ? Math.max(...witnessed.keys()) : null,
          }
        : null,
    },
    log,
  };
}

/**
 * What the witness holds that the log does not: an anchor deleted (it names the position the
 * witness saw it written at), and a log that no longer reaches the end of the newest witnessed
 * anchor (cut after it, or inside the range it covers).
 */
function checkWitness(
  witnessed: ReadonlyMap<number, WitnessedAnchor>,
  inLog: ReadonlySet<number>,
  logEnd: LogPosition | null,
  breakAnchor: (b: AnchorBreak) => void,
): void {
  const sequences = [...witnessed.keys()].sort((a, b) => a - b);
  for (const sequence of sequences) {
    if (inLog.has(sequence)) continue;
    const { position, anchor } = witnessed.get(sequence)!;
    breakAnchor({
      sequence,
      position,
      reason: `anchor ${sequence}, which the witness saw written at position ${position} covering the log up to ${anchor.upTo}, is not in the log: anchors were deleted or the log was cut`,
    });
  }
  const newest = sequences.at(-1);
  if (newest === undefined) return;
  const { position, anchor } = witnessed.get(newest)!;
  const end = parsePosition(position)!;
  if (logEnd === null || comparePositions(logEnd, end) < 0)
    breakAnchor({
      sequence: newest,
      position: logEnd ? formatPosition(logEnd) : '-',
      reason: `the log ends at ${logEnd ? `position ${formatPosition(logEnd)}` : 'its beginning (it is empty)'}, but the witness's newest anchor ${newest} was written at position ${position} (covering up to ${anchor.upTo}): the log was cut after ${logEnd ? formatPosition(logEnd) : 'its beginning'}`,
    });
}

/**
 * Each stream read on its own must start at revision 0 and reach the head the log showed. A stream
 * the store refuses to read because it was deleted for good (KurrentDB's tombstone: its events stay
 * in the global log until scavenged) is reported as such: the rest of the log is still verified.
 */
async function crossCheckStreams(
  store: EventStore,
  heads: ReadonlyMap<string, { revision: number }>,
  breakStream: (b: StreamBreak) => void,
): Promise<void> {
  const streams = [...heads];
  const WORKERS = 8;
  let next = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < streams.length) {
        const [stream, head] = streams[next++]!;
        let first: RecordedEvent | undefined;
        let atHead: RecordedEvent | undefined;
        try {
          [first] = await store.readStream(stream, { limit: 1 });
          [atHead] = await store.readStream(stream, { fromRevision: head.revision, limit: 1 });
        } catch (error) {
          if (!isTombstoned(error)) throw error;
          breakStream({
            stream,
            revision: null,
            position: null,
            reason: `the log holds ${stream} up to revision ${head.revision}, but the stream was deleted for good (tombstoned): it can no longer be read`,
          });
          continue;
        }
        if (!first)
          breakStream({
            stream,
            revision: null,
            position: null,
            reason: `the log holds ${stream} up to revision ${head.revision}, but the stream reads as empty: it was deleted`,
          });
        else if (first.revision !== 0)
          breakStream({
            stream,
            revision: first.revision,
            position: null,
            reason: `the stream reads from revision ${first.revision}: its start was truncated`,
          });
        else if (atHead?.revision !== head.revision)
          breakStream({
            stream,
            revision: head.revision,
            position: null,
            reason: `the stream no longer reads up to revision ${head.revision}: it was truncated`,
          });
      }
    }),
  );
}

/**
 * The store's refusal to read a stream deleted for good, recognised by its stable code: the
 * KurrentDB adapter's StreamTombstonedError (kurrentdb/kurrentdb-errors.ts), without loading that
 * adapter here.
 */
function isTombstoned(error: unknown): boolean {
  return error instanceof EventStoreError && error.code === 'STREAM_TOMBSTONED';
}
