/**
 * The connection strings the KurrentDB adapter accepts (kurrentdb-connection.ts), refused before
 * any client is built.
 */
import { describe, expect, it } from '@jest/globals';
import { connectionStringProblem } from './kurrentdb-connection.js';
import { KurrentDbEventStore } from './kurrentdb-event-store.js';

describe('connection strings', () => {
  it('refuses throwOnAppendFailure=false, spelled as the client accepts it, without quoting the string', () => {
    for (const url of [
      'kurrentdb://localhost:2113?tls=false&throwOnAppendFailure=false',
      'kurrentdb://admin:s3cret@localhost:2113?throwOnAppendFailure=false',
      'kurrentdb+discover://a:2113,b:2113?THROW_ON_APPEND_FAILURE=false&tls=true',
      'kurrentdb://localhost:2113?throw-on-append-failure= false /',
      'kurrentdb://localhost:2113?throwOnAppendFailure=true&throwOnAppendFailure=false',
    ]) {
      const problem = connectionStringProblem(url);
      expect(problem).toMatch(/throwOnAppendFailure=false/);
      expect(problem).not.toMatch(/s3cret|localhost/);
    }
  });

  it('accepts the rest', () => {
    for (const url of [
      'kurrentdb://localhost:2113?tls=false',
      'kurrentdb://localhost:2113',
      'kurrentdb://localhost:2113?throwOnAppendFailure=true',
      'kurrentdb://localhost:2113?throwOnAppendFailure=false&throwOnAppendFailure=true',
      // A '?' in the password is not where the options start.
      'kurrentdb://admin:a?throwOnAppendFailure=false@localhost:2113?tls=false',
    ]) {
      expect(connectionStringProblem(url)).toBeNull();
    }
  });

  it('makes connect refuse the store before any client is built', () => {
    expect(() =>
      KurrentDbEventStore.connect('kurrentdb://localhost:2113?tls=false&throwOnAppendFailure=false'),
    ).toThrow(/needs a failed append to throw/);
  });
});
