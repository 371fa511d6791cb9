import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { TRACE_ID } from '../http/field-rules.js';
import { activeTraceId } from './active-trace.js';
import { routeOf } from './http-route.js';
import type { LedgerMetrics } from './ledger-metrics.js';

/**
 * The first middleware of the API: when a request ends it is counted and timed by route pattern
 * and status, and written as one log line. The line is an allow-list: the method, the route
 * pattern (never the URL, whose query may hold a tax code), the status, the duration, the
 * principal's id, the correlation and trace ids. No body, no header, no name.
 */
export function observeRequests(metrics: LedgerMetrics, logger: Logger): RequestHandler {
  const log = logger.child({ context: 'http' });
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const traceId = activeTraceId();
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(req);
      const status = res.writableFinished ? res.statusCode : 'aborted';
      const replayed = res.getHeader('idempotent-replayed') === 'true';
      metrics.requestAnswered({ method: req.method, route, status, seconds, replayed });
      log.info(
        {
          method: req.method,
          route,
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
          principal: (req as AuthenticatedRequest).principal?.id ?? null,
          correlationId: correlationIdOf(req, res, traceId),
          traceId,
          ...(replayed ? { replayed } : {}),
        },
        `${req.method} ${route ?? '(no route)'} ${status}`,
      );
    });
    next();
  };
}

/** The correlation id the command wrote (echoed in X-Correlation-Id), else the client's own if well-formed, else the trace's. */
function correlationIdOf(req: Request, res: Response, traceId: string | null): string | null {
  const echoed = res.getHeader('x-correlation-id');
  if (typeof echoed === 'string') return echoed;
  const sent = req.headers['x-correlation-id'];
  return typeof sent === 'string' && TRACE_ID.test(sent) ? sent : traceId;
}
