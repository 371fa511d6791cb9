/**
 * The route pattern a request matched (`/calls/:callId/bids`), as Express records it on the
 * request once routed; null before routing or when no route matched. Metrics, logs and traces
 * name requests by it, never by their URL: ids and query strings (a tax code in a search) stay out.
 */
export function routeOf(request: object): string | null {
  const { route, baseUrl } = request as { route?: { path?: unknown }; baseUrl?: unknown };
  if (typeof route?.path !== 'string') return null;
  return `${typeof baseUrl === 'string' ? baseUrl : ''}${route.path}`;
}
