import type { NodeSDK } from '@opentelemetry/sdk-node';

type Instrumentations = NonNullable<NonNullable<ConstructorParameters<typeof NodeSDK>[0]>['instrumentations']>;

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

/**
 * Starts the OpenTelemetry Node SDK of a process (the API's, the projector's), exporting as
 * OTEL_* says (endpoint, protocol, sampler, resource attributes); `service` unless
 * OTEL_SERVICE_NAME names it. Metrics are Prometheus's (GET /metrics) and logs are stdout's: the
 * SDK exports them over OTLP only when asked to. The caller checks `tracingRequested` first.
 */
export async function startTracingSdk(
  env: Record<string, string | undefined>,
  service: string,
  instrumentations: Instrumentations = [],
): Promise<{ shutdown(): Promise<void> }> {
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env['OTEL_SERVICE_NAME'] ? undefined : service, instrumentations });
  sdk.start();
  return sdk;
}
