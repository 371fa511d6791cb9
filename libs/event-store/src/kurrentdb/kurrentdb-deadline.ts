/**
 * Deadlines on every KurrentDB call, so that a server that stops answering shows up as an error
 * instead of a command that hangs. How each call of @kurrent/kurrentdb-client 1.3.1 takes one:
 * - appendToStream: the per-call `deadline` option (batchAppend.js sends it to the server, which
 *   answers Timeout when it passes: DeadlineExceededError);
 * - multiStreamAppend: no options at all: the gRPC call's deadline is the client's
 *   `defaultDeadline`, a connection-string option (Client/index.js, callArguments/createDeadline);
 * - readStream, readAll: through the Rust bridge, which is not handed the `deadline` option
 *   (streams/readStream.js, readAll.js): the adapter bounds them itself (withinDeadline);
 * - subscribeToAll: none, by design (a subscription lives as long as its consumer).
 * Pure: unit-tested in kurrentdb-deadline.spec.ts.
 */
import { DeadlineExceededError } from '@kurrent/kurrentdb-client';

export const DEFAULT_DEADLINE_MS = 10_000;

/**
 * The connection string with `defaultDeadline` set to `deadlineMs`, unless it sets one itself
 * (then that one bounds multi-stream appends). Options are recognised as the client's parser
 * recognises them (Client/parseConnectionString.js): keys compared ignoring case, '-' and '_'.
 */
export function withDefaultDeadline(connectionString: string, deadlineMs: number): string {
  const trimmed = connectionString.trim();
  const query = trimmed.indexOf('?', trimmed.lastIndexOf('@') + 1);
  const keys =
    query < 0
      ? []
      : trimmed
          .slice(query + 1)
          .split('&')
          .map((pair) => pair.split('=')[0]!.trim().toLowerCase().replace(/[_-]/g, ''));
  if (keys.includes('defaultdeadline')) return trimmed;
  return `${trimmed}${query < 0 ? '?' : '&'}defaultDeadline=${deadlineMs}`;
}

/**
 * Iterates `source` until it ends or `deadlineMs` have passed since the first call, then fails with
 * the client's DeadlineExceededError (which the adapter maps like any other) and abandons the read.
 */
export async function* withinDeadline<T>(
  source: AsyncIterable<T>,
  deadlineMs: number,
  what: string,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const expiresAt = Date.now() + deadlineMs;
  let finished = false;
  try {
    for (;;) {
      const next = await beforeDeadline(
        iterator.next(),
        expiresAt - Date.now(),
        () => `${what} took longer than its deadline of ${deadlineMs} ms`,
      );
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Abandoned (deadline, failure, or the consumer stopped): let the read release what it holds.
    // Not awaited: a read stuck on the network would keep the caller waiting.
    if (!finished) iterator.return?.().catch(() => undefined);
  }
}

function beforeDeadline<T>(pending: Promise<T>, remainingMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(undefined, message())), Math.max(0, remainingMs));
    timer.unref();
  });
  return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
}
