import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { decodeBody, isKnownCharset } from './json-charsets.js';
import { charsetOf, isJsonContentType } from './media-types.js';

/** Why a body was refused: the problem the API answers with. */
export interface BodyRefusal {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
}

/** A body read: its value (undefined when the request has none to read), or why it was refused. */
export type ReadBody = { readonly value: unknown } | { readonly refusal: BodyRefusal };

const NO_BODY: ReadBody = { value: undefined };

/**
 * Whether a request carries a body to read as JSON: a `Transfer-Encoding` or a numeric
 * `Content-Length` (0 included: an empty JSON body reads as `{}`), and a JSON `Content-Type`.
 * Any other body is not read.
 */
export function hasJsonBody(request: IncomingMessage): boolean {
  const { headers } = request;
  const hasBody = headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(headers['content-length']));
  return hasBody && isJsonContentType(headers['content-type']);
}

/**
 * Reads a request's JSON body: UTF-8 (or another Unicode charset the request names), inflated when
 * sent gzip-, deflate- or br-encoded, at most `limit` bytes once inflated, an object or array at the
 * top. A refused body is read to its end first (but for an unsupported charset or content coding,
 * refused at once), so that the connection stays usable.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<ReadBody> {
  if (!hasJsonBody(request)) return NO_BODY;
  const charset = charsetOf(request.headers['content-type']) ?? 'utf-8';
  if (!charset.startsWith('utf-')) return { refusal: UNSUPPORTED_CHARSET };
  const coding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  const inflate = coding === 'identity' ? null : inflater(coding);
  if (inflate === undefined) return { refusal: UNSUPPORTED_CHARSET };
  const source: Readable = inflate ? request.pipe(inflate) : request;
  const declared = inflate ? null : declaredLength(request);
  if (declared !== null && declared > limit) return refuseAfterDraining(request, source, tooLarge(limit));
  if (!isKnownCharset(charset)) return refuseAfterDraining(request, source, UNSUPPORTED_CHARSET);
  const read = await readAll(request, source, limit, declared);
  if ('refusal' in read) return refuseAfterDraining(request, source, read.refusal);
  if (inflate) {
    request.unpipe(inflate);
    inflate.on('error', () => {});
    inflate.destroy();
    request.resume();
  }
  const text = decodeBody(read.value, charset)!;
  try {
    return { value: parseStrictly(text) };
  } catch {
    return { refusal: MALFORMED_JSON };
  }
}

const UNSUPPORTED_CHARSET: BodyRefusal = { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Use UTF-8 JSON' };
const MALFORMED_JSON: BodyRefusal = { statusCode: 400, code: 'MALFORMED_JSON', message: 'The body is not valid JSON' };
const UNREADABLE: BodyRefusal = { statusCode: 400, code: 'BAD_REQUEST', message: 'The request body could not be read' };

const tooLarge = (limit: number): BodyRefusal => ({
  statusCode: 413,
  code: 'PAYLOAD_TOO_LARGE',
  message: `The body is larger than ${limit} bytes`,
});

/** The stream that inflates a content coding; undefined for a coding this API does not read. */
function inflater(coding: string): Transform | undefined {
  if (coding === 'deflate') return zlib.createInflate();
  if (coding === 'gzip') return zlib.createGunzip();
  if (coding === 'br') return zlib.createBrotliDecompress();
  return undefined;
}

function declaredLength(request: IncomingMessage): number | null {
  const length = request.headers['content-length'];
  return length === undefined || Number.isNaN(Number(length)) ? null : Number.parseInt(length, 10);
}

/** The whole body, or a refusal as soon as it is too large or cannot be read. */
function readAll(
  request: IncomingMessage,
  source: Readable,
  limit: number,
  declared: number | null,
): Promise<{ value: Buffer } | { refusal: BodyRefusal }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: { value: Buffer } | { refusal: BodyRefusal }) => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      request.off('aborted', onError);
      if ('refusal' in outcome) {
        source.unpipe?.();
        source.pause();
      }
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) finish({ refusal: tooLarge(limit) });
      else chunks.push(chunk);
    };
    const onEnd = () => {
      if (declared !== null && received !== declared) finish({ refusal: UNREADABLE });
      else finish({ value: Buffer.concat(chunks, received) });
    };
    const onError = () => finish({ refusal: UNREADABLE });
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    request.once('aborted', onError);
  });
}

/** Reads what is left of the request (discarding it), then answers the refusal. */
async function refuseAfterDraining(
  request: IncomingMessage,
  source: Readable,
  refusal: BodyRefusal,
): Promise<ReadBody> {
  if (source !== request) {
    request.unpipe();
    source.on('error', () => {});
    source.destroy();
  }
  if (!request.complete && !request.destroyed) {
    await new Promise<void>((resolve) => {
      request.once('end', resolve);
      request.once('close', resolve);
      request.once('error', () => resolve());
      request.resume();
    });
  }
  return { refusal };
}

/** JSON whose top level is an object or an array; an empty body reads as `{}`. */
function parseStrictly(text: string): unknown {
  if (text.length === 0) return {};
  const first = /^[ \t\n\r]*([^ \t\n\r]|$)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('Not a JSON object or array');
  return JSON.parse(text) as unknown;
}
