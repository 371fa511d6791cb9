/**
 * MongoDB URLs: the database one names, and the URL and driver messages with its secrets hidden.
 * No driver here: the idempotency store, which keeps its records in the same database, picks it
 * by the same rule (mongoDatabaseName). Pure: unit-tested in mongo-url.spec.ts.
 */

/** The database when the URL names none. */
export const DEFAULT_DATABASE = 'cohesion_ledger';

/** The database a store on `url` keeps its collections in: the one configured, else the one the URL names, else `cohesion_ledger`. */
export function mongoDatabaseName(url: string, configured?: string): string {
  return configured || databaseNameFromUrl(url) || DEFAULT_DATABASE;
}

/** The database named in a mongodb:// or mongodb+srv:// URL, or null when it names none. */
export function databaseNameFromUrl(url: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}

const SECRET_PARAMETER = /([?&](?:[^=&#]*(?:password|secret|token)[^=&#]*|authMechanismProperties)=)[^&#]*/gi;

/**
 * The URL with its password (and any password-, secret- or token-like query parameter) replaced by
 * `***`. The user info runs to the last `@`, so even a password with unescaped `@` or `/` is hidden
 * (at worst more than the password is).
 */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  let result = url;
  if (scheme) {
    const rest = url.slice(scheme[0].length);
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      const userInfo = rest.slice(0, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) result = `${scheme[0]}${userInfo.slice(0, colon)}:***@${rest.slice(at + 1)}`;
    }
  }
  return result.replace(SECRET_PARAMETER, '$1***');
}

/** Removes the URL and its password from a driver message before it goes into our own. */
export function scrubMessage(message: string, url: string): string {
  let scrubbed = message.split(url).join(redactUrl(url));
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  const rest = scheme ? url.slice(scheme[0].length) : '';
  const userInfo = rest.slice(0, Math.max(rest.lastIndexOf('@'), 0));
  const colon = userInfo.indexOf(':');
  if (colon >= 0) {
    const password = userInfo.slice(colon + 1);
    let decoded = password;
    try {
      decoded = decodeURIComponent(password);
    } catch {
      // keep the raw form only
    }
    for (const secret of new Set([password, decoded])) {
      if (secret.length >= 3) scrubbed = scrubbed.split(secret).join('***');
    }
  }
  return scrubbed;
}
