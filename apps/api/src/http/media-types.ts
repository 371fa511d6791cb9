/**
 * Media types as the API has always read them: which request bodies are JSON, in which charset, and
 * which answer a client's `Accept` prefers. The rules are those of the `content-type`, `type-is` and
 * `negotiator` packages the API ran on before Fastify, so that clients meet the same decisions.
 */

interface MediaType {
  /** `type/subtype`, lower-cased, without parameters; '' when the header has none. */
  readonly type: string;
  /** Parameter names lower-cased; the first value of a name wins. */
  readonly parameters: ReadonlyMap<string, string>;
  /** Where parsing stopped: the header's end, or the comma that ends this entry of a list. */
  readonly end: number;
}

const SP = 0x20;
const HTAB = 0x09;
const SEMI = 0x3b;
const EQ = 0x3d;
const DQUOTE = 0x22;
const BSLASH = 0x5c;
const COMMA = 0x2c;

/** `type/subtype` as RFC 6838 allows them (media-typer). */
const MEDIA_TYPE_NAME = /^ *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *$/;

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && (text.charCodeAt(index) === SP || text.charCodeAt(index) === HTAB)) index++;
  return index;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && (text.charCodeAt(end - 1) === SP || text.charCodeAt(end - 1) === HTAB)) end--;
  return end;
}

function skipValue(text: string, index: number, stop: number): number {
  while (index < text.length && text.charCodeAt(index) !== SEMI && text.charCodeAt(index) !== stop) index++;
  return index;
}

/** One media type of a header, from `start`; with `list`, a comma ends it (an entry of `Accept`). */
function parseMediaType(header: string, start = 0, list = false): MediaType {
  const stop = list ? COMMA : -1;
  let index = skipWhitespace(header, start);
  const typeStart = index;
  index = skipValue(header, index, stop);
  const type = header.slice(typeStart, trimEnd(header, typeStart, index)).toLowerCase();
  const parameters = new Map<string, string>();
  parameter: while (index < header.length) {
    if (header.charCodeAt(index) === stop) break;
    index = skipWhitespace(header, index + 1);
    const keyStart = index;
    while (index < header.length) {
      const code = header.charCodeAt(index);
      if (code === stop) break parameter;
      if (code === SEMI) continue parameter;
      if (code !== EQ) {
        index++;
        continue;
      }
      const key = header.slice(keyStart, trimEnd(header, keyStart, index)).toLowerCase();
      index = skipWhitespace(header, index + 1);
      if (index < header.length && header.charCodeAt(index) === DQUOTE) {
        index++;
        let value = '';
        while (index < header.length) {
          const char = header.charCodeAt(index++);
          if (char === DQUOTE) {
            index = skipValue(header, index, stop);
            if (!parameters.has(key)) parameters.set(key, value);
            break;
          }
          if (char === BSLASH && index < header.length) {
            value += header[index++];
            continue;
          }
          value += String.fromCharCode(char);
        }
        continue parameter;
      }
      const valueStart = index;
      index = skipValue(header, index, stop);
      if (!parameters.has(key)) parameters.set(key, header.slice(valueStart, trimEnd(header, valueStart, index)));
      continue parameter;
    }
  }
  return { type, parameters, end: index };
}

/** Whether a request's `Content-Type` says JSON: `application/json`, whatever its parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const { type } = parseMediaType(header);
  return MEDIA_TYPE_NAME.test(type) && type === 'application/json';
}

/** The charset a `Content-Type` names, lower-cased; null when it names none. */
export function charsetOf(header: string | undefined): string | null {
  if (!header) return null;
  return parseMediaType(header).parameters.get('charset')?.toLowerCase() || null;
}

interface AcceptEntry {
  readonly type: string;
  readonly subtype: string;
  readonly parameters: ReadonlyMap<string, string>;
  readonly q: number;
  readonly order: number;
}

function parseAccept(header: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  let index = 0;
  let order = 0;
  while (index < header.length) {
    const start = skipWhitespace(header, index);
    const parsed = parseMediaType(header, start, true);
    index = parsed.end + 1;
    const written = header.slice(start, start + parsed.type.length);
    const slash = written.indexOf('/');
    const position = order++;
    if (slash === -1) continue;
    const parameters = new Map(parsed.parameters);
    const q = parameters.get('q');
    parameters.delete('q');
    entries.push({
      type: written.slice(0, slash),
      subtype: written.slice(slash + 1),
      parameters,
      q: q ? parseFloat(q) : 1,
      order: position,
    });
  }
  return entries;
}

interface Priority {
  readonly index: number;
  readonly order: number;
  readonly q: number;
  readonly specificity: number;
}

/** How well one accepted entry matches an offered type (`type/subtype`, no parameters); null when it does not. */
function specify(offered: string, entry: AcceptEntry, index: number): Priority | null {
  const [type = '', subtype = ''] = offered.split('/');
  let specificity = 0;
  if (entry.type.toLowerCase() === type) specificity |= 4;
  else if (entry.type !== '*') return null;
  if (entry.subtype.toLowerCase() === subtype) specificity |= 2;
  else if (entry.subtype !== '*') return null;
  if (entry.parameters.size > 0) {
    // An offered type has no parameters here: only `*` or an empty value matches.
    if ([...entry.parameters.values()].every((value) => value === '*' || value === '')) specificity |= 1;
    else return null;
  }
  return { index, order: entry.order, q: entry.q, specificity };
}

/**
 * The offered type the client's `Accept` prefers: the first offered when there is no `Accept`,
 * false when it accepts none of them. By quality, then specificity, then the order of `Accept`,
 * then the order offered.
 */
export function preferredType(accept: string | undefined, offered: readonly string[]): string | false {
  if (!accept) return offered[0] ?? false;
  const entries = parseAccept(accept);
  const priorities = offered.map((type, index) => {
    let best: Priority = { index, order: -1, q: 0, specificity: 0 };
    for (const entry of entries) {
      const spec = specify(type, entry, index);
      if (spec && (best.specificity - spec.specificity || best.q - spec.q || best.order - spec.order) < 0) best = spec;
    }
    return best;
  });
  const ranked = priorities
    .filter((p) => p.q > 0)
    .sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.order - b.order || a.index - b.index);
  return ranked[0] ? offered[ranked[0].index]! : false;
}
