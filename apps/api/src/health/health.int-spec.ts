/**
 * /health, /health/ready and /health/live over the real read side (its in-process projector, the
 * embedded read-model store) while the event store's subscriptions go away and come back, and
 * when another process runs the projector. Every response is checked against the committed
 * OpenAPI document.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, InMemoryEventStore } from '@app/event-store';
import { FUNDING_PROJECTIONS, READ_MODEL_STORE, SqliteReadModelStore } from '@app/read-models';
import { DroppingEventStore } from '../../../../libs/read-models/test-support/dropping-event-store.js';
import { envelope, lifecycle } from '../../../../libs/read-models/test-support/funding-log.js';
import { request } from '../../../../test/support/http.js';
import { until } from '../../../../test/support/until.js';
import { serveLikeMain } from '../../test-support/serve-like-main.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { EVENT_STORE_INFO } from '../infrastructure/event-store.provider.js';
import { ReadSide } from '../queries/read-side.js';
import { HealthController } from './health.controller.js';

type ProjectionBody = {
  projection: string;
  state: string;
  reconnecting: { since: string; attempts: number; lastError: string; nextAttemptAt: string } | null;
};

describe('health routes', () => {
  let app: INestApplication | null = null;
  let readSide: ReadSide | null = null;
  let url: string;

  async function start(options: {
    runProjector: boolean;
  }): Promise<{ events: DroppingEventStore; readModels: SqliteReadModelStore }> {
    const log = new InMemoryEventStore();
    for (const { stream, event } of await lifecycle())
      await log.append({ stream, expected: 'any', events: [envelope(event)] });
    const events = new DroppingEventStore(log);
    const readModels = SqliteReadModelStore.open(':memory:');
    const config = {
      runProjector: options.runProjector,
      // On this thread: the projector follows the in-memory log these tests drop subscriptions of.
      projectorThread: 'inline',
      projectorLeaseMs: 3_000,
      minPositionWaitMs: 1_000,
    } as AppConfig;
    const module = await Test.createTestingModule({
      controllers: [HealthController],
      providers: [
        ReadSide,
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: events },
        { provide: READ_MODEL_STORE, useValue: readModels },
        { provide: EVENT_STORE_INFO, useValue: { adapter: 'embedded', durability: null } },
      ],
    }).compile();
    ({ app, url } = await serveLikeMain(module));
    readSide = app.get(ReadSide);
    return { events, readModels };
  }

  afterEach(async () => {
    await readSide?.stop();
    await app?.close();
    app = null;
    readSide = null;
  });

  const get = (path: string) => request(url).get(path);
  const projections = async (): Promise<ProjectionBody[]> =>
    (await get('/health')).body.readModels.projections as ProjectionBody[];

  it('is live, ready and ok while every projection follows the log', async () => {
    await start({ runProjector: true });
    await until(async () => (await projections()).every((p) => p.state === 'live'), 'every projection is live');
    expect((await get('/health/live')).body).toEqual({ status: 'live' });
    const ready = await get('/health/ready');
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready', reasons: [] } });
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    for (const p of health.body.readModels.projections as ProjectionBody[]) expect(p.reconnecting).toBeNull();
  });

  it('says reconnecting, degraded and not ready while the event store is away, and ready again once it is back', async () => {
    const { events } = await start({ runProjector: true });
    await until(async () => (await projections()).every((p) => p.state === 'live'), 'every projection is live');

    events.goDown();
    await until(
      async () =>
        (await projections()).every(
          (p) => p.state === 'reconnecting' && p.reconnecting !== null && p.reconnecting.attempts >= 2,
        ),
      'every projection is reconnecting',
    );
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    for (const p of health.body.readModels.projections as ProjectionBody[]) {
      expect(p.reconnecting).toMatchObject({ lastError: expect.stringMatching(/^EventStoreUnavailableError: /) });
      expect(Date.parse(p.reconnecting!.nextAttemptAt)).toBeGreaterThan(Date.parse(p.reconnecting!.since));
    }
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not-ready');
    expect(ready.body.reasons).toHaveLength(FUNDING_PROJECTIONS.length);
    for (const reason of ready.body.reasons as string[])
      expect(reason).toMatch(/^[a-z-]+: reconnecting since .+, next attempt at .+ \(EventStoreUnavailableError: .+\)$/);
    expect((await get('/health/live')).status).toBe(200);

    events.up();
    await until(async () => (await get('/health/ready')).status === 200, 'ready again');
    expect((await projections()).every((p) => p.state === 'live' && p.reconnecting === null)).toBe(true);
    expect((await get('/health')).body.status).toBe('ok');
  });

  it('reads what a projector running in another process records: reconnecting, or failed', async () => {
    const { readModels } = await start({ runProjector: false });
    const space = readModels.space(1);
    const interruption = {
      since: '2026-11-25T10:00:00.000Z',
      attempts: 7,
      lastError: 'EventStoreUnavailableError: connection reset',
      nextAttemptAt: '2026-11-25T10:00:20.000Z',
    };
    await space.recordInterruption('grant-summaries', interruption);

    const grants = async () => (await projections()).find((p) => p.projection === 'grant-summaries');
    expect(await grants()).toMatchObject({ state: 'reconnecting', reconnecting: interruption });
    expect(
      (await projections())
        .filter((p) => p.projection !== 'grant-summaries')
        .every((p) => p.state === 'external' && p.reconnecting === null),
    ).toBe(true);
    const ready = await get('/health/ready');
    expect({ status: ready.status, reasons: ready.body.reasons }).toEqual({
      status: 503,
      reasons: [
        'grant-summaries: reconnecting since 2026-11-25T10:00:00.000Z, next attempt at 2026-11-25T10:00:20.000Z (EventStoreUnavailableError: connection reset)',
      ],
    });

    await space.recordInterruption('grant-summaries', null);
    expect(await grants()).toMatchObject({ state: 'external', reconnecting: null });
    expect((await get('/health/ready')).status).toBe(200);

    await space.recordFailure('bid-summaries', { commit: '12', prepare: '12' }, 'unknown event type BidTeleported');
    const failed = await get('/health/ready');
    expect({ status: failed.status, reasons: failed.body.reasons }).toEqual({
      status: 503,
      reasons: ['bid-summaries: failed at 12 (unknown event type BidTeleported)'],
    });
    expect((await get('/health')).body.status).toBe('degraded');
  });
});
