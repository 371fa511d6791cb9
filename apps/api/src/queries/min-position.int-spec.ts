/**
 * Read-your-writes through the query controller as the API wires it: with one projection behind
 * the log, a query with `X-Min-Position` waits only for the projections it reads. A query of
 * another read model answers at once; one of the lagging read model, or a route that declares
 * nothing, waits and then answers 503 READ_MODELS_BEHIND with Retry-After.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, InMemoryEventStore, formatPosition, type LogPosition } from '@app/event-store';
import { PERSONAL_DATA_VAULT } from '@app/personal-data';
import {
  FUNDING_PROJECTIONS,
  Projector,
  READ_MODEL_STORE,
  SqliteReadModelStore,
  rebuildReadModels,
} from '@app/read-models';
import { envelope, lateBid, lifecycle } from '../../../../libs/read-models/test-support/funding-log.js';
import { request } from '../../../../test/support/http.js';
import { until } from '../../../../test/support/until.js';
import { serveLikeMain } from '../../test-support/serve-like-main.js';
import { ProblemFilter } from '../http/problem.filter.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { CLOCK, systemClock } from '../infrastructure/clock.js';
import { MinPositionInterceptor } from './min-position.interceptor.js';
import { ReadModelsController } from './read-models.controller.js';
import { ReadSide } from './read-side.js';

// Far above a query answered at once on a loaded machine, so that "at once" and "waited the bound" cannot be confused.
const WAIT_MS = 2_000;

describe('X-Min-Position with one projection behind the log', () => {
  let log: InMemoryEventStore;
  let readModels: SqliteReadModelStore;
  let projector: Projector;
  let app: INestApplication;
  let readSide: ReadSide;
  let url: string;
  let written: LogPosition;

  beforeEach(async () => {
    log = new InMemoryEventStore();
    for (const { stream, event } of await lifecycle())
      await log.append({ stream, expected: 'any', events: [envelope(event)] });
    readModels = SqliteReadModelStore.open(':memory:');
    await rebuildReadModels(log, readModels, FUNDING_PROJECTIONS);
    // A write every projection but expenditure-claims applies: that one is stopped behind it.
    const { stream, event } = lateBid('b9');
    written = (await log.append({ stream, expected: 'any', events: [envelope(event)] })).position;
    projector = new Projector(
      log,
      readModels,
      FUNDING_PROJECTIONS.filter((p) => p.name !== 'expenditure-claims'),
      () => undefined,
    );
    await projector.start();
    await until(
      async () => (await readModels.space(await readModels.activeGeneration()).get('bids', 'b9')) !== null,
      'the running projections have applied the write',
    );

    const config = { runProjector: false, minPositionWaitMs: WAIT_MS } as AppConfig;
    const module = await Test.createTestingModule({
      controllers: [ReadModelsController],
      providers: [
        ReadSide,
        MinPositionInterceptor,
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: log },
        { provide: READ_MODEL_STORE, useValue: readModels },
        { provide: CLOCK, useValue: systemClock },
        { provide: PERSONAL_DATA_VAULT, useValue: {} },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    }).compile();
    ({ app, url } = await serveLikeMain(module));
    readSide = app.get(ReadSide);
  });

  afterEach(async () => {
    await projector.stop();
    await readSide.stop();
    await app.close();
    await log.close();
  });

  const query = async (path: string) => {
    const started = Date.now();
    const res = await request(url).get(path).set('X-Min-Position', formatPosition(written));
    return { res, tookMs: Date.now() - started };
  };

  it('answers a query of a projection that has applied the write at once', async () => {
    const { res, tookMs } = await query('/calls');
    expect(res.status).toBe(200);
    expect(tookMs).toBeLessThan(WAIT_MS);
    const call = await query('/calls/c1');
    expect(call.res.status).toBe(200);
    expect(call.res.body).toMatchObject({ callId: 'c1' });
    expect(call.tookMs).toBeLessThan(WAIT_MS);
  });

  it('makes a query of the lagging projection wait, then answer 503 READ_MODELS_BEHIND with Retry-After', async () => {
    const { res, tookMs } = await query('/expenditure-claims');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ code: 'READ_MODELS_BEHIND' });
    expect(tookMs).toBeGreaterThanOrEqual(WAIT_MS - 20);
  });

  it('makes a route that declares no projection wait for every one', async () => {
    const { res } = await query('/programmes/p1/dashboard');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'READ_MODELS_BEHIND' });
  });
});
