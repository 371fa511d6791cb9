import { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
// Not through @app/config's index: loaded by the preload, before the modules tracing patches.
import { startTracingSdk, tracingRequested } from '../../../../config/tracing.js';
import { routeOf } from './http-route.js';

/** Requests not worth a trace: health probes and metric scrapes, every few seconds. */
const UNTRACED = /^\/(?:health|metrics)(?:[/?]|$)/;

/** Shared with the projector process (config/tracing.ts). */
export { tracingRequested };

let running: { shutdown(): Promise<void> } | null = null;

/**
 * Starts the OpenTelemetry Node SDK when tracing is requested: spans of incoming HTTP requests
 * (named by their route), of MongoDB commands and of KurrentDB appends and subscriptions (the
 * client's own instrumentation, @kurrent/opentelemetry), exported as OTEL_* says (endpoint,
 * protocol, sampler, service name, resource attributes). The write path adds its own spans through
 * @opentelemetry/api (libs/commands). Must run before the API's modules are imported
 * (tracing.preload.ts). Resolves true when tracing started.
 */
export async function startTracing(env: Record<string, string | undefined> = process.env): Promise<boolean> {
  if (running !== null || !tracingRequested(env)) return false;
  const [{ HttpInstrumentation }, { MongoDBInstrumentation }, { KurrentDBInstrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-mongodb'),
    import('@kurrent/opentelemetry'),
  ]);
  const sdk = await startTracingSdk(env, 'cohesion-ledger-api', [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED.test(request.url ?? ''),
      // Called as the response ends, once the request has reached its route: the span is named by its
      // route, and the URL is replaced by it, since a path or a query may hold a tax code
      // (/undertakings/:taxCode/de-minimis, /data-subjects?taxCode=…). Query names stay, not values.
      applyCustomAttributesOnSpan: (span, request) => {
        if (!(request instanceof IncomingMessage)) return;
        const route = routeOf(request);
        const path = route ?? '(no route)';
        const query = request.url?.split('?')[1];
        const names = query ? [...new URLSearchParams(query).keys()].map((name) => `${name}=REDACTED`).join('&') : '';
        span.setAttributes({ 'url.path': path, ...(names ? { 'url.query': names } : {}) });
        // The attributes of the older HTTP conventions, when OTEL_SEMCONV_STABILITY_OPT_IN asks for them too.
        if (/\bhttp\/dup\b/.test(env['OTEL_SEMCONV_STABILITY_OPT_IN'] ?? ''))
          span.setAttributes({ 'http.target': `${path}${names ? `?${names}` : ''}`, 'http.url': '(redacted)' });
        if (route === null) return;
        span.setAttribute('http.route', route);
        span.updateName(`${request.method} ${route}`);
      },
    }),
    // Statements are recorded with their values replaced by "?" (the instrumentation's default).
    new MongoDBInstrumentation(),
    new KurrentDBInstrumentation(),
  ]);
  // The instrumentations patch modules as require() loads them; the API imports them as ES modules,
  // which bypass that hook. Loading them here, once, patches the very instances the API gets.
  const require = createRequire(import.meta.url);
  for (const name of ['node:http', 'mongodb', '@kurrent/kurrentdb-client']) require(name);
  running = sdk;
  return true;
}

/** Exports the spans still buffered; called as the API shuts down. */
export async function stopTracing(): Promise<void> {
  const sdk = running;
  running = null;
  await sdk?.shutdown();
}
