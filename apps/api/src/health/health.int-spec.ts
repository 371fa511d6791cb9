/**
 * /health, /health/ready and /health/live over the real read side (its in-process projector, the
 * embedded read-model store) while the event store's subscriptions go away and come back, and
 * when another process runs the projector; and while a write would not land: the disk of DATA_DIR
 * below HEALTH_MIN_FREE_DISK_BYTES, or the last append failed for the store (a real SQLite refusal
 * to write, through the command pipeline). Every response is checked against the committed OpenAPI
 * document.
 */
import { mkdir, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Database from 'better-sqlite3';
import type { AppConfig } from '@app/config';
import { CommandPipeline } from '@app/commands';
import { EVENT_STORE, InMemoryEventStore, SqliteEventStore, type EventStore } from '@app/event-store';
import { FUNDING_PROJECTIONS, READ_MODEL_STORE, SqliteReadModelStore } from '@app/read-models';
import { DroppingEventStore } from '../../../../libs/read-models/test-support/dropping-event-store.js';
import { envelope, lifecycle } from '../../../../libs/read-models/test-support/funding-log.js';
import { clock, fundingStory } from '../../../../libs/commands/test-support/funding-story.js';
import { commandContext } from '../../../../libs/funding/test-support/test-ledger.js';
import { request } from '../../../../test/support/http.js';
import { until } from '../../../../test/support/until.js';
import { serveLikeMain } from '../../test-support/serve-like-main.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { EVENT_STORE_INFO } from '../infrastructure/event-store.provider.js';
import { ReadSide } from '../queries/read-side.js';
import { HealthReports } from './health-reports.js';
import { HealthController } from './health.controller.js';
import { WRITE_PROBE_FILE, WriteReadiness } from './write-readiness.js';

type ProjectionBody = {
  projection: string;
  state: string;
  reconnecting: { since: string; attempts: number; lastError: string; nextAttemptAt: string } | null;
};

describe('health routes', () => {
  let app: INestApplication | null = null;
  let readSide: ReadSide | null = null;
  let url: string;
  let dataDir: string | null = null;
  let sqlite: SqliteEventStore | null = null;

  async function start(options: { runProjector: boolean; eventStore?: EventStore }): Promise<{
    events: DroppingEventStore;
    readModels: SqliteReadModelStore;
    config: { -readonly [K in keyof AppConfig]: AppConfig[K] };
  }> {
    const log = new InMemoryEventStore();
    for (const { stream, event } of await lifecycle())
      await log.append({ stream, expected: 'any', events: [envelope(event)] });
    const events = new DroppingEventStore(log);
    const readModels = SqliteReadModelStore.open(':memory:');
    dataDir = await mkdtemp(join(tmpdir(), 'health-'));
    const config = {
      runProjector: options.runProjector,
      // On this thread: the projector follows the in-memory log these tests drop subscriptions of.
      projectorThread: 'inline',
      projectorLeaseMs: 3_000,
      minPositionWaitMs: 1_000,
      dataDir,
      kurrentDbUrl: null,
      mongoDbUrl: null,
      healthMinFreeDiskBytes: 0,
    } as AppConfig;
    const module = await Test.createTestingModule({
      controllers: [HealthController],
      providers: [
        ReadSide,
        WriteReadiness,
        HealthReports,
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: options.eventStore ?? events },
        { provide: READ_MODEL_STORE, useValue: readModels },
        { provide: EVENT_STORE_INFO, useValue: { adapter: 'embedded', durability: null } },
        {
          provide: CommandPipeline,
          inject: [EVENT_STORE, WriteReadiness],
          useFactory: (store: EventStore, writes: WriteReadiness) =>
            new CommandPipeline(store, clock, { observer: writes }),
        },
      ],
    }).compile();
    ({ app, url } = await serveLikeMain(module));
    readSide = app.get(ReadSide);
    return { events, readModels, config };
  }

  afterEach(async () => {
    await readSide?.stop();
    await app?.close();
    await sqlite?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    app = null;
    readSide = null;
    sqlite = null;
    dataDir = null;
  });

  /** Milliseconds until `condition` holds (asked every 20 ms, as a prober would). */
  async function msUntil(condition: () => Promise<boolean>, what: string): Promise<number> {
    const started = performance.now();
    await until(condition, what, 10_000);
    return Math.round(performance.now() - started);
  }

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

  it('is not ready within 5 s once the disk of DATA_DIR has less free space than HEALTH_MIN_FREE_DISK_BYTES, and ready within 5 s once it has more', async () => {
    const { config } = await start({ runProjector: false });
    expect((await get('/health/ready')).status).toBe(200);
    const fs = await statfs(dataDir!);
    const free = fs.bavail * fs.bsize;

    // The free space cannot be taken from the disk here: the threshold is raised above it, as a filling disk would fall below it.
    config.healthMinFreeDiskBytes = free * 4;
    const toNotReady = await msUntil(async () => (await get('/health/ready')).status === 503, 'not ready');
    const ready = await get('/health/ready');
    expect(ready.body.status).toBe('not-ready');
    expect(ready.body.reasons).toEqual([
      expect.stringMatching(
        new RegExp(
          `^disk-low: \\d+ bytes free on the filesystem of ${dataDir}, below HEALTH_MIN_FREE_DISK_BYTES \\(${free * 4}\\)$`,
        ),
      ),
    ]);
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.writes).toEqual({
      disk: { status: 'low', path: dataDir, freeBytes: expect.any(Number), minFreeBytes: free * 4 },
      appendFailure: null,
    });
    expect((await get('/health/live')).status).toBe(200);

    config.healthMinFreeDiskBytes = Math.floor(free / 4);
    const toReady = await msUntil(async () => (await get('/health/ready')).status === 200, 'ready again');
    expect((await get('/health')).body).toMatchObject({ status: 'ok', writes: { disk: { status: 'ok' } } });
    process.stderr.write(`disk-low flips: to 503 in ${toNotReady} ms, back to 200 in ${toReady} ms\n`);
    expect(toNotReady).toBeLessThan(5_000);
    expect(toReady).toBeLessThan(5_000);
  });

  it('is not ready after an append fails for the store, until an append lands again, or a probe write does', async () => {
    const eventsDir = await mkdtemp(join(tmpdir(), 'health-events-'));
    const file = join(eventsDir, 'events.db');
    sqlite = SqliteEventStore.open(file);
    await start({ runProjector: false, eventStore: sqlite });
    const pipeline = app!.get(CommandPipeline);
    // The store's own connection refuses to write, as SQLite does on a file it cannot write: SQLITE_READONLY.
    const connection = (sqlite as unknown as { db: Database.Database }).db;
    // While the probe's file is a directory, the probe cannot land either.
    const probe = join(dataDir!, WRITE_PROBE_FILE);
    await mkdir(probe);
    const [first, second, third] = fundingStory('ready');
    const firstContext = commandContext();

    connection.pragma('query_only = ON');
    await expect(pipeline.execute(first!, firstContext)).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
    const notReady = await get('/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body.reasons).toEqual([
      expect.stringMatching(
        /^event-store-not-writable: EVENT_STORE_UNAVAILABLE \(SQLITE_READONLY\) since \S+Z \(EventStoreUnavailableError: .*readonly database\); probe: Error: EISDIR/,
      ),
    ]);
    const health = await get('/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.writes.appendFailure).toMatchObject({
      code: 'EVENT_STORE_UNAVAILABLE (SQLITE_READONLY)',
      since: expect.any(String),
      probe: expect.stringMatching(/^Error: EISDIR/),
    });
    // Still not ready a probe period later: the probe is tried again and fails again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await get('/health/ready')).status).toBe(503);

    connection.pragma('query_only = OFF');
    await pipeline.execute(first!, firstContext);
    expect((await get('/health/ready')).status).toBe(200);
    expect((await get('/health')).body).toMatchObject({ status: 'ok', writes: { appendFailure: null } });

    // Failing again, since anew; then the disk takes the probe's write: ready with no append.
    connection.pragma('query_only = ON');
    await expect(pipeline.execute(second!, commandContext())).rejects.toMatchObject({
      code: 'EVENT_STORE_UNAVAILABLE',
    });
    const since = (await get('/health')).body.writes.appendFailure.since as string;
    expect(Date.parse(since)).toBeGreaterThan(Date.parse(health.body.writes.appendFailure.since as string));
    expect((await get('/health/ready')).status).toBe(503);
    connection.pragma('query_only = OFF');
    await rm(probe, { recursive: true });
    const toReady = await msUntil(async () => (await get('/health/ready')).status === 200, 'ready after a probe');
    process.stderr.write(`event-store-not-writable: back to 200 by the probe in ${toReady} ms\n`);
    expect(toReady).toBeLessThan(5_000);
    await pipeline.execute(second!, commandContext());
    await pipeline.execute(third!, commandContext());
    expect((await get('/health/ready')).status).toBe(200);
    await sqlite.close();
    sqlite = null;
    await rm(eventsDir, { recursive: true, force: true });
  });
});
