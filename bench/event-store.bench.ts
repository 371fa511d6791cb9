/** The embedded event store's appends, durable: one writer, 64 concurrent writers, batches of 100. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@app/event-store';
import { SIZES, record, work } from './bench-run.js';
import { timed } from './measure.js';

export const metadata = () => ({
  actor: 'bench',
  correlationId: randomUUID(),
  causationId: null,
  commandId: null,
  recordedAt: new Date().toISOString(),
});
export const event = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'BidSubmitted',
  schemaVersion: 1,
  data: {
    bidId: `b${i}`,
    callId: 'c1',
    applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
    projectTitle: 'Nido aziendale condiviso',
    requestedCents: 15_000_000,
    submittedAt: new Date().toISOString(),
  },
  metadata: metadata(),
});

export async function eventStore(ceiling: { durable: number; batched: number }) {
  process.stdout.write('Event store (embedded, durable)\n');
  const store = SqliteEventStore.open(join(work, 'events-bench.db'));
  const single = await timed(async () => {
    for (let i = 0; i < SIZES.singleWriter; i++)
      await store.append({ stream: 'bid-single', expected: 'any', events: [event(i)] });
  });
  record({
    name: 'single-event appends, 1 writer',
    value: SIZES.singleWriter / single.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw durable inserts', value: ceiling.durable },
  });
  const perWriter = Math.ceil(SIZES.concurrent / 64);
  const concurrent = await timed(() =>
    Promise.all(
      Array.from({ length: 64 }, async (_, w) => {
        for (let i = 0; i < perWriter; i++)
          await store.append({ stream: `bid-w${w}`, expected: 'any', events: [event(i)] });
      }),
    ),
  );
  record({
    name: 'single-event appends, 64 concurrent writers (group commit)',
    value: (perWriter * 64) / concurrent.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw batched inserts', value: ceiling.batched },
  });
  const batches = await timed(async () => {
    for (let i = 0; i < SIZES.batched; i += 100)
      await store.append({
        stream: `bid-batch${i % 50}`,
        expected: 'any',
        events: Array.from({ length: 100 }, (_, j) => event(i + j)),
      });
  });
  record({
    name: 'appends of 100 events',
    value: SIZES.batched / batches.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw batched inserts', value: ceiling.batched },
  });
  await store.close();
}
