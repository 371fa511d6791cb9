/**
 * Child process of the crash test: appends to the embedded store in a loop, as fast as it can,
 * mixing single-stream and multi-stream appends, and prints one line per acknowledged append:
 *   ack <eventId>[,<eventId>...] <position>
 * The parent kills it with SIGKILL at a random moment and checks the file. With `thread`, the
 * appends are committed on the store's writer thread, as the product runs it.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../src/embedded/sqlite-event-store.js';
import { compiledWriterScript } from '../src/embedded/sqlite-writer-thread.js';
import type { NewEvent } from '../src/event-store.port.js';
import { formatPosition } from '../src/log-position.js';

const [file, committer] = process.argv.slice(2);
if (!file) throw new Error('usage: crash-writer <file> [thread]');
const writerThread = committer === 'thread' ? compiledWriterScript() : null;
if (committer === 'thread' && !writerThread) throw new Error('the writer thread is not compiled beside the store');
const store = SqliteEventStore.open(file, { writerThread });

const event = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'Tick',
  schemaVersion: 1,
  data: { i, padding: 'x'.repeat(i % 7 === 0 ? 4000 : 40) },
  metadata: {
    actor: 'crash-writer',
    correlationId: randomUUID(),
    causationId: null,
    commandId: null,
    recordedAt: new Date().toISOString(),
  },
});

async function writer(lane: number): Promise<never> {
  for (let i = 0; ; i++) {
    const events = [event(i), event(i + 1)];
    const result =
      i % 3 === 0
        ? await store.appendMulti([
            { stream: `crash-${lane}`, expected: 'any', events: [events[0]!] },
            { stream: `crashpair-${lane}`, expected: 'any', events: [events[1]!] },
          ])
        : await store.append({ stream: `crash-${lane}`, expected: 'any', events });
    process.stdout.write(`ack ${events.map((e) => e.eventId).join(',')} ${formatPosition(result.position)}\n`);
  }
}

process.stdout.write('ready\n');
// Several concurrent writers, so that group commit puts many appends in one transaction.
await Promise.all([0, 1, 2, 3].map(writer));
