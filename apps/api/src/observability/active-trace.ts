import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The id of the trace the caller runs in, when tracing is on (docs/operations.md); null otherwise. */
export function activeTraceId(): string | null {
  const span = trace.getActiveSpan()?.spanContext();
  return span !== undefined && isSpanContextValid(span) ? span.traceId : null;
}
