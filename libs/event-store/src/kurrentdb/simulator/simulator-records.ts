/**
 * The records of a simulated KurrentDB node's transaction file and the values its write and read
 * paths exchange (kurrent-io/KurrentDB v25.1.1: src/KurrentDB.Core/Data/, TransactionLog/LogRecords/).
 */

/** ExpectedVersion.* and EventNumber.DeletedStream (src/KurrentDB.Core/Data/ExpectedVersion.cs, EventNumber.cs). */
export const NO_STREAM = -1n;
export const ANY = -2n;
export const STREAM_EXISTS = -4n;
export const DELETED_STREAM = 9_223_372_036_854_775_807n;

/** A position in the transaction file, compared by commit then prepare (TFPos). */
export interface TfPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** One prepare record as the log holds it: an event, a stream's metadata, or a tombstone. */
export interface StoredRecord {
  /** Where the record starts. Prepares written as committed are their own commit: commit = prepare = this. */
  readonly logPosition: bigint;
  /** Where the next record starts (LogRecord.GetNextLogPosition). */
  readonly postPosition: bigint;
  readonly stream: string;
  /** ExpectedVersion + 1; DELETED_STREAM for a tombstone. */
  readonly eventNumber: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly createdMs: number;
}

/** An event as a write request carries it (ClientMessage.WriteEvents' Event). */
export interface ProposedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface StreamWrite {
  readonly stream: string;
  readonly expectedVersion: bigint;
  readonly events: readonly ProposedEvent[];
}

/** The writer's answers (StorageMessage.* as the request manager turns them into WriteEventsCompleted). */
export type WriteOutcome =
  | { readonly kind: 'written'; readonly lastEventNumbers: readonly bigint[]; readonly commitPosition: bigint }
  | { readonly kind: 'already-committed'; readonly lastEventNumbers: readonly bigint[]; readonly logPosition: bigint }
  /** `failures` empty: the server names no stream (a multi-stream write mixing retried and new streams). */
  | {
      readonly kind: 'wrong-expected-version';
      readonly failures: ReadonlyArray<{ readonly index: number; readonly currentVersion: bigint }>;
    }
  | { readonly kind: 'stream-deleted'; readonly index: number };

export type DeleteOutcome =
  | { readonly kind: 'deleted'; readonly position: bigint }
  | Extract<WriteOutcome, { readonly kind: 'wrong-expected-version' | 'stream-deleted' }>;

export type StreamRead =
  | { readonly kind: 'ok'; readonly records: readonly StoredRecord[] }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'deleted' };

/** The server-side filter of a $all read or subscription (EventFilter: regex IsMatch or StartsWith). */
export interface AllFilter {
  readonly filterOn: 'streamName' | 'eventType';
  readonly regex?: string;
  readonly prefixes?: readonly string[];
}

export function positionOf(record: StoredRecord): TfPosition {
  return { commit: record.logPosition, prepare: record.logPosition };
}

export function comparePositions(a: TfPosition, b: TfPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function passes(filter: AllFilter | undefined, record: StoredRecord): boolean {
  if (filter === undefined) return true;
  const subject = filter.filterOn === 'eventType' ? record.type : record.stream;
  if (filter.regex !== undefined) return new RegExp(filter.regex).test(subject);
  return (filter.prefixes ?? []).some((prefix) => subject.startsWith(prefix));
}

/**
 * The size of a prepare record on disk, length prefix and suffix included
 * (src/KurrentDB.Core/TransactionLog/LogRecords/PrepareLogRecord.cs, ComputeSizeOnDisk): positions
 * in $all are byte offsets of the transaction file, so they grow by this much per event.
 */
export function prepareRecordSize(stream: string, event: ProposedEvent): bigint {
  const text = (value: string) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    return bytes === 0 ? 1 : bytes + Math.floor(Math.log2(bytes) / 7) + 1;
  };
  const fixed = 2 * 4 + (1 + 1 + 8) + 2 + 8 + 4 + 8 + 16 + 16 + 8 + 4 + 4;
  return BigInt(fixed + text(stream) + text(event.type) + event.data.length + event.metadata.length);
}
