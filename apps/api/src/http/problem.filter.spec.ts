import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { ConcurrencyError, EventStoreUnavailableError, InvalidAppendError } from '@app/event-store';
import { DomainError } from '@app/funding';
import { CommandConflictError, StaleRevisionError } from '@app/commands';
import { ProblemFilter } from './problem.filter.js';

const filter = new ProblemFilter();

describe('problem filter', () => {
  it.each([
    [new DomainError('CALL_NOT_FOUND', 'x'), 404, 'CALL_NOT_FOUND'],
    [new DomainError('BID_ALREADY_EXISTS', 'x'), 409, 'BID_ALREADY_EXISTS'],
    [new DomainError('BUDGET_EXCEEDED', 'x'), 422, 'BUDGET_EXCEEDED'],
    [new StaleRevisionError('grant-g1', 3, 4), 412, 'STALE_REVISION'],
    [new CommandConflictError('call-c1', 8), 409, 'CONCURRENCY_CONFLICT'],
    [new ConcurrencyError('call-c1', 2, 3), 409, 'CONCURRENCY_CONFLICT'],
    [new InvalidAppendError('EVENT_TOO_LARGE', 'x'), 400, 'EVENT_TOO_LARGE'],
    [new EventStoreUnavailableError('disk full'), 503, 'EVENT_STORE_UNAVAILABLE'],
    [
      new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'Invalid x',
        errors: [{ field: 'x', problems: ['bad'] }],
      }),
      400,
      'VALIDATION_FAILED',
    ],
  ])('maps %p to %i %s', (error, statusCode, code) => {
    expect(filter.toProblem(error)).toMatchObject({ statusCode, code });
  });

  it('answers a fault of its own as 500 without its details', () => {
    expect(filter.toProblem(new TypeError("Cannot read properties of undefined (reading 'secret')"))).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal error; it has been logged',
    });
  });

  it('keeps the field list of a validation failure', () => {
    const problem = filter.toProblem(
      new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'Invalid x',
        errors: [{ field: 'x', problems: ['bad'] }],
      }),
    );
    expect(problem.errors).toEqual([{ field: 'x', problems: ['bad'] }]);
  });
});
