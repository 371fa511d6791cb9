/**
 * The KurrentDB adapter against a scripted client that answers the way @kurrent/kurrentdb-client
 * 1.3.1 does over a server (errors, inclusive $all reads, id-only idempotency): appends read back,
 * retries, conflicts, reads of $all, subscriptions, multi-stream appends and their refusals.
 */
import { describe, expect, it } from '@jest/globals';
import { convertToCommandError } from '@kurrent/kurrentdb-client';
import {
  METADATA,
  at,
  newEvent,
  prepared,
  serverHandlerFailure,
  storedAs,
} from '../../test-support/kurrentdb-events.js';
import { ScriptedClient, storeWith } from '../../test-support/scripted-kurrentdb-client.js';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
  InvalidAppendError,
} from '../event-store.errors.js';
import type { RecordedEvent, SubscriptionItem } from '../event-store.port.js';
import { toEventData } from './kurrentdb-mapping.js';

describe('KurrentDbEventStore against a scripted client', () => {
  it('appends, reads back and reports the exact position of the last event', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const [a, b] = [newEvent(), newEvent({ type: 'BidWithdrawn', data: { reason: 'late' } })];
    const result = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [a, b] });
    expect(result).toEqual({ stream: 'bid-1', revision: 1, position: { commit: 1_100n, prepare: 1_100n } });
    const read = await store.readStream('bid-1');
    expect(read.map((event) => [event.eventId, event.type, event.revision, event.schemaVersion])).toEqual([
      [a.eventId, 'BidSubmitted', 0, 2],
      [b.eventId, 'BidWithdrawn', 1, 2],
    ]);
    expect(read[1]!.metadata).toEqual(METADATA);
  });

  it('treats a retry with the same events as a success, and a reused id with other content as DuplicateEventIdError', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const event = newEvent();
    const first = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [event] });
    const retry = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [event] });
    expect(retry).toEqual(first);
    expect(client.log).toHaveLength(1);
    const impostor = { ...event, data: { bidId: 'b1', amount: { cents: 1, currency: 'EUR' } } };
    await expect(store.append({ stream: 'bid-1', expected: 'no_stream', events: [impostor] })).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
  });

  it('maps a conflict to ConcurrencyError and refuses bad input before sending anything', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    await expect(store.append({ stream: 'bid-1', expected: 5, events: [newEvent()] })).rejects.toMatchObject({
      name: 'ConcurrencyError',
      stream: 'bid-1',
      expected: 5,
      actual: 0,
    });
    await expect(store.append({ stream: 'bad stream', expected: 'any', events: [newEvent()] })).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    expect(client.log).toHaveLength(1);
  });

  it('reads an unknown stream as empty', async () => {
    expect(await storeWith(new ScriptedClient()).readStream('bid-404')).toEqual([]);
  });

  it('reads $all strictly after a position, without system events, paging past events dropped here', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const r1 = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    client.write(storedAs(toEventData(prepared(newEvent({ type: 'Noise' })), '$noise-1'), '$noise-1', 0, at(1_100n)));
    await store.append({ stream: 'bid-2', expected: 'no_stream', events: [newEvent({ type: 'BidSubmittedLate' })] });
    const r3 = await store.append({ stream: 'bid-3', expected: 'no_stream', events: [newEvent()] });

    const afterFirst = await store.readAll({ after: r1.position, limit: 10 });
    expect(afterFirst.map((event) => event.stream)).toEqual(['bid-2', 'bid-3']);

    const paged = await store.readAll({ after: r1.position, limit: 1 });
    expect(paged.map((event) => event.stream)).toEqual(['bid-2']);
    expect(await store.headPosition()).toEqual(r3.position);
  });

  it('subscribes: events after the checkpoint, caught-up in order, live events, unsubscribe on break', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const r1 = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    const r2 = await store.append({ stream: 'bid-2', expected: 'no_stream', events: [newEvent()] });
    const r3 = await store.append({ stream: 'bid-3', expected: 'no_stream', events: [newEvent()] });

    const items: SubscriptionItem[] = [];
    for await (const item of store.subscribe({ after: r1.position })) {
      items.push(item);
      if (item.kind === 'caught-up') {
        await store.append({ stream: 'bid-4', expected: 'no_stream', events: [newEvent()] });
      }
      if (item.kind === 'event' && item.event.stream === 'bid-4') break;
    }
    const summary = items.map((item) =>
      item.kind === 'event' ? item.event.stream : `caught-up@${String(item.position?.commit)}`,
    );
    expect(summary).toEqual(['bid-2', 'bid-3', `caught-up@${String(r3.position.commit)}`, 'bid-4']);
    expect((items[0] as { event: RecordedEvent }).event.position).toEqual(r2.position);
    expect(client.subscriptions[0]!.cancelled).toBe(true);
  });

  it('says caught-up at once when there is nothing after the checkpoint', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const r1 = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    const iterator = store.subscribe({ after: r1.position })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ kind: 'caught-up', position: r1.position } satisfies SubscriptionItem);
    await iterator.return?.();
    const empty = storeWith(new ScriptedClient()).subscribe()[Symbol.asyncIterator]();
    expect((await empty.next()).value).toEqual({ kind: 'caught-up', position: null });
    await empty.return?.();
  });

  it('appends to several streams at once, and takes a whole retry as a success', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const requests = [
      { stream: 'bid-1', expected: 'no_stream' as const, events: [newEvent()] },
      {
        stream: 'grant-1',
        expected: 'no_stream' as const,
        events: [newEvent({ type: 'GrantAwarded' }), newEvent({ type: 'DisbursementRecorded' })],
      },
    ];
    const result = await store.appendMulti(requests);
    expect(result.streams.map(({ stream, revision }) => [stream, revision])).toEqual([
      ['bid-1', 0],
      ['grant-1', 1],
    ]);
    expect(await store.appendMulti(requests)).toEqual(result);
    expect(client.log).toHaveLength(3);
  });

  it('reports an append repeating an earlier one only in part as DuplicateEventIdError, writing nothing', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const bid = newEvent();
    await store.appendMulti([
      { stream: 'bid-1', expected: 'no_stream', events: [bid] },
      { stream: 'call-1', expected: 'no_stream', events: [newEvent({ type: 'CallOpened' })] },
    ]);
    const partly = store.appendMulti([
      { stream: 'bid-1', expected: 'no_stream', events: [bid] },
      { stream: 'grant-1', expected: 'no_stream', events: [newEvent({ type: 'GrantAwarded' })] },
    ]);
    await expect(partly).rejects.toMatchObject({
      constructor: DuplicateEventIdError,
      eventId: bid.eventId,
      stream: 'bid-1',
    });
    expect(client.log).toHaveLength(2);
  });

  it('reports a partial repeat that also meets a moved stream as ConcurrencyError for that stream', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const bid = newEvent();
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [bid] });
    await store.append({ stream: 'call-2', expected: 'no_stream', events: [newEvent({ type: 'CallOpened' })] });
    await expect(
      store.appendMulti([
        { stream: 'bid-1', expected: 'no_stream', events: [bid] },
        { stream: 'call-2', expected: 'no_stream', events: [newEvent({ type: 'CallOpened' })] },
      ]),
    ).rejects.toMatchObject({ constructor: ConcurrencyError, stream: 'call-2', expected: 'no_stream', actual: 0 });
  });

  it('reports an UnknownError the streams do not explain as an unknown outcome, with the client error as cause', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const failure = convertToCommandError(serverHandlerFailure());
    client.failNextMultiAppend = failure;
    await expect(
      store.appendMulti([
        { stream: 'bid-1', expected: 'no_stream', events: [newEvent()] },
        { stream: 'grant-1', expected: 'no_stream', events: [newEvent()] },
      ]),
    ).rejects.toMatchObject({ constructor: AppendOutcomeUnknownError, cause: failure });
  });

  it('refuses two streams differing only in case before sending anything', async () => {
    const client = new ScriptedClient();
    await expect(
      storeWith(client).appendMulti([
        { stream: 'grant-1', expected: 'no_stream', events: [newEvent()] },
        { stream: 'Grant-1', expected: 'no_stream', events: [newEvent()] },
      ]),
    ).rejects.toMatchObject({ constructor: InvalidAppendError, code: 'DUPLICATE_STREAM' });
    expect(client.multiAppendsSent).toBe(0);
  });

  it('refuses calls after close', async () => {
    const store = storeWith(new ScriptedClient());
    await store.close();
    await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});
