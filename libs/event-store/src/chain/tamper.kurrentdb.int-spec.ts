/**
 * Tampering on KurrentDB, and verification finding it: a deleted stream, a truncated stream, a
 * tombstoned stream, done with the server's own delete, tombstone and truncate (a server when
 * KURRENTDB_URL is set, and always its simulator). On the embedded store in tamper.int-spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { freshCategory } from '../../test-support/event-store.adapters.js';
import { keys, writeHistory } from '../../test-support/tamper-history.js';
import { LinkingEventStore } from './linking-event-store.js';
import { verifyLog } from './log-verifier.js';

/** What the KurrentDB suites need of a client beside the adapter: the server's own delete and truncate. */
type ServerTools = Pick<
  import('@kurrent/kurrentdb-client').KurrentDBClient,
  'deleteStream' | 'tombstoneStream' | 'setStreamMetadata' | 'dispose'
>;

/**
 * Tampering on KurrentDB with the server's own tools, through the product's store (stream links
 * over the KurrentDB adapter): on a server when KURRENTDB_URL is set, and always on the simulator.
 */
function kurrentDbTamperSuite(
  name: string,
  skipped: string | null,
  open: () => Promise<{ store: LinkingEventStore; tools: ServerTools }>,
) {
  (skipped ? describe.skip : describe)(`tamper evidence on ${name}${skipped ? ` (skipped: ${skipped})` : ''}`, () => {
    let store: LinkingEventStore;
    let tools: ServerTools;
    let category: string;
    let streams: Awaited<ReturnType<typeof writeHistory>>['streams'];

    beforeEach(async () => {
      ({ store, tools } = await open());
      category = freshCategory('tamper');
      ({ streams } = await writeHistory(store, category));
    });
    afterEach(async () => {
      await store.close();
      await tools.dispose();
    });

    /** The server may be shared with other suites: only what this test wrote is judged. */
    const ours = async () => {
      const result = await verifyLog(store, { keys });
      return { streams: result.streams.broken.filter((b) => b.stream.startsWith(category)), anchors: result.anchors };
    };

    it('passes on the untouched streams', async () => {
      expect((await ours()).streams).toEqual([]);
    });

    it('finds a deleted stream', async () => {
      await tools.deleteStream(streams.bidC);
      expect((await ours()).streams).toEqual([
        expect.objectContaining({ stream: streams.bidC, reason: expect.stringContaining('deleted') }),
      ]);
    });

    it('finds a stream truncated from its start', async () => {
      await tools.setStreamMetadata(streams.bidB, { truncateBefore: 1 });
      expect((await ours()).streams).toEqual([
        expect.objectContaining({ stream: streams.bidB, reason: expect.stringContaining('truncated') }),
      ]);
    });

    it('reports a stream deleted for good after it was anchored (tombstoned), and verifies the rest', async () => {
      await tools.tombstoneStream(streams.bidB);
      const result = await verifyLog(store, { keys });
      expect(result.streams.broken.filter((b) => b.stream.startsWith(category))).toEqual([
        {
          stream: streams.bidB,
          revision: null,
          position: null,
          reason: expect.stringContaining('deleted for good (tombstoned)'),
        },
      ]);
      // Its events stay in the global log until scavenged: the anchors still match it.
      expect(result.anchors.broken).toEqual([]);
      expect(result.ok).toBe(false);
    });

    it.skip('finds a changed byte (skipped: KurrentDB offers no way to change a stored event)', () => undefined);
  });
}

const kurrentDbUrl = process.env['KURRENTDB_URL'];
kurrentDbTamperSuite('KurrentDB', kurrentDbUrl ? null : 'KURRENTDB_URL is not set', async () => {
  const { KurrentDbEventStore } = await import('../kurrentdb/kurrentdb-event-store.js');
  const { KurrentDBClient } = await import('@kurrent/kurrentdb-client');
  return {
    store: new LinkingEventStore(KurrentDbEventStore.connect(kurrentDbUrl!)),
    tools: KurrentDBClient.connectionString(kurrentDbUrl!),
  };
});

kurrentDbTamperSuite('the KurrentDB simulator', null, async () => {
  const { KurrentDbEventStore } = await import('../kurrentdb/kurrentdb-event-store.js');
  const { KurrentDbSimulator } = await import('../kurrentdb/simulator/kurrentdb-simulator.js');
  const node = new KurrentDbSimulator();
  return { store: new LinkingEventStore(new KurrentDbEventStore(node.connect())), tools: node.connect() };
});
