import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, type LogPosition, type SubscriptionItem } from '@app/event-store';
import { SharedLog } from './shared-log.js';

async function logOf(count: number): Promise<{ store: InMemoryEventStore; positions: LogPosition[] }> {
  const store = new InMemoryEventStore();
  const positions: LogPosition[] = [];
  for (let i = 0; i < count; i++) {
    const result = await store.append({
      stream: `bid-${i % 7}`,
      expected: 'any',
      events: [{ eventId: randomUUID(), type: 'CallClosed', schemaVersion: 1, data: { callId: `c${i}`, closedAt: '' }, metadata: { actor: 't', correlationId: 'c', causationId: null, commandId: null, recordedAt: '' } }],
    });
    positions.push(result.position);
  }
  return { store, positions };
}

/** Takes events until the first caught-up mark. */
async function untilCaughtUp(items: AsyncGenerator<SubscriptionItem>, slow = false): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of items) {
    if (item.kind === 'caught-up') break;
    seen.push(String(item.event.position.commit));
    if (slow && seen.length % 500 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  return seen;
}

describe('one read of the log shared by projections', () => {
  it('gives each subscriber the events after its own checkpoint, in order, then the caught-up mark', async () => {
    const { store, positions } = await logOf(50);
    const shared = new SharedLog(store, 3);
    const [all, fromTen, fromForty] = await Promise.all([
      untilCaughtUp(shared.subscribe({ after: null })),
      untilCaughtUp(shared.subscribe({ after: positions[9]! })),
      untilCaughtUp(shared.subscribe({ after: positions[39]! })),
    ]);
    const commits = positions.map((p) => String(p.commit));
    expect(all).toEqual(commits);
    expect(fromTen).toEqual(commits.slice(10));
    expect(fromForty).toEqual(commits.slice(40));
  });

  it('loses nothing when one subscriber is slower than the others by far more than the read runs ahead', async () => {
    const { store, positions } = await logOf(6_000);
    const shared = new SharedLog(store, 2);
    const [fast, slow] = await Promise.all([untilCaughtUp(shared.subscribe({})), untilCaughtUp(shared.subscribe({}), true)]);
    expect(fast).toHaveLength(positions.length);
    expect(slow).toEqual(fast);
  });

  it('does not wait for a subscriber that gave up before subscribing', async () => {
    const { store, positions } = await logOf(5);
    const shared = new SharedLog(store, 2);
    shared.giveUp();
    expect(await untilCaughtUp(shared.subscribe({}))).toHaveLength(positions.length);
  });

  it('keeps feeding the others when one subscriber stops', async () => {
    const { store, positions } = await logOf(20);
    const shared = new SharedLog(store, 2);
    const stopping = new AbortController();
    const quitter = shared.subscribe({ signal: stopping.signal });
    const stayer = untilCaughtUp(shared.subscribe({}));
    await quitter.next();
    stopping.abort();
    await quitter.return(undefined);
    expect(await stayer).toHaveLength(positions.length);
  });
});
