/**
 * Tampering with a stored log, and verification finding it: a changed byte, a deleted event, a
 * deleted stream, a truncated stream, and a history rewritten with every link recomputed. Here on
 * the embedded store, its rows edited as someone with write access to the file would; on KurrentDB
 * in tamper.kurrentdb.int-spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../embedded/sqlite-event-store.js';
import type { LinkedRow } from '../embedded/hash-chain.js';
import { newEvent } from '../../test-support/event-store.adapters.js';
import { keys, now, rewrite, signer, writeHistory } from '../../test-support/tamper-history.js';
import { Anchorer } from './anchorer.js';
import { ANCHOR_STREAM, AnchorKeys, type AnchorData } from './anchors.js';
import { LinkingEventStore } from './linking-event-store.js';
import { verifyLog } from './log-verifier.js';

describe('tamper evidence on the embedded store (SQLite rows edited directly)', () => {
  let dir: string;
  let file: string;
  let store: LinkingEventStore;
  let streams: Awaited<ReturnType<typeof writeHistory>>['streams'];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    file = join(dir, 'events.db');
    store = new LinkingEventStore(SqliteEventStore.open(file));
    ({ streams } = await writeHistory(store, ''));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const edit = (work: (db: Database.Database) => void) => {
    const db = new Database(file);
    try {
      work(db);
    } finally {
      db.close();
    }
  };
  const verify = () => verifyLog(store, { keys });

  it('passes on the untouched log, with every stream, anchor and signature checked', async () => {
    const result = await verify();
    expect(result).toMatchObject({
      ok: true,
      events: 10,
      streams: { checked: 4, unlinkedEvents: 0, broken: [] },
      anchors: { checked: 2, signed: 2, keys: [signer.keyId], broken: [], unanchoredEvents: 0, last: { sequence: 2 } },
      log: { ok: true, checked: 10 },
    });
  });

  it('finds a changed byte: the stream link and the log-wide link break at the event', async () => {
    edit((db) =>
      db
        .prepare(`UPDATE events SET data = replace(data, '15000000', '16000000') WHERE stream = ? AND revision = 0`)
        .run(streams.bidB),
    );
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.streams.broken).toEqual([
      expect.objectContaining({
        stream: streams.bidB,
        revision: 0,
        reason: expect.stringContaining('does not match its stream link'),
      }),
    ]);
    expect(result.anchors.broken).toEqual([
      expect.objectContaining({ sequence: 1, reason: expect.stringContaining('not those it committed to') }),
    ]);
    expect(result.log?.ok).toBe(false);
  });

  it('finds a deleted event', async () => {
    edit((db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision = 0').run(streams.bidC));
    const result = await verify();
    expect(result.streams.broken).toEqual([
      expect.objectContaining({ stream: streams.bidC, reason: expect.stringContaining('first events were removed') }),
    ]);
    expect(result.anchors.broken[0]).toMatchObject({
      sequence: 1,
      reason: expect.stringContaining('the log holds 6 in 3'),
    });
    expect(result.ok).toBe(false);
  });

  it('finds a deleted stream', async () => {
    edit((db) => db.prepare('DELETE FROM events WHERE stream = ?').run(streams.bidC));
    const result = await verify();
    expect(result.streams.broken).toEqual([]);
    expect(result.anchors.broken[0]).toMatchObject({
      sequence: 1,
      reason: expect.stringContaining('it covers 7 events in 3 streams up to 7, the log holds 5 in 2'),
    });
    expect(result.log?.ok).toBe(false);
    expect(result.ok).toBe(false);
  });

  it('finds a truncated stream (its last event removed)', async () => {
    edit((db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision = 3').run(streams.call));
    const result = await verify();
    expect(result.anchors.broken[0]).toMatchObject({
      sequence: 2,
      reason: expect.stringContaining('the log holds 0 in 0'),
    });
    expect(result.ok).toBe(false);
  });

  it('finds a history rewritten with every stream link and log-wide link recomputed: the signed anchor no longer matches', async () => {
    edit((db) =>
      rewrite(
        db,
        (row) => (row.stream === streams.bidB && row.revision === 0 ? row.data.replace('15000000', '16000000') : null),
        { redigestAnchors: false },
      ),
    );
    const result = await verify();
    expect(result.streams.broken).toEqual([]);
    expect(result.log?.ok).toBe(true);
    expect(result.anchors.broken).toEqual([
      expect.objectContaining({ sequence: 1, reason: expect.stringContaining('not those it committed to') }),
    ]);
    expect(result.ok).toBe(false);
  });

  it('finds a history rewritten down to the anchors\u2019 digests: their signatures no longer hold', async () => {
    edit((db) =>
      rewrite(
        db,
        (row) => (row.stream === streams.bidB && row.revision === 0 ? row.data.replace('15000000', '16000000') : null),
        { redigestAnchors: true },
      ),
    );
    const result = await verify();
    expect(result.streams.broken).toEqual([]);
    expect(result.log?.ok).toBe(true);
    expect(result.anchors.broken).toEqual([
      expect.objectContaining({ sequence: 1, reason: expect.stringContaining('signature does not match') }),
    ]);
    expect(result.ok).toBe(false);
  });

  it('finds two events of one anchored range swapped in the log, every log-wide link recomputed: the signed order no longer holds', async () => {
    edit((db) => {
      // A bid moved before the call event it followed: "who came first" on a click day.
      const rows = db.prepare<[], LinkedRow & { category: string }>('SELECT * FROM events ORDER BY position').all();
      const a = rows.find((r) => r.stream === streams.bidB && r.revision === 0)!;
      const b = rows.find((r) => r.stream === streams.call && r.revision === 1)!;
      const move = db.prepare(
        'UPDATE events SET event_id = ?, stream = ?, revision = ?, category = ?, type = ?, schema_version = ?, data = ?, metadata = ? WHERE position = ?',
      );
      db.prepare(
        "UPDATE events SET event_id = '00000000-0000-4000-8000-000000000000', stream = 'moving-x', revision = 0 WHERE position = ?",
      ).run(a.position);
      move.run(a.event_id, a.stream, a.revision, a.category, a.type, a.schema_version, a.data, a.metadata, b.position);
      move.run(b.event_id, b.stream, b.revision, b.category, b.type, b.schema_version, b.data, b.metadata, a.position);
      rewrite(db, () => null, { redigestAnchors: false });
    });
    const result = await verify();
    expect(result.streams.broken).toEqual([]);
    expect(result.log?.ok).toBe(true);
    expect(result.anchors.broken).toEqual([
      expect.objectContaining({ sequence: 1, reason: expect.stringContaining('not in the order it committed to') }),
    ]);
    expect(result.ok).toBe(false);
  });

  it('finds anchors removed and links stripped: the unlinked event, the overdue anchor, the anchor the auditor kept', async () => {
    const kept = (await store.readStream(ANCHOR_STREAM)).at(-1)!.data as AnchorData;
    edit((db) => {
      db.prepare('DELETE FROM events WHERE stream = ?').run(ANCHOR_STREAM);
      rewrite(
        db,
        (row) => (row.stream === streams.bidB && row.revision === 0 ? row.data.replace('15000000', '16000000') : null),
        { redigestAnchors: false, strip: (row) => row.stream === streams.bidB && row.revision === 0 },
      );
    });
    const result = await verifyLog(store, {
      keys,
      anchorDueMs: 120_000,
      now: new Date('2026-11-25T11:00:00.000Z'),
      keptAnchor: { sequence: kept.sequence, headsDigest: kept.headsDigest },
    });
    expect(result.streams.broken).toEqual([
      expect.objectContaining({
        stream: streams.bidB,
        reason: expect.stringContaining('has no stream link, though events before it'),
      }),
    ]);
    expect(result.anchors.broken.map((b) => b.reason)).toEqual([
      expect.stringContaining('8 events recorded before 2026-11-25T10:58:00.000Z are covered by no anchor'),
      expect.stringContaining('anchor 2, which you kept, is not in the log'),
    ]);
    expect(result.ok).toBe(false);
  });

  it('refuses anchors signed by a key the auditor does not hold, and says when there is no key to check with', async () => {
    const other = new AnchorKeys([generateKeyPairSync('ed25519').publicKey]);
    const result = await verifyLog(store, { keys: other });
    expect(result.anchors.broken[0]).toMatchObject({
      reason: expect.stringContaining(`signed by key ${signer.keyId}, which is not one of the keys`),
    });
    const unkeyed = await verifyLog(store, { keys: null });
    expect(unkeyed.ok).toBe(false);
    expect(unkeyed.anchors.broken[0]!.reason).toContain('no public key');
  });

  it('reports the events after the last anchor as not yet anchored', async () => {
    await store.append({ stream: streams.bidB, expected: 1, events: [newEvent('BidWithdrawn', {})] });
    expect((await verify()).anchors).toMatchObject({ unanchoredEvents: 1, broken: [] });
  });
});

describe('stream links over a log written before them', () => {
  it('recomputes the links of older events, links new ones after them, and verifies the whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    const raw = SqliteEventStore.open(join(dir, 'events.db'));
    const store = new LinkingEventStore(raw);
    try {
      await raw.append({
        stream: 'call-old',
        expected: 'no_stream',
        events: [newEvent('CallOpened', { n: 1 }), newEvent('CallAmended', { n: 2 })],
      });
      await store.append({ stream: 'call-old', expected: 1, events: [newEvent('CallClosed', {})] });
      await store.append({ stream: 'call-old', expected: 'any', events: [newEvent('CallRankingPublished', {})] });
      await new Anchorer(store, { signer, now }).anchorOnce();
      const result = await verifyLog(store, { keys });
      expect(result).toMatchObject({
        ok: true,
        streams: { unlinkedEvents: 2, broken: [] },
        anchors: { checked: 1, signed: 1 },
      });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('appends that name no revision', () => {
  it('are linked after whatever another writer appended in between', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    const file = join(dir, 'events.db');
    const one = new LinkingEventStore(SqliteEventStore.open(file));
    const two = new LinkingEventStore(SqliteEventStore.open(file));
    try {
      await one.append({ stream: 'call-race', expected: 'no_stream', events: [newEvent()] });
      await one.readStream('call-race'); // one caches the head at revision 0
      await two.append({ stream: 'call-race', expected: 0, events: [newEvent()] });
      expect((await one.append({ stream: 'call-race', expected: 'any', events: [newEvent()] })).revision).toBe(2);
      expect((await one.append({ stream: 'call-race', expected: 'exists', events: [newEvent()] })).revision).toBe(3);
      await expect(one.append({ stream: 'call-race', expected: 1, events: [newEvent()] })).rejects.toMatchObject({
        code: 'CONCURRENCY_CONFLICT',
        expected: 1,
        actual: 3,
      });
      const result = await verifyLog(one, { keys });
      expect(result.streams).toMatchObject({ checked: 1, unlinkedEvents: 0, broken: [] });
    } finally {
      await one.close();
      await two.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
