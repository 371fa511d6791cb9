/**
 * A command sent over HTTP while tracing is on: its events are correlated by the request's trace id
 * (unless the client named a correlation of its own), and the command's spans sit in the request's
 * trace: HTTP → command → read, decide, append. A tracer provider with an in-memory exporter stands
 * in for the SDK that tracing.preload.ts starts; the request's span for the one the HTTP
 * instrumentation opens.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanKind, context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { CommandPipeline } from '@app/commands';
import { InMemoryEventStore } from '@app/event-store';
import { clock, grantPaidInAdvance, pay } from '../../../../libs/commands/test-support/paid-in-advance.js';
import { EUR } from '../../../../libs/funding/test-support/funding.fixtures.js';
import { record } from '../../../../libs/funding/test-support/given-when-then.js';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { commandContextOf } from './command-request.js';

const payment = pay('d1', EUR(30_000));

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** A request as the API key guard leaves it, and a response that keeps the headers set on it. */
function exchange(headers: Record<string, string> = {}) {
  const request = {
    principal: { id: 'dev:finance-officer', roles: ['finance-officer'] },
    headers,
  } as unknown as AuthenticatedRequest;
  const sent = new Map<string, string>();
  return {
    request,
    response: { setHeader: (name: string, value: string) => sent.set(name.toLowerCase(), value) },
    sent,
  };
}

/** Runs `work` inside a server span, as the HTTP instrumentation runs a request's handling. */
async function inRequestSpan<T>(work: () => Promise<T>): Promise<{ span: Span; result: T }> {
  const span = trace.getTracer('test').startSpan('POST /grants/:grantId/disbursements', { kind: SpanKind.SERVER });
  try {
    return { span, result: await context.with(trace.setSpan(context.active(), span), work) };
  } finally {
    span.end();
  }
}

async function ledger(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  await record(store, grantPaidInAdvance);
  return store;
}

const byName = (name: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!found) throw new Error(`no span ${name}`);
  return found;
};

describe('the command context of a traced request', () => {
  it("correlates the events by the trace id, and runs the command in the request's trace: HTTP → command → read, decide, append", async () => {
    const store = await ledger();
    const { request, response, sent } = exchange();
    const pipeline = new CommandPipeline(store, clock);
    const { span } = await inRequestSpan(() => pipeline.execute(payment, commandContextOf(request, response)));
    const traceId = span.spanContext().traceId;

    const [disbursed] = (await store.readStream('grant-g1')).filter((e) => e.type === 'DisbursementRecorded');
    expect(disbursed?.metadata.correlationId).toBe(traceId);
    expect(sent.get('x-correlation-id')).toBe(traceId);

    const command = byName('command RecordDisbursement');
    expect(command.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    for (const step of ['read', 'decide RecordDisbursement', 'append']) {
      expect(byName(step).parentSpanContext?.spanId).toBe(command.spanContext().spanId);
      expect(byName(step).spanContext().traceId).toBe(traceId);
    }
  });

  it('keeps the correlation id the client sent, traced or not', async () => {
    const store = await ledger();
    const { request, response } = exchange({ 'x-correlation-id': 'intake-2026-0042' });
    await inRequestSpan(() => new CommandPipeline(store, clock).execute(payment, commandContextOf(request, response)));
    const [disbursed] = (await store.readStream('grant-g1')).filter((e) => e.type === 'DisbursementRecorded');
    expect(disbursed?.metadata.correlationId).toBe('intake-2026-0042');
  });

  it('makes up a correlation id for an untraced request', () => {
    const { request, response } = exchange();
    const { correlationId } = commandContextOf(request, response);
    expect(correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
