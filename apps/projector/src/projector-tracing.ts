import { SpanKind, trace } from '@opentelemetry/api';
import { formatPosition } from '@app/event-store';
import { startTracingSdk, tracingRequested } from '@app/config';
import type { BatchReport } from '@app/read-models';

const TRACER = 'cohesion-ledger-projector';

/**
 * The projector process's traces, when OTEL_TRACES_EXPORTER asks for them (as the API's, with the
 * standard OTEL_* variables): one span per committed batch. Resolves the SDK's shutdown, or null
 * when tracing is off.
 */
export async function startProjectorTracing(
  env: Record<string, string | undefined> = process.env,
): Promise<(() => Promise<void>) | null> {
  if (!tracingRequested(env)) return null;
  const sdk = await startTracingSdk(env, 'cohesion-ledger-projector');
  return () => sdk.shutdown();
}

/** `project <projection>`: from its first event applied to its commit, with where it started and ended. */
export function batchSpan(batch: BatchReport): void {
  const end = Date.now();
  trace
    .getTracer(TRACER)
    .startSpan(`project ${batch.projection}`, {
      kind: SpanKind.INTERNAL,
      startTime: end - batch.seconds * 1000,
      attributes: {
        'ledger.projection': batch.projection,
        'ledger.projection.generation': batch.generation,
        'ledger.batch.events': batch.events,
        'ledger.position.from': batch.from === null ? '' : formatPosition(batch.from),
        'ledger.position.to': formatPosition(batch.to),
      },
    })
    .end(end);
}
