import { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { routeOf } from './http-route.js';

/** Requests not worth a trace: health probes and metric scrapes, every few seconds. */
const UNTRACED = /^\/(?:health|metrics)(?:[/?]|$)/;

/**
 * Tracing is off unless OTEL_TRACES_EXPORTER names an exporter (otlp, console, zipkin) and
 * OTEL_SDK_DISABLED is not true. The OpenTelemetry SDK's own default would be to export over OTLP
 * to localhost whenever it runs; here it does not even load unless asked.
 */
export function tracingRequested(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'none');
  return exporters.length > 0;
}

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
  // Metrics are Prometheus's (GET /metrics) and logs are stdout's: the SDK exports them over OTLP only when asked to.
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const [{ NodeSDK }, { HttpInstrumentation }, { MongoDBInstrumentation }, { KurrentDBInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-mongodb'),
      import('@kurrent/opentelemetry'),
    ]);
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ? undefined : 'cohesion-ledger-api',
    instrumentations: [
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
    ],
  });
  sdk.start();
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
