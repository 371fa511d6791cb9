import { BadRequestException, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { deterministicUuid, type CommandContext } from '@app/commands';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { activeTraceId } from '../observability/active-trace.js';
import { HEADER_TOKEN, TRACE_ID } from './field-rules.js';

/**
 * The command context of an HTTP request: the actor from its API key, correlation and causation
 * from headers, the command id from its Idempotency-Key (so a retried command writes the same
 * event ids), and If-Match. Without X-Correlation-Id, a traced request is correlated by its trace
 * id, so that its events lead to its trace.
 */
export const CommandRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const reply = ctx.switchToHttp().getResponse<FastifyReply>();
  return commandContextOf(ctx.switchToHttp().getRequest<AuthenticatedRequest>(), {
    setHeader: (name, value) => reply.header(name, value),
  });
});

/** What CommandRequest gives a route; it echoes the correlation id in X-Correlation-Id. */
export function commandContextOf(
  request: AuthenticatedRequest,
  response: { setHeader(name: string, value: string): unknown },
): CommandContext {
  const principal = request.principal;
  if (!principal) throw new Error('CommandRequest used on a route without authentication');
  const correlationId = traceId(request, 'x-correlation-id') ?? activeTraceId() ?? randomUUID();
  response.setHeader('X-Correlation-Id', correlationId);
  const idempotencyKey = header(request, 'idempotency-key');
  return {
    actor: principal.id,
    correlationId,
    causationId: traceId(request, 'x-causation-id'),
    commandId: idempotencyKey ? deterministicUuid(`${principal.id}:${idempotencyKey}`) : randomUUID(),
    ifMatch: parseIfMatch(header(request, 'if-match')),
  };
}

/**
 * The id of an entity the server names when the client gives none: derived from the command id, so
 * a command retried with its Idempotency-Key names the same bid, grant or payment (and the write
 * path recognises it as already recorded) instead of creating a second one.
 */
export function generatedId(context: CommandContext, entity: string): string {
  return deterministicUuid(`${context.commandId}:${entity}`);
}

function header(request: AuthenticatedRequest, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !HEADER_TOKEN.test(value)) {
    throw new BadRequestException({
      code: 'INVALID_HEADER',
      message: `${name} must be 1 to 200 visible ASCII characters`,
    });
  }
  return value;
}

function traceId(request: AuthenticatedRequest, name: string): string | null {
  const value = header(request, name);
  if (value !== null && !TRACE_ID.test(value)) {
    throw new BadRequestException({
      code: 'INVALID_HEADER',
      message: `${name} must be an id: letters, digits, ".", "_", ":" or "-", at most 128`,
    });
  }
  return value;
}

/** `"3"`, `W/"3"` or `3`: the stream revision an ETag gave. */
function parseIfMatch(value: string | null): number | null {
  if (value === null) return null;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!match?.[1])
    throw new BadRequestException({
      code: 'INVALID_HEADER',
      message: 'If-Match must be an ETag this API gave, e.g. "3"',
    });
  return Number(match[1]);
}

/** The protocol headers every command route reads, for its OpenAPI entry. */
export const CommandHeaders = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', pattern: HEADER_TOKEN.source, example: 'award-officine-nido-2026-02-20' },
      description:
        'Makes the command safe to retry: a retry with the same key and body gets the first response back (`Idempotent-Replayed: true`) and writes nothing, whichever API process it reaches. The same key with another body: 422 IDEMPOTENCY_KEY_REUSED; while the first is still running: it waits, then 409 IDEMPOTENCY_KEY_IN_USE with `Retry-After`. Kept IDEMPOTENCY_RETENTION_HOURS (7 days by default). 1-200 visible ASCII characters.',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      schema: { type: 'string', pattern: '^(W/)?"?\\d{1,15}"?$', example: '"0"' },
      description:
        'Act only if the entity is still at this revision (an `ETag` this API gave, e.g. `"3"`); 412 STALE_REVISION otherwise, and nothing is written.',
    }),
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      schema: { type: 'string', pattern: TRACE_ID.source },
      description:
        'Groups the events of one business process; kept in every event\'s metadata and echoed back. An id: letters, digits, ".", "_", ":" or "-", at most 128. When absent: the request\'s trace id if it is traced, else a generated one.',
    }),
    ApiHeader({
      name: 'X-Causation-Id',
      required: false,
      schema: { type: 'string', pattern: TRACE_ID.source },
      description:
        'The id of the message (an event or command id) that caused this command; kept in the metadata of its events. Same form as X-Correlation-Id.',
    }),
  );
