/**
 * The charsets a JSON body may be sent in (RFC 7159 allows only Unicode ones): the UTF-8, UTF-16
 * and UTF-32 encodings, decoded as the API has always decoded them (iconv-lite's rules: a leading
 * byte order mark dropped, UTF-16 and UTF-32 without a byte order mark told apart by their first
 * characters, little-endian when in doubt). UTF-7 is not among them.
 */

const BOM = '\uFEFF';
const REPLACEMENT = 0xfffd;

/** A charset name as iconv-lite compares them: lower case, letters and digits only. */
function canonical(charset: string): string {
  return charset.toLowerCase().replace(/:\d{4}$|[^0-9a-z]/g, '');
}

const DECODERS: Readonly<Record<string, (body: Buffer) => string>> = {
  utf8: (body) => body.toString('utf8'),
  utf16le: utf16le,
  utf16be: (body) => utf16le(swapPairs(body)),
  utf16: (body) => (utf16IsBigEndian(body) ? utf16le(swapPairs(body)) : utf16le(body)),
  utf32le: (body) => utf32(body, true),
  utf32be: (body) => utf32(body, false),
  utf32: (body) => utf32(body, !utf32IsBigEndian(body)),
};

/** Whether a body in this charset can be read (the charset must name a Unicode encoding). */
export function isKnownCharset(charset: string): boolean {
  return canonical(charset) in DECODERS;
}

/** The body as text, without its byte order mark; null for a charset this API does not read. */
export function decodeBody(body: Buffer, charset: string): string | null {
  const decode = DECODERS[canonical(charset)];
  if (!decode) return null;
  const text = decode(body);
  return text.startsWith(BOM) ? text.slice(1) : text;
}

function utf16le(body: Buffer): string {
  return body.toString('utf16le', 0, body.length - (body.length % 2));
}

function swapPairs(body: Buffer): Buffer {
  const swapped = Buffer.alloc(body.length - (body.length % 2));
  for (let i = 0; i < swapped.length; i += 2) {
    swapped[i] = body[i + 1]!;
    swapped[i + 1] = body[i]!;
  }
  return swapped;
}

/** UTF-16 without a declared byte order: its byte order mark, else where the zero bytes of ASCII characters fall. */
function utf16IsBigEndian(body: Buffer): boolean {
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return false;
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return true;
  let asciiBigEndian = 0;
  let asciiLittleEndian = 0;
  for (let i = 0; i + 1 < body.length && i < 200; i += 2) {
    if (body[i] === 0 && body[i + 1] !== 0) asciiBigEndian++;
    if (body[i] !== 0 && body[i + 1] === 0) asciiLittleEndian++;
  }
  return asciiBigEndian > asciiLittleEndian;
}

/** UTF-32 without a declared byte order: its byte order mark, else which reading gives more valid BMP characters. */
function utf32IsBigEndian(body: Buffer): boolean {
  if (body.length >= 4 && body[0] === 0xff && body[1] === 0xfe && body[2] === 0 && body[3] === 0) return false;
  if (body.length >= 4 && body[0] === 0 && body[1] === 0 && body[2] === 0xfe && body[3] === 0xff) return true;
  let invalidBigEndian = 0;
  let invalidLittleEndian = 0;
  let bmpBigEndian = 0;
  let bmpLittleEndian = 0;
  for (let i = 0; i + 3 < body.length && i < 400; i += 4) {
    const [b0, b1, b2, b3] = [body[i]!, body[i + 1]!, body[i + 2]!, body[i + 3]!];
    if (b0 !== 0 || b1 > 0x10) invalidBigEndian++;
    if (b3 !== 0 || b2 > 0x10) invalidLittleEndian++;
    if (b0 === 0 && b1 === 0 && (b2 !== 0 || b3 !== 0)) bmpBigEndian++;
    if ((b0 !== 0 || b1 !== 0) && b2 === 0 && b3 === 0) bmpLittleEndian++;
  }
  return bmpBigEndian - invalidBigEndian > bmpLittleEndian - invalidLittleEndian;
}

/** UTF-32: a code point out of Unicode's range reads as U+FFFD, and so does a trailing incomplete unit. */
function utf32(body: Buffer, littleEndian: boolean): string {
  const units: number[] = [];
  const whole = body.length - (body.length % 4);
  for (let i = 0; i < whole; i += 4) {
    let codePoint = littleEndian ? body.readInt32LE(i) : body.readInt32BE(i);
    if (codePoint < 0 || codePoint > 0x10ffff) codePoint = REPLACEMENT;
    if (codePoint >= 0x10000) {
      codePoint -= 0x10000;
      units.push(0xd800 | (codePoint >> 10));
      codePoint = 0xdc00 | (codePoint & 0x3ff);
    }
    units.push(codePoint);
  }
  if (whole < body.length) units.push(REPLACEMENT);
  let text = '';
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.slice(i, i + 8192));
  return text;
}
