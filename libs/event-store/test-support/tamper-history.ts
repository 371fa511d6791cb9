/**
 * What the tamper-evidence specs (src/chain/tamper*.int-spec.ts) tamper with: a small anchored
 * history signed with a key of the run, and the tools of someone with write access to the
 * embedded store's file and to the source code.
 */
import type Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { GENESIS_LINK, linkOf, type LinkedRow } from '../src/embedded/hash-chain.js';
import type { EventStore } from '../src/event-store.port.js';
import { Anchorer } from '../src/chain/anchorer.js';
import type { AnchorWitness } from '../src/chain/anchor-witness.js';
import {
  ANCHOR_GENESIS,
  ANCHOR_STREAM,
  AnchorKeys,
  AnchorSigner,
  OrderDigest,
  anchorDigest,
  headsDigest,
  type AnchorData,
  type StreamHead,
} from '../src/chain/anchors.js';
import { STREAM_GENESIS, STREAM_LINK_KEY, streamLinkOf } from '../src/chain/stream-link.js';
import { newEvent } from './event-store.adapters.js';

/** The run's anchor signer, the auditor's keys to check its signatures with, and the anchors' clock. */
export const signer = AnchorSigner.fromText(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
);
export const keys = new AnchorKeys([signer.publicKey]);
export const now = () => new Date('2026-11-25T10:00:00.000Z');

/**
 * Writes a small history: a call with three events, two bids with two each, anchored; then one
 * more call event, anchored again. On an empty embedded log: events at positions 1 to 7, anchor 1
 * at 8 (up to 7), the call's last event at 9, anchor 2 at 10.
 */
export async function writeHistory(store: EventStore, category: string, witness: AnchorWitness | null = null) {
  const streams = { call: `${category}call-1`, bidB: `${category}bid-b`, bidC: `${category}bid-c` };
  await store.append({
    stream: streams.call,
    expected: 'no_stream',
    events: [newEvent('CallOpened', { budgetCents: 30_000_000 }), newEvent('CallAmended', { n: 1 })],
  });
  await store.append({
    stream: streams.bidB,
    expected: 'no_stream',
    events: [newEvent('BidSubmitted', { requestedCents: 15_000_000 }), newEvent('BidEvaluated', { score: 80 })],
  });
  await store.append({
    stream: streams.bidC,
    expected: 'no_stream',
    events: [newEvent('BidSubmitted', { requestedCents: 9_000_000 })],
  });
  await store.append({ stream: streams.bidC, expected: 0, events: [newEvent('BidEvaluated', { score: 70 })] });
  await store.append({ stream: streams.call, expected: 'exists', events: [newEvent('CallClosed', {})] });
  const anchorer = new Anchorer(store, { signer, now, witness });
  const first = await anchorer.anchorOnce();
  await store.append({ stream: streams.call, expected: 2, events: [newEvent('CallRankingPublished', { bids: 2 })] });
  const second = await anchorer.anchorOnce();
  return { streams, anchors: [first, second], anchorer };
}

/**
 * What someone with write access to the file and the source code could do: change event data and
 * recompute every stream link, every log-wide link, and (optionally) the anchors' digests. Only the
 * signatures, which need the private key, are left as they were; unless `resign` gives them a key
 * (the development key kept in DATA_DIR, or their own), with which every anchor is digested again,
 * chained again and signed again.
 */
export function rewrite(
  db: Database.Database,
  change: (row: LinkedRow) => string | null,
  options: { redigestAnchors: boolean; strip?: (row: LinkedRow) => boolean; resign?: AnchorSigner },
): void {
  const rows = db
    .prepare<[], LinkedRow>(
      'SELECT position, event_id, stream, revision, type, schema_version, data, metadata, link FROM events ORDER BY position',
    )
    .all();
  const streamHeads = new Map<string, string>();
  /** The events since the last anchor: an anchor covers those up to its upTo (an event appended while it was written goes to the next). */
  let pending: { position: number; stream: string; head: StreamHead }[] = [];
  let previousGlobal = GENESIS_LINK;
  let previousAnchor = ANCHOR_GENESIS;
  const update = db.prepare('UPDATE events SET data = ?, metadata = ?, link = ? WHERE position = ?');
  for (const row of rows) {
    let data = change(row) ?? row.data;
    if (row.stream === ANCHOR_STREAM && (options.redigestAnchors || options.resign)) {
      const { keyId, signature, ...anchor } = JSON.parse(data) as AnchorData;
      const covered = pending.filter((p) => p.position <= Number(anchor.upTo));
      const heads = new Map(covered.map((p) => [p.stream, p.head]));
      const order = new OrderDigest();
      for (const p of covered) order.add(p.stream, p.head.revision, p.head.link);
      const digests = { headsDigest: headsDigest(heads), orderDigest: order.digest() };
      data = JSON.stringify(
        options.resign
          ? options.resign.sign({ ...anchor, ...digests, previousDigest: previousAnchor })
          : { ...anchor, ...digests, keyId, signature },
      );
    }
    if (row.stream === ANCHOR_STREAM) {
      const anchor = JSON.parse(data) as AnchorData;
      previousAnchor = anchorDigest(anchor);
      pending = pending.filter((p) => p.position > Number(anchor.upTo));
    }
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    const link = streamLinkOf(streamHeads.get(row.stream) ?? STREAM_GENESIS, {
      stream: row.stream,
      revision: row.revision,
      eventId: row.event_id,
      type: row.type,
      schemaVersion: row.schema_version,
      data: JSON.parse(data),
      metadata: metadata as never,
    });
    streamHeads.set(row.stream, link);
    if (row.stream !== ANCHOR_STREAM)
      pending.push({ position: row.position, stream: row.stream, head: { revision: row.revision, link } });
    const { [STREAM_LINK_KEY]: _old, ...unlinked } = metadata;
    const metadataJson = JSON.stringify(options.strip?.(row) ? unlinked : { ...metadata, [STREAM_LINK_KEY]: link });
    previousGlobal = linkOf(previousGlobal, { ...row, data, metadata: metadataJson });
    update.run(data, metadataJson, previousGlobal, row.position);
  }
}

/** Closes the gaps deleted rows left in the embedded log's positions, as someone hiding a deletion would (then `rewrite` recomputes the links). */
export function renumber(db: Database.Database): void {
  const positions = db.prepare<[], { position: number }>('SELECT position FROM events ORDER BY position').all();
  const move = db.prepare('UPDATE events SET position = ? WHERE position = ?');
  positions.forEach(({ position }, i) => move.run(i + 1, position));
}
