import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { TRACE_ID } from '../http/field-rules.js';
import { addRequestStep } from '../http/request-steps.js';
import { activeTraceId } from './active-trace.js';
import { routeOf } from './http-route.js';
import type { LedgerMetrics } from './ledger-metrics.js';

/**
 * The first step of every request: when it ends it is counted and timed by route pattern and
 * status, and written as one log line. The line is an allow-list: the method, the route pattern
 * (never the URL, whose query may hold a tax code), the status, the duration, the principal's id,
 * the correlation and trace ids. No body, no header, no name. Add it before any other step.
 */
export function observeRequests(fastify: FastifyInstance, metrics: LedgerMetrics, logger: Logger): void {
  const log = logger.child({ context: 'http' });
  addRequestStep(fastify, 'onRequest', (request, reply) => {
    const started = performance.now();
    const traceId = activeTraceId();
    const res = reply.raw;
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(request.raw);
      const status = res.writableFinished ? res.statusCode : 'aborted';
      const replayed = reply.getHeader('idempotent-replayed') === 'true';
      metrics.requestAnswered({ method: request.method, route, status, seconds, replayed });
      log.info(
        {
          method: request.method,
          route,
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
          principal: (request as AuthenticatedRequest).principal?.id ?? null,
          correlationId: correlationIdOf(request, reply, traceId),
          traceId,
          ...(replayed ? { replayed } : {}),
        },
        `${request.method} ${route ?? '(no route)'} ${status}`,
      );
    });
  });
}

/** The correlation id the command wrote (echoed in X-Correlation-Id), else the client's own if well-formed, else the trace's. */
function correlationIdOf(request: FastifyRequest, reply: FastifyReply, traceId: string | null): string | null {
  const echoed = reply.getHeader('x-correlation-id');
  if (typeof echoed === 'string') return echoed;
  const sent = request.headers['x-correlation-id'];
  return typeof sent === 'string' && TRACE_ID.test(sent) ? sent : traceId;
}
