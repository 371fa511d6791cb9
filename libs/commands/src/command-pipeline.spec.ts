/**
 * The pipeline's own promises, on an in-memory event store: If-Match, the expected revision of
 * every append, deciding again after a lost race, and the bound on retries.
 */
import { describe, expect, it } from '@jest/globals';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  InMemoryEventStore,
  InMemoryLog,
  type AppendRequest,
} from '@app/event-store';
import { grantStream, type FundingCommand } from '@app/funding';
import { ACT, EUR } from '../../funding/test-support/funding.fixtures.js';
import { commandContext, record } from '../../funding/test-support/given-when-then.js';
import { clock, grantPaidInAdvance, pay } from '../test-support/paid-in-advance.js';
import { CommandConflictError, StaleRevisionError } from './command-errors.js';
import { CommandPipeline } from './command-pipeline.js';

/**
 * A store where, `times` times, another writer (another process on the same log) gets its append in
 * between the pipeline's read and its own append.
 */
class RacedStore extends InMemoryEventStore {
  /** Another process on the same events. */
  readonly other: CommandPipeline;

  constructor(events = new InMemoryLog()) {
    super(events);
    this.other = new CommandPipeline(new InMemoryEventStore(events), clock);
  }

  appends: AppendRequest[] = [];
  private times = 0;
  private competing: () => Promise<unknown> = async () => undefined;

  /** From now on, the next `times` appends find another writer's event got there first. */
  race(times: number, competing: () => Promise<unknown>): this {
    this.times = times;
    this.competing = competing;
    return this;
  }

  override async append(request: AppendRequest) {
    this.appends.push(request);
    if (this.times > 0) {
      this.times--;
      await this.competing();
    }
    return super.append(request);
  }
}

async function grantWithHistory(store: InMemoryEventStore): Promise<void> {
  await record(store, grantPaidInAdvance);
  if (store instanceof RacedStore) store.appends = [];
}

describe('the command pipeline', () => {
  it('appends with the revision it read: a stream that moved on in between is refused, and the command decided again on fresh state', async () => {
    const store = new RacedStore();
    await grantWithHistory(store);
    store.race(1, () => store.other.execute(pay('d-other', EUR(100_000)), commandContext()));
    // 100,000 paid by the other writer first: 30,000 more no longer fits the 120,000 award.
    await expect(
      new CommandPipeline(store, clock).execute(pay('d1', EUR(30_000)), commandContext()),
    ).rejects.toMatchObject({ code: 'DISBURSEMENT_EXCEEDS_GRANT' });
    expect(store.appends.map((a) => a.expected)).toEqual([0]);
    const paid = (await store.readStream(grantStream('g1'))).filter((e) => e.type === 'DisbursementRecorded');
    expect(paid.map((e) => (e.data as { amountCents: number }).amountCents)).toEqual([EUR(100_000)]);
  });

  it('after a lost race, decides again and succeeds when the command still fits', async () => {
    const store = new RacedStore();
    await grantWithHistory(store);
    store.race(2, () => store.other.execute(pay(`d-other-${store.appends.length}`, EUR(10_000)), commandContext()));
    const outcome = await new CommandPipeline(store, clock).execute(pay('d1', EUR(30_000)), commandContext());
    expect(outcome).toMatchObject({ stream: grantStream('g1'), revision: 3 });
  });

  it('gives up with a conflict after a bounded number of attempts', async () => {
    const store = new RacedStore();
    await grantWithHistory(store);
    store.race(Number.MAX_SAFE_INTEGER, () =>
      store.other.execute(pay(`d-other-${store.appends.length}`, 1), commandContext()),
    );
    await expect(
      new CommandPipeline(store, clock, { maxAttempts: 3 }).execute(pay('d1', 1), commandContext()),
    ).rejects.toBeInstanceOf(CommandConflictError);
    expect(
      store.appends.filter((a) =>
        a.events.some((e) => (e.data as { disbursementId?: string }).disbursementId === 'd1'),
      ),
    ).toHaveLength(3);
  });

  it('answers If-Match on the stream the command is about: a stale revision writes nothing, the current one goes through', async () => {
    const store = new InMemoryEventStore();
    await grantWithHistory(store);
    const pipeline = new CommandPipeline(store, clock);
    const head = await store.headPosition();
    await expect(pipeline.execute(pay('d1', 1), { ...commandContext(), ifMatch: 5 })).rejects.toMatchObject({
      constructor: StaleRevisionError,
      expected: 5,
      actual: 0,
    });
    expect(await store.headPosition()).toEqual(head);
    expect(await pipeline.execute(pay('d1', 1), { ...commandContext(), ifMatch: 0 })).toMatchObject({ revision: 1 });
  });

  it('under If-Match, a lost race is a stale revision, never decided again', async () => {
    const store = new RacedStore();
    await grantWithHistory(store);
    store.race(1, () => store.other.execute(pay('d-other', 1), commandContext()));
    await expect(
      new CommandPipeline(store, clock).execute(pay('d1', 1), { ...commandContext(), ifMatch: 0 }),
    ).rejects.toBeInstanceOf(StaleRevisionError);
  });

  it('under If-Match, a lost race on another stream of the command is decided again, not a stale revision, and a conflict names its stream', async () => {
    const store = new InMemoryEventStore();
    await grantWithHistory(store);
    let conflicts = 1;
    const raced = Object.assign(store, {
      appendMulti: (requests: readonly AppendRequest[]) =>
        conflicts-- > 0
          ? Promise.reject(new ConcurrencyError('call-c1', 'exists', 7))
          : InMemoryEventStore.prototype.appendMulti.call(store, requests),
    });
    const revoke: FundingCommand = { type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', act: ACT };
    expect(await new CommandPipeline(raced, clock).execute(revoke, { ...commandContext(), ifMatch: 0 })).toMatchObject({
      stream: grantStream('g1'),
      revision: 1,
    });

    const always = Object.assign(new InMemoryEventStore(), {
      appendMulti: () => Promise.reject(new ConcurrencyError('call-c1', 'exists', 7)),
    });
    await grantWithHistory(always);
    await expect(
      new CommandPipeline(always, clock, { maxAttempts: 2 }).execute(revoke, commandContext()),
    ).rejects.toMatchObject({ constructor: CommandConflictError, stream: 'call-c1' });
  });

  it('writes a stream it did not read only if it exists (a release to a call decided on the grant alone)', async () => {
    const store = new InMemoryEventStore();
    const multi: AppendRequest[][] = [];
    const spied = Object.assign(store, {
      appendMulti: (requests: readonly AppendRequest[]) => {
        multi.push([...requests]);
        return InMemoryEventStore.prototype.appendMulti.call(store, requests);
      },
    });
    await grantWithHistory(spied);
    await new CommandPipeline(spied, clock).execute(
      { type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', act: ACT },
      commandContext(),
    );
    expect(multi[0]!.map((r) => [r.stream, r.expected])).toEqual([
      ['grant-g1', 0],
      ['call-c1', 'exists'],
    ]);
  });

  it('retries conflicts only: any other failure of the store passes through at once', async () => {
    const store = new InMemoryEventStore();
    await grantWithHistory(store);
    let attempts = 0;
    const failing = Object.assign(store, { append: () => (attempts++, Promise.reject(new Error('disk full'))) });
    await expect(new CommandPipeline(failing, clock).execute(pay('d1', 1), commandContext())).rejects.toThrow(
      'disk full',
    );
    expect(attempts).toBe(1);
  });
});

describe('one answer per command, whatever happens to the append', () => {
  /** A store whose next appends land and then answer as a timeout would: the write is there, the caller cannot know. */
  class CommitThenFail extends InMemoryEventStore {
    appends = 0;
    failNext = 0;
    override async append(request: AppendRequest) {
      this.appends++;
      const result = await super.append(request);
      if (this.failNext > 0) {
        this.failNext--;
        throw new AppendOutcomeUnknownError('timed out waiting for the answer');
      }
      return result;
    }
  }
  const payments = async (store: InMemoryEventStore) =>
    (await store.readStream(grantStream('g1'))).filter((e) => e.type === 'DisbursementRecorded');

  it('an append that landed but answered with an unknown outcome is found by its ids and answered, never appended again', async () => {
    const store = new CommitThenFail();
    await grantWithHistory(store);
    store.appends = 0;
    store.failNext = 1;
    const outcome = await new CommandPipeline(store, clock).execute(pay('d1', EUR(30_000)), commandContext());
    const paid = await payments(store);
    expect(paid).toHaveLength(1);
    expect(store.appends).toBe(1);
    expect(outcome).toEqual({ stream: grantStream('g1'), revision: paid[0]!.revision, position: paid[0]!.position });
  });

  it('a command retried with its command id after it was written answers the first outcome and writes nothing, even under If-Match', async () => {
    const store = new InMemoryEventStore();
    await grantWithHistory(store);
    const pipeline = new CommandPipeline(store, clock);
    const context = commandContext();
    // The payment id is the server's (derived from the command id): the retry names the same payment.
    const first = await pipeline.execute(pay('d1', EUR(30_000)), context);
    const head = await store.headPosition();
    expect(await pipeline.execute(pay('d1', EUR(30_000)), context)).toEqual(first);
    expect(await new CommandPipeline(store, clock).execute(pay('d1', EUR(30_000)), { ...context, ifMatch: 0 })).toEqual(
      first,
    );
    expect(await store.headPosition()).toEqual(head);
    expect(await payments(store)).toHaveLength(1);
  });

  it('an unknown outcome whose events are not in the store goes back to the caller, and the retry writes the command once', async () => {
    const store = new InMemoryEventStore();
    await grantWithHistory(store);
    const context = commandContext();
    let failures = 1;
    const flaky = Object.assign(store, {
      append: (request: AppendRequest) =>
        failures-- > 0
          ? Promise.reject(new AppendOutcomeUnknownError('connection reset before the write'))
          : InMemoryEventStore.prototype.append.call(store, request),
    });
    await expect(new CommandPipeline(flaky, clock).execute(pay('d1', EUR(30_000)), context)).rejects.toBeInstanceOf(
      AppendOutcomeUnknownError,
    );
    expect(await payments(store)).toHaveLength(0);
    await new CommandPipeline(flaky, clock).execute(pay('d1', EUR(30_000)), context);
    expect(await payments(store)).toHaveLength(1);
  });

  it('a multi-stream append that landed with an unknown outcome answers with its last position', async () => {
    const store = new InMemoryEventStore();
    await grantWithHistory(store);
    let failures = 1;
    const flaky = Object.assign(store, {
      appendMulti: async (requests: readonly AppendRequest[]) => {
        const result = await InMemoryEventStore.prototype.appendMulti.call(store, requests);
        if (failures-- > 0) throw new AppendOutcomeUnknownError('leader changed after the write');
        return result;
      },
    });
    const outcome = await new CommandPipeline(flaky, clock).execute(
      { type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', act: ACT },
      commandContext(),
    );
    expect(outcome.stream).toBe(grantStream('g1'));
    expect(outcome.position).toEqual(await store.headPosition());
    expect((await store.readStream('call-c1')).filter((e) => e.type === 'CallBudgetReleased')).toHaveLength(1);
  });
});
