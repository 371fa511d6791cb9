/**
 * The connection strings the KurrentDB adapter accepts. Pure: unit-tested in kurrentdb-connection.spec.ts.
 */

/**
 * Why the adapter refuses a connection string, or null when it takes it. It refuses the
 * simulator's URL (no server's), and `throwOnAppendFailure=false`: with it the client answers a
 * wrong expected revision with a failed result instead of an error, and on its batch-append path
 * that result carries a wrong actual revision (`BigInt(hasCurrentStreamRevision())`,
 * streams/appendToStream/batchAppend.js in @kurrent/kurrentdb-client 1.3.1). The append options take no per-call override, so the only
 * safe client is one built without the option.
 *
 * Options are read as the client reads them (Client/parseConnectionString.js): trailing '/' dropped,
 * then after the host list's '?', `key=value` pairs joined by '&', keys compared ignoring case, '-'
 * and '_', values trimmed, the last occurrence winning. The message never quotes the connection string, which may hold a password.
 */
export function connectionStringProblem(connectionString: string): string | null {
  if (/^\s*kurrentdb-simulator:/i.test(connectionString)) {
    return 'kurrentdb-simulator:// names the in-memory KurrentDB simulator, which no client connects to: open it with openKurrentDbEventStore (kurrentdb-open.ts)';
  }
  const trimmed = connectionString.trim().replace(/\/+$/, '');
  // A password cannot hold an unescaped '@', so the options start after the last one.
  const query = trimmed.indexOf('?', trimmed.lastIndexOf('@') + 1);
  if (query < 0) return null;
  let throwOnAppendFailure: string | null = null;
  for (const pair of trimmed.slice(query + 1).split('&')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const key = pair.slice(0, equals).trim().toLowerCase().replace(/[_-]/g, '');
    if (key === 'throwonappendfailure') throwOnAppendFailure = pair.slice(equals + 1).trim();
  }
  if (throwOnAppendFailure !== 'false') return null;
  return (
    'The KurrentDB connection string sets throwOnAppendFailure=false: the event store needs a failed append ' +
    'to throw (a failure returned as a value carries a wrong actual revision). Remove the option.'
  );
}
