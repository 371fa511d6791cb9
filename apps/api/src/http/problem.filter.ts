import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventDecodingError,
  EventStoreUnavailableError,
  StreamTombstonedError,
  InvalidAppendError,
} from '@app/event-store';
import { DomainError } from '@app/funding';
import { CommandConflictError, StaleRevisionError } from '@app/commands';
import { DOMAIN_ERROR_STATUS } from './domain-error-status.js';

export interface ProblemBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly errors?: unknown;
}

/**
 * Every error leaves as JSON `{ statusCode, code, message }`. Domain refusals keep the domain's
 * code, with the status `DOMAIN_ERROR_STATUS` gives it (422, 404 for an unknown entity, 409 for an
 * id already used or a state that forbids it); a client's mistake is never a 500. Only faults of
 * the product itself are 500, logged with their stack.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<FastifyReply>();
    const problem = this.toProblem(error);
    // A 5xx the API chose to give (read models behind, busy, store unavailable) is a warning; anything else is a fault, with its stack.
    if (problem.statusCode >= 500) {
      if (error instanceof HttpException || error instanceof EventStoreUnavailableError)
        this.logger.warn(`${problem.statusCode} ${problem.code}: ${problem.message}`);
      else this.logger.error(problem.message, error instanceof Error ? error.stack : String(error));
    }
    // Past the headers (a stream that failed halfway), the only honest signal left is a cut response.
    if (response.sent || response.raw.headersSent) {
      response.raw.destroy();
      return;
    }
    if (problem.statusCode === HttpStatus.SERVICE_UNAVAILABLE && !response.getHeader('Retry-After'))
      response.header('Retry-After', '5');
    response.code(problem.statusCode).send(problem);
  }

  toProblem(error: unknown): ProblemBody {
    if (error instanceof DomainError) {
      return {
        ...error.details,
        statusCode: DOMAIN_ERROR_STATUS[error.code],
        code: error.code,
        message: error.message,
      };
    }
    if (error instanceof StaleRevisionError) return { statusCode: 412, code: error.code, message: error.message };
    if (error instanceof CommandConflictError) return { statusCode: 409, code: error.code, message: error.message };
    if (error instanceof ConcurrencyError) return { statusCode: 409, code: error.code, message: error.message };
    if (error instanceof DuplicateEventIdError) return { statusCode: 409, code: error.code, message: error.message };
    if (error instanceof InvalidAppendError) return { statusCode: 400, code: error.code, message: error.message };
    if (error instanceof EventStoreUnavailableError)
      return { statusCode: 503, code: error.code, message: 'The event store is unavailable; retry later' };
    if (error instanceof EventDecodingError) return { statusCode: 500, code: error.code, message: error.message };
    // A stream deleted for good outside the ledger (a KurrentDB tombstone): the record is damaged, not the request.
    if (error instanceof StreamTombstonedError) return { statusCode: 500, code: error.code, message: error.message };
    if (error instanceof HttpException) return fromHttpException(error);
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal error; it has been logged' };
  }
}

function fromHttpException(error: HttpException): ProblemBody {
  const statusCode = error.getStatus();
  const body = error.getResponse();
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message =
    typeof fields['message'] === 'string'
      ? fields['message']
      : Array.isArray(fields['message'])
        ? fields['message'].join('; ')
        : error.message;
  const code = typeof fields['code'] === 'string' ? fields['code'] : defaultCode(statusCode);
  return { statusCode, code, message, ...(fields['errors'] === undefined ? {} : { errors: fields['errors'] }) };
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_REFUSED';
  }
}
