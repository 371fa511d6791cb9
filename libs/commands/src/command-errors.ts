/** The entity's stream is not at the revision the client named in If-Match (HTTP 412). */
export class StaleRevisionError extends Error {
  override readonly name = 'StaleRevisionError';
  readonly code = 'STALE_REVISION';

  constructor(
    readonly stream: string,
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(`${stream} is at revision ${actual ?? 'none'}, not ${expected} as If-Match says`);
  }
}

/** Other commands kept changing the same streams; the command gave up after its retries (HTTP 409). */
export class CommandConflictError extends Error {
  override readonly name = 'CommandConflictError';
  readonly code = 'CONCURRENCY_CONFLICT';

  constructor(
    readonly stream: string,
    attempts: number,
  ) {
    super(`${stream} kept changing under concurrent commands; gave up after ${attempts} attempts, retry later`);
  }
}
