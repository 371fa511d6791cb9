import { describe, expect, it } from '@jest/globals';
import { charsetOf, isJsonContentType, preferredType } from './media-types.js';

describe('media types', () => {
  it.each([
    ['application/json', true],
    ['APPLICATION/JSON', true],
    [' application/json ; charset=utf-8', true],
    ['application/json;', true],
    ['application/problem+json', false],
    ['text/plain', false],
    ['application /json', false],
    ['json', false],
    ['', false],
    [undefined, false],
  ])('Content-Type %p is JSON: %p', (header, json) => {
    expect(isJsonContentType(header)).toBe(json);
  });

  it.each([
    ['application/json', null],
    ['application/json; charset=UTF-8', 'utf-8'],
    ['application/json; charset="utf-16LE"', 'utf-16le'],
    ['application/json; CHARSET=latin1; charset=utf-8', 'latin1'],
    ['application/json; charset=', null],
  ])('the charset of %p is %p', (header, charset) => {
    expect(charsetOf(header)).toBe(charset);
  });

  const offered = ['application/json', 'text/csv'];
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['text/csv', 'text/csv'],
    ['text/*', 'text/csv'],
    ['*/*', 'application/json'],
    ['text/csv;q=0.5, application/json', 'application/json'],
    ['application/json;q=0.1, text/csv', 'text/csv'],
    ['text/csv;charset=utf-8, application/json;q=0.9', 'application/json'],
    ['application/xml', false],
    ['text/csv;q=0', false],
  ])('Accept %p prefers %p', (accept, type) => {
    expect(preferredType(accept, offered)).toBe(type);
  });
});
