import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { addRequestStep } from '../http/request-steps.js';

const routes = new WeakMap<IncomingMessage, string>();

/**
 * Records the route pattern each request reaches (`/calls/:callId/bids`) once it has passed the
 * request pipeline, as the last step before its handler: a request refused before (413, 415, a
 * malformed body), an unknown route and a static file of the API documents have none. Add it after
 * every other step.
 */
export function recordRoutes(fastify: FastifyInstance): void {
  addRequestStep(fastify, 'preValidation', (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && !route.includes('*')) routes.set(request.raw, route);
  });
}

/**
 * The route pattern a request matched (`/calls/:callId/bids`); null before routing or when no route
 * matched. Metrics, logs and traces name requests by it, never by their URL: ids and query strings
 * (a tax code in a search) stay out.
 */
export function routeOf(request: IncomingMessage): string | null {
  return routes.get(request) ?? null;
}
