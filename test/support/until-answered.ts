/**
 * A client that retries: each request sent again until it gets an answer, as the exactly-once
 * suites send them through restarts and injected faults.
 */
import { expect } from '@jest/globals';
import type { RecordedEvent } from '@app/event-store';
import type { FundingClient } from './funding-requests.js';

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/** A request as a client sends it: an answer, or null when the connection failed before one came. */
export type Send = () => Promise<Answer>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Statuses after which a client sends the same request again: the key is still running, or the ledger cannot answer now. */
const TRY_AGAIN = new Set([409, 503]);

/**
 * Sends the request again until it is answered: a 2xx, or a refusal that is not "try again" (a 409
 * other than IDEMPOTENCY_KEY_IN_USE is an answer: the entity exists). A failed connection is sent again.
 */
export async function untilAnswered(send: Send, attempts = 120): Promise<Answer> {
  let last: Answer | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      last = await send();
      const again =
        TRY_AGAIN.has(last.status) && (last.status === 503 || last.body['code'] === 'IDEMPOTENCY_KEY_IN_USE');
      if (!again) return last;
    } catch {
      // The connection failed: the process is down or restarting.
    }
    await pause(Math.min(50 * attempt, 500));
  }
  throw new Error(`no answer after ${attempts} attempts; last: ${JSON.stringify(last)}`);
}

/** The whole log as the auditor exports it, sent until answered. */
export async function exportedLog(client: FundingClient): Promise<RecordedEvent[]> {
  const answer = await untilAnswered(async () => {
    const r = await client.exportLog();
    return { status: r.status, headers: r.headers, body: { text: r.body } as Record<string, unknown> };
  });
  expect(answer.status).toBe(200);
  return String(answer.body['text'])
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as RecordedEvent);
}
