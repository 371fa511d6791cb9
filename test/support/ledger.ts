/**
 * How the e2e suites talk to the API: through the typed client of libs/client (requests checked
 * against the document at compile time), every response checked against the document at run time.
 */
import { createLedgerClient, type LedgerClient, type Problem } from '@app/client';
import type { Middleware } from 'openapi-fetch';
import { assertDescribed } from './openapi-contract.js';

/** Checks every response the client receives against the OpenAPI document: a response it does not describe fails the call. */
export const describedResponses: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    assertDescribed({
      method: request.method,
      path: new URL(request.url).pathname,
      template: schemaPath,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      text: await response.clone().text(),
    });
    return undefined;
  },
};

/** A client of the API at `url` with an API key (none: the public routes), whose responses are checked. */
export function ledger(url: string, apiKey?: string): LedgerClient {
  const client = createLedgerClient({ baseUrl: url, ...(apiKey ? { apiKey } : {}) });
  client.use(describedResponses);
  return client;
}

type Outcome = { data?: unknown; error?: unknown; response: Response };

/** A response as the suites assert on it: status, headers (lower-case names) and body (the data, or the problem). */
export interface Reply<R extends Outcome> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: NonNullable<R['data']> & Partial<Problem>;
  /** The body as text (JSON as the client parsed it, written again). */
  readonly text: string;
}

export async function reply<R extends Outcome>(call: Promise<R>): Promise<Reply<R>> {
  const { data, error, response } = await call;
  const body = data ?? error ?? {};
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: body as NonNullable<R['data']> & Partial<Problem>,
    text: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
