/**
 * A click day cut short: bids pour in on a first-come call from many connections at once, and the
 * process is killed with SIGKILL in the middle of the storm. Started again on the same data, it
 * lists every bid it acknowledged, in the order it acknowledged them (their places in the log), and
 * nothing else out of order: the appends committed on the writer thread were on disk before any answer.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { KEYS, removeDataDir, startApi, tempDataDir } from './support/api-process.js';
import { FundingClient, bidBody } from './support/funding-requests.js';

const LANES = 24;
/** Killed once this many bids are acknowledged, while every lane still has one in flight. */
const KILL_AFTER = 150;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

describe('a click day killed with SIGKILL', () => {
  it('loses no acknowledged bid, and lists them after the restart in the order they were acknowledged', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const api = await startApi({ dataDir });
    const client = new FundingClient(api.url);
    const callId = await client.openCall({
      selection: 'first-come',
      budgetCents: 300_000_000,
      maxGrantCents: 1_000_000,
    });

    const acknowledged: Array<{ bidId: string; position: bigint }> = [];
    let sent = 0;
    let killed: Promise<void> | null = null;
    const lane = async () => {
      for (;;) {
        const projectTitle = `Progetto ${sent++}`;
        let res: Awaited<ReturnType<FundingClient['submitBid']>>;
        try {
          res = await client.submitBid(callId, bidBody({ requestedCents: 500_000, projectTitle }));
        } catch {
          return; // the connection died with the process: this bid was never acknowledged
        }
        if (res.status !== 201) return;
        acknowledged.push({ bidId: res.body.bidId as string, position: BigInt(res.headers['x-event-position']!) });
        if (acknowledged.length >= KILL_AFTER && !killed) killed = api.kill();
      }
    };
    try {
      await Promise.all(Array.from({ length: LANES }, lane));
    } finally {
      await (killed ?? api.kill());
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // Bids were still being sent when the process died.
    expect(sent).toBeGreaterThan(acknowledged.length);

    const again = await startApi({ dataDir });
    try {
      const restarted = new FundingClient(again.url);
      const last = acknowledged.reduce((max, a) => (a.position > max ? a.position : max), 0n).toString();
      const listed: Array<{ bidId: string; arrivalPosition: string }> = [];
      for (let page = 1; ; page++) {
        const res = await restarted.bidsOfCall(
          callId,
          { order: 'arrival', page, pageSize: 100 },
          { at: last, key: KEYS.programmeManager },
        );
        expect(res.status).toBe(200);
        listed.push(...res.body.items);
        if (res.body.items.length < 100) break;
      }
      const byArrival = [...acknowledged].sort((a, b) => (a.position < b.position ? -1 : 1));
      // Every acknowledged bid is listed, at the place its answer gave it.
      const place = new Map(listed.map((bid) => [bid.bidId, bid.arrivalPosition]));
      expect(byArrival.filter((a) => place.get(a.bidId) !== a.position.toString())).toEqual([]);
      // The acknowledged bids keep their order among all those listed (unacknowledged ones the disk kept may sit between them).
      const acknowledgedIds = new Set(acknowledged.map((a) => a.bidId));
      expect(listed.filter((bid) => acknowledgedIds.has(bid.bidId)).map((bid) => bid.bidId)).toEqual(
        byArrival.map((a) => a.bidId),
      );
      const positions = listed.map((bid) => BigInt(bid.arrivalPosition));
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } finally {
      await again.stop();
    }
  });
});
