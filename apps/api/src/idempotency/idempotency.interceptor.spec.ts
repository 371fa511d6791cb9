/**
 * What a failed command leaves of its Idempotency-Key, through the interceptor as the API wires it:
 * after a 5xx the outcome is unknown and the key stays that request's (its retry runs again,
 * another body is refused); after a 4xx nothing was written and the key is free.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BadRequestException,
  ConflictException,
  InternalServerErrorException,
  ServiceUnavailableException,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
} from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventDecodingError,
  EventStoreUnavailableError,
  InvalidAppendError,
} from '@app/event-store';
import { DomainError } from '@app/funding';
import { CommandConflictError, StaleRevisionError } from '@app/commands';
import { IdempotencyKeys, SqliteIdempotencyStore } from '@app/idempotency';
import { IdempotencyInterceptor, isOutcomeUnknown } from './idempotency.interceptor.js';

describe('whether a failed command may have been written all the same', () => {
  it.each([
    ['the event store unavailable', new EventStoreUnavailableError('disk I/O error')],
    [
      'an append whose outcome is unknown',
      new AppendOutcomeUnknownError('deadline exceeded after the append was sent'),
    ],
    ['a stored event that cannot be read', new EventDecodingError('bid-b1', null, 3, 'unknown event type')],
    ['a fault of the product', new TypeError("Cannot read properties of undefined (reading 'revision')")],
    ['a 500 of its own', new InternalServerErrorException()],
    ['a 503 of its own', new ServiceUnavailableException({ code: 'READ_MODELS_BEHIND', message: 'retry' })],
  ])('yes, after %s (a 5xx): its key is kept', (_, error) => {
    expect(isOutcomeUnknown(error)).toBe(true);
  });

  it.each([
    ['a refusal of the domain', new DomainError('BUDGET_EXCEEDED', 'over budget')],
    ['an unknown entity', new DomainError('CALL_NOT_FOUND', 'no such call')],
    ['an id already used', new DomainError('BID_ALREADY_EXISTS', 'bid b1 exists')],
    ['a stale If-Match', new StaleRevisionError('grant-g1', 3, 4)],
    ['conflicts past the retries', new CommandConflictError('call-c1', 8)],
    ['a conflict of the store', new ConcurrencyError('call-c1', 2, 3)],
    ['an event id used for another event', new DuplicateEventIdError('e1', 'bid-b1')],
    ['an append refused before writing', new InvalidAppendError('EVENT_TOO_LARGE', 'too large')],
    ['a bad request', new BadRequestException({ code: 'VALIDATION_FAILED', message: 'bad' })],
    ['a 409 of its own', new ConflictException()],
  ])('no, after %s (a 4xx): its key is released', (_, error) => {
    expect(isOutcomeUnknown(error)).toBe(false);
  });
});

describe('the Idempotency-Key of a command that failed', () => {
  let dir: string;
  let store: SqliteIdempotencyStore;
  let interceptor: IdempotencyInterceptor;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idempotency-interceptor-'));
    store = SqliteIdempotencyStore.open(join(dir, 'api.db'), { retentionMs: 3_600_000 });
    interceptor = new IdempotencyInterceptor(
      new IdempotencyKeys(store, { retentionMs: 3_600_000, isOutcomeUnknown, waitMs: 100 }),
    );
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** POST /calls/c1/bids with the key, its handler answering `answer`. */
  const submit = (body: object, answer: () => ReturnType<CallHandler['handle']>) => {
    const request = {
      method: 'POST',
      originalUrl: '/calls/c1/bids',
      headers: { 'idempotency-key': 'portal-submission-8841' },
      body,
      principal: { id: 'dev:applicant-service' },
    };
    const response = { getHeader: () => undefined, setHeader: () => undefined, status: () => undefined };
    const context = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
      getHandler: () => submit,
    } as unknown as ExecutionContext;
    return lastValueFrom(interceptor.intercept(context, { handle: answer }));
  };
  const bid = { bidId: 'b1', requestedCents: 250_000 };
  const other = { bidId: 'b1', requestedCents: 1_000 };

  it('after a 5xx is kept for that request: its retry runs again, another body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await expect(
      submit(bid, () => throwError(() => new AppendOutcomeUnknownError('deadline exceeded'))),
    ).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    const reused = submit(other, () => of({ bidId: 'b1' }));
    await expect(reused).rejects.toBeInstanceOf(UnprocessableEntityException);
    await expect(reused).rejects.toMatchObject({ response: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await submit(bid, () => of({ bidId: 'b1', revision: 0 }))).toEqual({ bidId: 'b1', revision: 0 });
  });

  it('after a 4xx is free: a corrected request with the key runs', async () => {
    await expect(
      submit(bid, () => throwError(() => new DomainError('BUDGET_EXCEEDED', 'over budget'))),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await submit(other, () => of({ bidId: 'b1', revision: 0 }))).toEqual({ bidId: 'b1', revision: 0 });
  });
});
