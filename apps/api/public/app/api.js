/**
 * The ledger's JSON API, read with the key the user entered. The key lives in this tab's
 * sessionStorage only, and travels only in the Authorization header: never in a URL.
 */

const STORAGE_KEY = 'cohesion-ledger.api-key';

export const apiKey = {
  get: () => sessionStorage.getItem(STORAGE_KEY),
  set: (key) => sessionStorage.setItem(STORAGE_KEY, key),
  forget: () => sessionStorage.removeItem(STORAGE_KEY),
};

/** What the API's keys look like (printable ASCII, no spaces): anything else would be refused anyway. */
export const KEY_PATTERN = /^[\x21-\x7e]{1,256}$/;

/** An answer other than 2xx: its status and the API's problem body ({ statusCode, code, message }). */
export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem?.message ?? `The API answered ${status}`);
    this.status = status;
    this.code = problem?.code ?? null;
    this.retryAfter = retryAfter;
  }

  /** The key is missing, unknown (401) or its role may not read this (403): ask for a key. */
  get needsKey() {
    return this.status === 401 || this.status === 403;
  }
}

/** GET a route of the API as JSON; `params` become its query string (empty ones left out). */
export async function getJson(path, params = {}) {
  const key = apiKey.get();
  if (!key) throw new ApiError(401, { code: 'NO_KEY', message: 'Enter an API key to read the ledger.' });
  const search = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString();
  let response;
  try {
    response = await fetch(search ? `${path}?${search}` : path, {
      headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, {
      code: 'UNREACHABLE',
      message: 'The API could not be reached. Check the connection and try again.',
    });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body, response.headers.get('Retry-After'));
  return body;
}

/** Every page of a paginated list (at most `limit` items), for the lists the dashboard shows whole. */
export async function getAll(path, params = {}, limit = 1000) {
  const items = [];
  for (let page = 1; ; page += 1) {
    const answer = await getJson(path, { ...params, page, pageSize: 100 });
    items.push(...answer.items);
    if (answer.items.length < 100 || items.length >= answer.total || items.length >= limit)
      return { items, total: answer.total };
  }
}
