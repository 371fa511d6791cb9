/**
 * What the pipeline tells operators: a span per command with its read, decision and append under
 * it (in the trace of whatever called it), and a report per command and per append to the observer
 * behind the API's metrics.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { InMemoryEventStore, InMemoryLog, type AppendRequest } from '@app/event-store';
import { EUR } from '../../funding/test-support/funding.fixtures.js';
import { commandContext, record } from '../../funding/test-support/given-when-then.js';
import { clock, grantPaidInAdvance, pay } from '../test-support/paid-in-advance.js';
import type { AppendReport, CommandObserver, CommandReport } from './command-observer.js';
import { CommandPipeline } from './command-pipeline.js';

class RecordingObserver implements CommandObserver {
  readonly commands: CommandReport[] = [];
  readonly appends: AppendReport[] = [];
  commandEnded(report: CommandReport): void {
    this.commands.push(report);
  }
  appendEnded(report: AppendReport): void {
    this.appends.push(report);
  }
}

/** A store where, once armed, another writer gets its append in first, once. */
class OnceRacedStore extends InMemoryEventStore {
  armed = false;
  constructor(private readonly events: InMemoryLog) {
    super(events);
  }
  override async append(request: AppendRequest) {
    if (this.armed) {
      this.armed = false;
      await new CommandPipeline(new InMemoryEventStore(this.events), clock).execute(
        pay('d-other', EUR(1_000)),
        commandContext(),
      );
    }
    return super.append(request);
  }
}

async function ledger(store: InMemoryEventStore = new InMemoryEventStore()): Promise<InMemoryEventStore> {
  await record(store, grantPaidInAdvance);
  return store;
}

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});

afterAll(() => {
  trace.disable();
  context.disable();
});

beforeEach(() => exporter.reset());

const named = (spans: readonly ReadableSpan[], name: string): ReadableSpan => {
  const found = spans.find((s) => s.name === name);
  if (!found) throw new Error(`no span ${name} among ${spans.map((s) => s.name).join(', ')}`);
  return found;
};
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('the command pipeline, observed', () => {
  it("runs a command in a span of the caller's trace, with its read, decision and append under it", async () => {
    const store = await ledger();
    exporter.reset();
    const request = trace.getTracer('test').startSpan('POST /grants/:grantId/disbursements', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), request), () =>
      new CommandPipeline(store, clock).execute(pay('d1', EUR(30_000)), commandContext()),
    );
    request.end();

    const spans = exporter.getFinishedSpans();
    const command = named(spans, 'command RecordDisbursement');
    expect(parentOf(command)).toBe(request.spanContext().spanId);
    for (const step of ['read', 'decide RecordDisbursement', 'append'])
      expect(parentOf(named(spans, step))).toBe(command.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([request.spanContext().traceId]));
    expect(command.attributes).toMatchObject({
      'ledger.command.type': 'RecordDisbursement',
      'ledger.command.result': 'accepted',
      'ledger.command.attempts': 1,
      'ledger.stream': 'grant-g1',
    });
    expect(named(spans, 'append').attributes).toMatchObject({ 'ledger.append.streams': 1, 'ledger.append.events': 1 });
  });

  it('reports a refusal with its code, and does not mark it as a failure', async () => {
    const observer = new RecordingObserver();
    const store = await ledger();
    exporter.reset();
    await expect(
      new CommandPipeline(store, clock, { observer }).execute(pay('d1', EUR(500_000)), commandContext()),
    ).rejects.toMatchObject({ code: 'DISBURSEMENT_EXCEEDS_GRANT' });

    expect(observer.commands).toEqual([
      {
        command: 'RecordDisbursement',
        result: 'refused',
        refusal: 'DISBURSEMENT_EXCEEDS_GRANT',
        attempts: 1,
        seconds: expect.any(Number),
      },
    ]);
    expect(observer.appends).toEqual([]);
    const command = named(exporter.getFinishedSpans(), 'command RecordDisbursement');
    expect(command.attributes).toMatchObject({
      'ledger.command.result': 'refused',
      'ledger.refusal.code': 'DISBURSEMENT_EXCEEDS_GRANT',
    });
    expect(command.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('reports a lost race: the append that conflicted, then the one that went through, and two attempts', async () => {
    const observer = new RecordingObserver();
    const store = new OnceRacedStore(new InMemoryLog());
    await ledger(store);
    store.armed = true;
    exporter.reset();
    await new CommandPipeline(store, clock, { observer }).execute(pay('d1', EUR(30_000)), commandContext());

    expect(observer.appends.map((a) => [a.result, a.streams, a.events])).toEqual([
      ['conflict', 1, 1],
      ['appended', 1, 1],
    ]);
    expect(observer.commands).toEqual([
      { command: 'RecordDisbursement', result: 'accepted', refusal: null, attempts: 2, seconds: expect.any(Number) },
    ]);
    const conflicted = exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'append' && s.attributes['ledger.append.result'] === 'conflict');
    expect(conflicted.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR]);
  });

  it('answers as before when the observer throws: a written command stays written', async () => {
    const store = await ledger();
    const failing: CommandObserver = {
      commandEnded: () => {
        throw new Error('metrics broken');
      },
      appendEnded: () => {
        throw new Error('metrics broken');
      },
    };
    await expect(
      new CommandPipeline(store, clock, { observer: failing }).execute(pay('d1', EUR(30_000)), commandContext()),
    ).resolves.toMatchObject({ stream: 'grant-g1' });
  });
});
