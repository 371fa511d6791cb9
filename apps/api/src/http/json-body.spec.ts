import { describe, expect, it } from '@jest/globals';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { readJsonBody } from './json-body.js';

/** A request as the server hands it over: headers, then its body. */
function request(headers: Record<string, string>, body?: Buffer | string): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.headers = headers;
  if (body !== undefined) message.push(body);
  message.complete = true;
  message.push(null);
  return message;
}

const json = (body: Buffer | string, headers: Record<string, string> = {}) =>
  request({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, body);

const refusal = (code: string) => ({ refusal: expect.objectContaining({ code }) });

describe('reading a JSON body', () => {
  it('reads an object or an array, an empty body as {}, and leaves a request without a JSON body unread', async () => {
    await expect(readJsonBody(json('{"a":1}'), 100)).resolves.toEqual({ value: { a: 1 } });
    await expect(readJsonBody(json(' [1]'), 100)).resolves.toEqual({ value: [1] });
    await expect(readJsonBody(json(''), 100)).resolves.toEqual({ value: {} });
    await expect(
      readJsonBody(request({ 'content-type': 'text/plain', 'content-length': '1' }, 'x'), 100),
    ).resolves.toEqual({ value: undefined });
    await expect(readJsonBody(request({ 'content-type': 'application/json' }), 100)).resolves.toEqual({
      value: undefined,
    });
  });

  it('refuses JSON that is malformed or not an object or array at the top', async () => {
    for (const body of ['{', 'null', '"x"', '   ', '1'])
      await expect(readJsonBody(json(body), 100)).resolves.toEqual(refusal('MALFORMED_JSON'));
  });

  it('refuses a body over the limit (413), counted once inflated', async () => {
    await expect(readJsonBody(json(`"${'x'.repeat(200)}"`), 100)).resolves.toEqual(refusal('PAYLOAD_TOO_LARGE'));
    const inflated = gzipSync(`[${'1,'.repeat(100)}1]`);
    await expect(readJsonBody(json(inflated, { 'content-encoding': 'gzip' }), 100)).resolves.toEqual(
      refusal('PAYLOAD_TOO_LARGE'),
    );
    await expect(readJsonBody(json(gzipSync('[1]'), { 'content-encoding': 'gzip' }), 100)).resolves.toEqual({
      value: [1],
    });
  });

  it('reads the Unicode charsets, without a byte order mark, and refuses the others (415)', async () => {
    const utf16 = Buffer.from('\uFEFF{"a":"è"}', 'utf16le');
    await expect(
      readJsonBody(json(utf16, { 'content-type': 'application/json; charset=utf-16le' }), 100),
    ).resolves.toEqual({ value: { a: 'è' } });
    await expect(readJsonBody(json(Buffer.from('\uFEFF[1]')), 100)).resolves.toEqual({ value: [1] });
    for (const charset of ['latin1', 'utf-7', 'utf-9'])
      await expect(
        readJsonBody(json('{}', { 'content-type': `application/json; charset=${charset}` }), 100),
      ).resolves.toEqual(refusal('UNSUPPORTED_MEDIA_TYPE'));
    await expect(readJsonBody(json('{}', { 'content-encoding': 'compress' }), 100)).resolves.toEqual(
      refusal('UNSUPPORTED_MEDIA_TYPE'),
    );
  });
});
