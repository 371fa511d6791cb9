/** The spans of the write path: a command, and under it each attempt's `read`, `decide <type>` and `append`. */
import { trace, type Attributes, type Span } from '@opentelemetry/api';

/** The tracer of the write path: a no-op until the process registers an OpenTelemetry SDK. */
const TRACER = 'cohesion-ledger.commands';

/** Runs `work` in a span that is active for what it calls (the store client's own spans nest under it). */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } finally {
      span.end();
    }
  });
}

export function inSyncSpan<T>(name: string, attributes: Attributes, work: (span: Span) => T): T {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, (span) => {
    try {
      return work(span);
    } finally {
      span.end();
    }
  });
}
