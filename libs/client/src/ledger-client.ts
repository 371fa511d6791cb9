import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './ledger-api.js';

/** A typed client of the ledger's API: every path, parameter, body and response from its OpenAPI document. */
export type LedgerClient = Client<paths>;

/** The schemas of the API's bodies, by name: `Schemas['OpenCallDto']`, `Schemas['Grant']`, `Schemas['Problem']`. */
export type Schemas = components['schemas'];
/** Every error response: `{ statusCode, code, message }`, and the fields some refusals add. */
export type Problem = Schemas['Problem'];
/** What `code` can be: branch on it, never on the message. */
export type ErrorCode = Schemas['ErrorCode'];

export interface LedgerClientOptions extends ClientOptions {
  /** Where the API is, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** The service's API key, sent as `Authorization: Bearer <key>`; absent: the public routes only. */
  readonly apiKey?: string;
}

export function createLedgerClient({ apiKey, headers, ...options }: LedgerClientOptions): LedgerClient {
  return createClient<paths>({
    ...options,
    headers: { ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...toRecord(headers) },
  });
}

/**
 * What a write answered about the state it left: the revision of the entity's stream (send it as
 * `If-Match` to act only on that state) and the position of its last event in the log (send it as
 * `X-Min-Position` to read your own write).
 */
export interface WriteMark {
  /** The ETag as given, quoted: `"3"`. */
  readonly etag: string;
  readonly position: string;
}

export function writeMark(response: Response): WriteMark | null {
  const etag = response.headers.get('etag');
  const position = response.headers.get('x-event-position');
  return etag && position ? { etag, position } : null;
}

/** Whether the response is the stored answer to an earlier request with the same Idempotency-Key (nothing was written this time). */
export function wasReplayed(response: Response): boolean {
  return response.headers.get('idempotent-replayed') === 'true';
}

/** Seconds a 409 IDEMPOTENCY_KEY_IN_USE, a 429 or a 503 asks to wait before retrying; null when it says nothing. */
export function retryAfterSeconds(response: Response): number | null {
  const value = response.headers.get('retry-after');
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

function toRecord(headers: ClientOptions['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers);
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === null || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : String(value)]],
    ),
  );
}
