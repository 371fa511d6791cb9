/**
 * What the embedded store promises beyond the port's contract: contiguous positions, durable
 * settings, typed errors for stored events that cannot be decoded, and upcasting on read; and its
 * writer thread (transpiled for the tests, test/support/writer-thread-build.mjs): its settings, two of them on one file, a thread that dies, closing.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { BUILT_WRITER_SCRIPT, newEvent } from '../../test-support/event-store.adapters.js';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  EventDecodingError,
  EventStoreUnavailableError,
} from '../event-store.errors.js';
import { EventTypeRegistry } from '../serialization/event-type-registry.js';
import { UpcastingEventStore } from '../serialization/upcasting-event-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';

describe('embedded event store (SQLite)', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
    file = join(dir, 'events.db');
    store = SqliteEventStore.open(file);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers the global log 1, 2, 3… with no gap, even when concurrent appends conflict', async () => {
    await store.append({ stream: 'call-c1', expected: 'no_stream', events: [newEvent()] });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? store.append({ stream: 'call-c1', expected: 0, events: [newEvent()] })
          : store.appendMulti([
              { stream: `bid-b${i}`, expected: 'no_stream', events: [newEvent(), newEvent()] },
              { stream: 'call-c1', expected: 'any', events: [newEvent()] },
            ]),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ConcurrencyError).length).toBe(29);
    const positions = (await store.readAll()).map((e) => Number(e.position.commit));
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));
    expect(positions.length).toBe(1 + 1 + 30 * 3);
  });

  it("wakes a subscription on another store of the same file in this process (the projector's thread) at once, not at its next poll", async () => {
    const follower = SqliteEventStore.open(file, { pollIntervalMs: 60_000 });
    const stop = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const item of follower.subscribe({ signal: stop.signal })) {
        if (item.kind === 'event') seen.push(item.event.stream);
        if (seen.length === 1) return;
      }
    })();
    // Caught up on the empty log, it waits: for the next append here, or the poll a minute away.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await store.append({ stream: 'bid-b1', expected: 'no_stream', events: [newEvent()] });
    await following;
    expect(seen).toEqual(['bid-b1']);
    expect(Date.now() - started).toBeLessThan(5_000);
    stop.abort();
    await follower.close();
  });

  it('writes in WAL mode with a full fsync per commit by default, NORMAL only when asked', async () => {
    expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    const scratch = SqliteEventStore.open(join(dir, 'scratch.db'), { durable: false });
    expect(scratch.durability()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL' });
    await scratch.close();
  });

  it('reports a stored event whose JSON was damaged with its stream and position', async () => {
    await store.append({ stream: 'grant-g1', expected: 'no_stream', events: [newEvent('A'), newEvent('B')] });
    const db = new Database(file);
    db.prepare("UPDATE events SET data = '{not json' WHERE stream = 'grant-g1' AND revision = 1").run();
    db.close();
    await expect(store.readStream('grant-g1')).rejects.toThrow(EventDecodingError);
    await expect(store.readStream('grant-g1')).rejects.toThrow('grant-g1@1 (global position 2)');
  });

  it('reads older event versions in their current shape through the registry, and refuses unknown types', async () => {
    await store.append({
      stream: 'bid-b1',
      expected: 'no_stream',
      events: [{ ...newEvent('BidSubmitted', { amountEuros: '12.5' }), schemaVersion: 1 }],
    });
    await store.append({ stream: 'bid-b2', expected: 'no_stream', events: [newEvent('Unheard')] });
    const registry = new EventTypeRegistry({ BidSubmitted: 2 }, [
      {
        type: 'BidSubmitted',
        fromVersion: 1,
        upcast: (d) => ({ requestedCents: Math.round(Number((d as { amountEuros: string }).amountEuros) * 100) }),
      },
    ]);
    const typed = new UpcastingEventStore(store, registry);
    expect((await typed.readStream('bid-b1'))[0]).toMatchObject({ schemaVersion: 2, data: { requestedCents: 1250 } });
    await expect(typed.readStream('bid-b2')).rejects.toThrow('unknown event type Unheard');
    await expect(
      typed.append({ stream: 'bid-b3', expected: 'any', events: [newEvent('Unheard')] }),
    ).rejects.toMatchObject({ code: 'INVALID_EVENT' });
  });

  it('a subscription started before any event sees the first one arrive', async () => {
    const iterator = store.subscribe()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ kind: 'caught-up', position: null });
    const next = iterator.next();
    await store.append({ stream: 'call-c9', expected: 'any', events: [newEvent('First')] });
    expect((await next).value).toMatchObject({ kind: 'event', event: { type: 'First' } });
    await iterator.return?.(undefined);
  });

  describe('tamper evidence', () => {
    beforeEach(async () => {
      for (let i = 0; i < 20; i++)
        await store.append({
          stream: `grant-g${i % 4}`,
          expected: 'any',
          events: [newEvent('DisbursementRecorded', { amountCents: 1000 * i })],
        });
    });
    const edit = (sql: string) => {
      const db = new Database(file);
      db.prepare(sql).run();
      db.close();
    };

    it('verifies an untouched log and gives the head link to anchor it', async () => {
      const verification = await store.verifyChain();
      expect(verification).toMatchObject({ ok: true, checked: 20, firstBroken: null, headPosition: { commit: 20n } });
      expect(verification.headLink).toMatch(/^[0-9a-f]{64}$/);
      expect((await store.readAll()).at(-1)?.link).toBe(verification.headLink);
    });

    it('detects an amount changed directly in the file, at its position', async () => {
      edit("UPDATE events SET data = replace(data, '7000', '9000') WHERE position = 8");
      expect(await store.verifyChain()).toMatchObject({
        ok: false,
        checked: 7,
        firstBroken: { position: { commit: 8n }, reason: expect.stringContaining('does not match its hash link') },
      });
    });

    it('detects changed metadata (who did it, when)', async () => {
      edit(`UPDATE events SET metadata = replace(metadata, 'contract-suite', 'someone-else') WHERE position = 15`);
      expect((await store.verifyChain()).firstBroken?.position.commit).toBe(15n);
    });

    it('detects a deleted event', async () => {
      edit('DELETE FROM events WHERE position = 12');
      expect(await store.verifyChain()).toMatchObject({
        ok: false,
        firstBroken: { position: { commit: 12n }, reason: expect.stringContaining('position 12 is missing') },
      });
    });

    it('detects a deleted event whose successors were renumbered to hide the gap', async () => {
      edit('DELETE FROM events WHERE position = 12');
      edit('UPDATE events SET position = position - 1 WHERE position > 12');
      expect((await store.verifyChain()).firstBroken?.position.commit).toBe(12n);
    });

    it('gives a log written before hash links existed its links when opened, once', async () => {
      const anchored = (await store.verifyChain()).headLink;
      await store.close();
      edit('UPDATE events SET link = NULL');
      store = SqliteEventStore.open(file);
      expect(await store.verifyChain()).toMatchObject({ ok: true, checked: 20, headLink: anchored });
    });

    it('detects the last event removed, against an anchored head link', async () => {
      const anchored = (await store.verifyChain()).headLink;
      edit('DELETE FROM events WHERE position = 20');
      const after = await store.verifyChain();
      expect(after.ok).toBe(true); // the chain itself is intact: only the anchor tells…
      expect(after.headLink).not.toBe(anchored); // …that the log no longer ends where it did.
    });
  });
});

const writerScript = existsSync(BUILT_WRITER_SCRIPT) ? pathToFileURL(BUILT_WRITER_SCRIPT) : null;
if (!writerScript) console.warn(`The writer thread's tests are SKIPPED: no build at ${BUILT_WRITER_SCRIPT}`);

(writerScript ? describe : describe.skip)('embedded event store with its writer thread', () => {
  let dir: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (options: { durable?: boolean } = {}) => {
    const store = SqliteEventStore.open(file, { ...options, writerThread: writerScript });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-writer-'));
    file = join(dir, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits on a connection of its own, in WAL mode with a full fsync per commit (NORMAL only when asked)', async () => {
    const store = open();
    await store.append({ stream: 'bid-b1', expected: 'no_stream', events: [newEvent()] });
    expect(await store.writerDurability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    const scratch = SqliteEventStore.open(join(dir, 'scratch.db'), { durable: false, writerThread: writerScript });
    opened.push(scratch);
    expect(await scratch.writerDurability()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL' });
    expect(await SqliteEventStore.open(join(dir, 'inline.db')).writerDurability()).toBeNull();
  });

  it('keeps the log gapless and refuses stale revisions when two stores (two processes) append to one file at once', async () => {
    const [a, b] = [open(), open()];
    await a.append({ stream: 'call-c1', expected: 'no_stream', events: [newEvent()] });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).append({ stream: 'call-c1', expected: 0, events: [newEvent()] }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ConcurrencyError)).toHaveLength(39);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).append({ stream: `bid-b${i}`, expected: 'no_stream', events: [newEvent(), newEvent()] }),
      ),
    );
    const positions = (await b.readAll()).map((e) => Number(e.position.commit));
    expect(positions).toEqual(Array.from({ length: 2 + 80 }, (_, i) => i + 1));
  });

  it('answers an append whose writer thread ended under it as of unknown outcome, and appends again on a new thread', async () => {
    const store = open();
    await store.append({ stream: 'bid-b1', expected: 'no_stream', events: [newEvent()] });
    const thread = (store as unknown as { writer: { worker: { terminate(): Promise<number> } | null } }).writer;
    // Another connection holds the write lock: the thread cannot answer before it is ended.
    const blocker = new Database(file);
    blocker.prepare('BEGIN IMMEDIATE').run();
    const pending = store.append({ stream: 'bid-b2', expected: 'no_stream', events: [newEvent()] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ended = thread.worker!.terminate();
    blocker.prepare('ROLLBACK').run();
    blocker.close();
    await ended;
    await expect(pending).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    const again = await store.append({ stream: 'bid-b3', expected: 'no_stream', events: [newEvent()] });
    expect(again.revision).toBe(0);
    expect((await store.readStream('bid-b3')).map((e) => e.revision)).toEqual([0]);
  });

  it("fails a group its thread could not commit as the store unavailable, with SQLite's code as the cause's (readiness names it)", async () => {
    const store = open();
    await store.append({ stream: 'bid-b1', expected: 'no_stream', events: [newEvent()] });
    const other = new Database(file);
    other.exec("CREATE TRIGGER no_room BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'no room'); END");
    other.close();
    const failed = store.append({ stream: 'bid-b2', expected: 'no_stream', events: [newEvent()] });
    await expect(failed).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(failed).rejects.toMatchObject({
      message: expect.stringContaining('no room'),
      cause: { code: 'SQLITE_CONSTRAINT_TRIGGER' },
    });
  });

  it('commits what was queued before it closes: every append acknowledged is there when the file is opened again', async () => {
    const store = open();
    const appends = Array.from({ length: 50 }, (_, i) =>
      store.append({ stream: `bid-b${i}`, expected: 'no_stream', events: [newEvent()] }),
    );
    await store.close();
    const acknowledged = (await Promise.allSettled(appends)).filter((o) => o.status === 'fulfilled');
    expect(acknowledged).toHaveLength(50);
    const reopened = SqliteEventStore.open(file);
    opened.push(reopened);
    expect(await reopened.readAll()).toHaveLength(50);
  });
});
