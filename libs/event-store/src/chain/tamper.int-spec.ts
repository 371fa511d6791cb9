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
import { keys, now, renumber, rewrite, signer, writeHistory } from '../../test-support/tamper-history.js';
import { Anchorer } from './anchorer.js';
import { DirectoryAnchorWitness } from './anchor-witness.js';
import { ANCHOR_GENESIS, ANCHOR_STREAM, AnchorKeys, AnchorSigner, anchorDigest, type AnchorData } from './anchors.js';
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
      // Anchor 2 signed anchor 1 as it was: the chain of anchors breaks too.
      expect.objectContaining({
        sequence: 2,
        position: '10',
        reason: expect.stringContaining('is not the digest of anchor 1 at position 8: the chain of anchors is broken'),
      }),
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
      keptAnchor: { sequence: kept.sequence, digest: kept.headsDigest },
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

describe('the chain of anchors and its witness (someone with write access to DATA_DIR)', () => {
  let dir: string;
  let file: string;
  let witnessDir: string;
  let witness: DirectoryAnchorWitness;
  let store: LinkingEventStore;
  let streams: Awaited<ReturnType<typeof writeHistory>>['streams'];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    file = join(dir, 'events.db');
    witnessDir = mkdtempSync(join(tmpdir(), 'witness-'));
    witness = new DirectoryAnchorWitness(witnessDir);
    store = new LinkingEventStore(SqliteEventStore.open(file));
    ({ streams } = await writeHistory(store, '', witness));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(witnessDir, { recursive: true, force: true });
  });

  const edit = (work: (db: Database.Database) => void) => {
    const db = new Database(file);
    try {
      work(db);
    } finally {
      db.close();
    }
  };
  /** The bid's requested amount raised in the log, every stream link and log-wide link recomputed. */
  const raiseBid = (row: LinkedRow) =>
    row.stream === streams.bidB && row.revision === 0 ? row.data.replace('15000000', '16000000') : null;
  const againstWitness = () => verifyLog(store, { keys, witness });
  const reasons = (result: Awaited<ReturnType<typeof verifyLog>>) =>
    result.anchors.broken.map((b) => `${b.position}: ${b.reason}`);

  it('chains each anchor to the one before, keeps each in the witness, and a clean log verifies against it', async () => {
    const [first, second] = (await store.readStream(ANCHOR_STREAM)).map((e) => e.data as AnchorData);
    expect(first!.previousDigest).toBe(ANCHOR_GENESIS);
    expect(second!.previousDigest).toBe(anchorDigest(first!));
    expect(await witness.read()).toEqual([
      { position: '8', anchor: first },
      { position: '10', anchor: second },
    ]);
    const result = await againstWitness();
    expect(result).toMatchObject({
      ok: true,
      anchors: {
        checked: 2,
        signed: 2,
        unchained: 0,
        broken: [],
        witness: { location: witnessDir, anchors: 2, newest: 2 },
      },
    });
  });

  it('finds anchors deleted after a rewritten event, the positions renumbered: the witness holds them', async () => {
    edit((db) => {
      db.prepare('DELETE FROM events WHERE stream = ?').run(ANCHOR_STREAM);
      db.prepare('DELETE FROM streams WHERE stream = ?').run(ANCHOR_STREAM);
      renumber(db);
      rewrite(db, raiseBid, { redigestAnchors: false });
    });
    // The log alone is consistent: nothing in it says that anchors were there.
    const alone = await verifyLog(store, { keys });
    expect(alone.streams.broken).toEqual([]);
    expect(alone.log?.ok).toBe(true);
    expect(alone.anchors).toMatchObject({ checked: 0, broken: [], unanchoredEvents: 8 });
    const result = await againstWitness();
    expect(reasons(result)).toEqual([
      expect.stringMatching(
        /^8: anchor 1, which the witness saw written at position 8 covering the log up to 7, is not in the log/,
      ),
      expect.stringMatching(
        /^10: anchor 2, which the witness saw written at position 10 covering the log up to 9, is not in the log/,
      ),
      expect.stringMatching(
        /^8: the log ends at position 8, but the witness's newest anchor 2 was written at position 10 .*: the log was cut after 8/,
      ),
    ]);
    expect(result.ok).toBe(false);
  });

  it('finds an early anchor re-signed with the key kept beside the data, every later one re-chained: the witness holds the originals', async () => {
    edit((db) => rewrite(db, raiseBid, { redigestAnchors: true, resign: signer }));
    // The development key is the auditor's key too: the log alone verifies.
    expect((await verifyLog(store, { keys })).ok).toBe(true);
    const result = await againstWitness();
    expect(reasons(result)).toEqual([
      '8: anchor 1: it is not the anchor 1 the witness holds (written at position 8): it was re-signed or replaced',
      '10: anchor 2: it is not the anchor 2 the witness holds (written at position 10): it was re-signed or replaced',
    ]);
    expect(result.ok).toBe(false);
  });

  it('finds an early anchor re-signed alone: the next anchor signed the original, so the chain breaks there', async () => {
    edit((db) => {
      rewrite(db, raiseBid, { redigestAnchors: true });
      const row = db.prepare<[], { data: string }>('SELECT data FROM events WHERE position = 8').get()!;
      const { keyId: _k, signature: _s, ...anchor } = JSON.parse(row.data) as AnchorData;
      db.prepare('UPDATE events SET data = ? WHERE position = 8').run(JSON.stringify(signer.sign(anchor)));
      rewrite(db, () => null, { redigestAnchors: false });
    });
    const result = await verifyLog(store, { keys });
    expect(reasons(result)).toEqual([
      '10: anchor 2: the previous digest it signed is not the digest of anchor 1 at position 8: the chain of anchors is broken (an anchor before it was changed, re-signed or replaced)',
    ]);
    expect(result.ok).toBe(false);
  });

  it('with the signing key outside DATA_DIR, an anchor re-signed with any other key fails its signature', async () => {
    const theirs = AnchorSigner.fromText(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    );
    edit((db) => rewrite(db, raiseBid, { redigestAnchors: true, resign: theirs }));
    const result = await verifyLog(store, { keys });
    expect(reasons(result)).toEqual([
      `8: anchor 1: it is signed by key ${theirs.keyId}, which is not one of the keys verified against (${signer.keyId})`,
      `10: anchor 2: it is signed by key ${theirs.keyId}, which is not one of the keys verified against (${signer.keyId})`,
    ]);
  });

  it('finds the log truncated after the last witnessed anchor: the witness names the position it no longer has', async () => {
    edit((db) => {
      db.prepare('DELETE FROM events WHERE position >= 9').run();
      db.prepare('UPDATE streams SET revision = 2 WHERE stream = ?').run(streams.call);
      db.prepare('UPDATE streams SET revision = 0 WHERE stream = ?').run(ANCHOR_STREAM);
    });
    // What is left is a consistent log, anchored to its end.
    expect((await verifyLog(store, { keys })).ok).toBe(true);
    const result = await againstWitness();
    expect(reasons(result)).toEqual([
      '10: anchor 2, which the witness saw written at position 10 covering the log up to 9, is not in the log: anchors were deleted or the log was cut',
      "8: the log ends at position 8, but the witness's newest anchor 2 was written at position 10 (covering up to 9): the log was cut after 8",
    ]);
    expect(result.ok).toBe(false);
  });

  it('without a key, a log whose anchors were all deleted does not pass: nothing vouches for it', async () => {
    edit((db) => {
      db.prepare('DELETE FROM events WHERE stream = ?').run(ANCHOR_STREAM);
      renumber(db);
      rewrite(db, raiseBid, { redigestAnchors: false });
    });
    const result = await verifyLog(store, { keys: null });
    expect(result.anchors.checked).toBe(0);
    expect(reasons(result)).toEqual([
      '-: no public key to check the anchors\u2019 signatures with, so nothing vouches for the log: set AUDIT_PUBLIC_KEYS',
    ]);
    expect(result.ok).toBe(false);
  });

  it('refuses to witness a different anchor under a sequence it holds, and takes the same one again', async () => {
    const [kept] = await witness.read();
    await expect(witness.record(kept!)).resolves.toBeUndefined();
    await expect(witness.record({ position: kept!.position, anchor: { ...kept!.anchor, events: 99 } })).rejects.toThrow(
      'already holds a different anchor 1',
    );
  });

  it('witnesses an anchor the log took but the witness missed, before writing the next one', async () => {
    const later = new DirectoryAnchorWitness(join(witnessDir, 'later'));
    await store.append({ stream: streams.bidB, expected: 1, events: [newEvent('BidWithdrawn', {})] });
    await new Anchorer(store, { signer, now, witness: later }).anchorOnce();
    expect((await later.read()).map((w) => w.anchor.sequence)).toEqual([2, 3]);
  });
});

describe('anchors written before the chain (schema version 1)', () => {
  it('verify as an unchained prefix; the first chained anchor signs the last of them; an unchained one after it cuts the chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    const file = join(dir, 'events.db');
    const store = new LinkingEventStore(SqliteEventStore.open(file));
    /** The anchor at that position as the earlier build wrote it: no previous digest, signed so, schema version 1. */
    const unchain = (position: number) => {
      const db = new Database(file);
      try {
        const row = db.prepare<[number], { data: string }>('SELECT data FROM events WHERE position = ?').get(position)!;
        const { keyId: _k, signature: _s, previousDigest: _p, ...anchor } = JSON.parse(row.data) as AnchorData;
        db.prepare('UPDATE events SET data = ?, schema_version = 1 WHERE position = ?').run(
          JSON.stringify(signer.sign(anchor)),
          position,
        );
        rewrite(db, () => null, { redigestAnchors: false });
      } finally {
        db.close();
      }
    };
    try {
      const anchorer = () => new Anchorer(store, { signer, now });
      await store.append({ stream: 'call-old', expected: 'no_stream', events: [newEvent('CallOpened', {})] });
      await anchorer().anchorOnce(); // position 2
      unchain(2);
      await store.append({ stream: 'call-old', expected: 0, events: [newEvent('CallClosed', {})] });
      const chained = (await anchorer().anchorOnce())!; // position 4
      const [legacy] = (await store.readStream(ANCHOR_STREAM)).map((e) => e.data as AnchorData);
      expect(legacy!.previousDigest).toBeUndefined();
      expect(chained.previousDigest).toBe(anchorDigest(legacy!));
      expect(await verifyLog(store, { keys })).toMatchObject({
        ok: true,
        anchors: { checked: 2, signed: 2, unchained: 1, broken: [] },
      });
      await store.append({ stream: 'call-old', expected: 1, events: [newEvent('CallReopened', {})] });
      await anchorer().anchorOnce(); // position 6
      unchain(6);
      const result = await verifyLog(store, { keys });
      expect(result.anchors.broken.map((b) => `${b.position}: ${b.reason}`)).toEqual([
        '6: anchor 3: it signs no previous digest, though anchor 2 before it (at position 4) did: the chain of anchors is cut here',
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
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
