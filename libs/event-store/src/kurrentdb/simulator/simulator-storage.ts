/**
 * The storage of a simulated KurrentDB node: its transaction file of prepare records, each stream's
 * index and metadata, and the write path's commit checks. It follows the server the product runs on
 * (kurrent-io/KurrentDB at tag v25.1.1, the image in docker-compose.yml); each rule cites the file
 * and function it comes from. What the client makes of the answers is in simulator-wire.ts.
 *
 * Left out: replication (IdempotentNotReady: a single node never answers it), scavenging, and
 * $maxAge, $maxCount and ACLs (the product sets none). Event ids are compared as the server's
 * Guids are: case-insensitively.
 */
import { randomUUID } from 'node:crypto';
import {
  isMetastream,
  metastreamOf,
  originalStreamOf,
} from '@kurrent/kurrentdb-client/dist/streams/utils/systemStreams.js';
import {
  ANY,
  DELETED_STREAM,
  NO_STREAM,
  STREAM_EXISTS,
  comparePositions,
  passes,
  positionOf,
  prepareRecordSize,
  type AllFilter,
  type DeleteOutcome,
  type ProposedEvent,
  type StoredRecord,
  type StreamRead,
  type StreamWrite,
  type TfPosition,
  type WriteOutcome,
} from './simulator-records.js';

type CommitDecision = 'ok' | 'wrong-expected-version' | 'idempotent' | 'deleted' | 'corrupted-idempotency';

interface CommitCheck {
  readonly decision: CommitDecision;
  readonly currentVersion: bigint;
  readonly endEventNumber: bigint;
  readonly isSoftDeleted: boolean;
  readonly idempotentLogPosition: bigint;
}

interface StreamIndex {
  /** events[n] has event number n: numbers are gapless from 0. */
  readonly events: StoredRecord[];
  tombstoned: boolean;
}

/**
 * IndexWriter's `_committedEvents` (a BoundedCache): event id → where it was committed, for the
 * idempotency of writes that name no revision. PutRecord keeps the first entry of an id it already
 * holds and evicts in insertion order. The server bounds it by memory (ESConsts.CommittedEventsMemCacheLimit,
 * 8 MiB); here by a number of entries.
 */
class CommittedEvents {
  private readonly byId = new Map<string, { readonly stream: string; readonly eventNumber: bigint }>();
  private readonly queue: string[] = [];

  constructor(private readonly capacity: number) {}

  get(eventId: string) {
    return this.byId.get(eventId);
  }

  put(eventId: string, stream: string, eventNumber: bigint): void {
    while (this.queue.length >= this.capacity) this.byId.delete(this.queue.shift()!);
    this.queue.push(eventId);
    if (!this.byId.has(eventId)) this.byId.set(eventId, { stream, eventNumber });
  }
}

export class SimulatorStorage {
  /** Every record, in log order. */
  readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StreamIndex>();
  private readonly committed: CommittedEvents;
  private writerPosition: bigint;

  constructor(
    private readonly now: () => Date,
    idempotencyWindow: number,
    firstPosition = 0n,
  ) {
    this.committed = new CommittedEvents(idempotencyWindow);
    this.writerPosition = firstPosition;
  }

  /**
   * One write of events to one or more streams, all or nothing (StorageWriterService.WritePrepares):
   * each stream's commit check, the verdict over all of them, then the prepares in request order.
   */
  write(writes: readonly StreamWrite[]): WriteOutcome {
    const checks = writes.map((w) =>
      this.checkCommit(
        w.stream,
        w.expectedVersion,
        w.events.map((e) => e.eventId.toLowerCase()),
      ),
    );
    const verdict = verifyCommitChecks(checks);
    if (verdict !== null) return verdict;
    const softDeletedMeta = writes.map((w) => isMetastream(w.stream) && this.isSoftDeleted(originalStreamOf(w.stream)));
    const lastEventNumbers: bigint[] = [];
    let commitPosition = -1n;
    writes.forEach((w, i) => {
      let eventNumber = checks[i]!.currentVersion;
      for (const event of w.events) {
        eventNumber += 1n;
        commitPosition = this.append(w.stream, eventNumber, event).logPosition;
      }
      lastEventNumbers.push(eventNumber);
    });
    // Writing to a soft-deleted stream undeletes it: its metadata now truncates before the first
    // event written (StorageWriterService.SoftUndeleteStream), so the stream reads from there on.
    // Writing a soft-deleted stream's metadata undeletes it too (SoftUndeleteMetastream).
    writes.forEach((w, i) => {
      if (w.events.length === 0) return;
      if (checks[i]!.isSoftDeleted) this.softUndelete(w.stream, checks[i]!.currentVersion + 1n);
      if (softDeletedMeta[i])
        this.softUndelete(originalStreamOf(w.stream), this.lastEventNumber(originalStreamOf(w.stream)) + 1n);
    });
    return { kind: 'written', lastEventNumbers, commitPosition };
  }

  /**
   * A delete (StorageWriterService.HandleAsync(WriteDelete)): checked like a write of one event
   * with a new id. Hard: a tombstone record in the stream (event number DeletedStream), after which
   * it can be neither read nor written. Soft: `$tb` = DeletedStream in its metadata; it reads as
   * absent until written again. Soft-deleting a stream that never existed is a wrong expected version.
   */
  delete(stream: string, expectedVersion: bigint, hard: boolean): DeleteOutcome {
    const eventId = randomUUID();
    const verdict = verifyCommitChecks([this.checkCommit(stream, expectedVersion, [eventId])]);
    // A new id cannot be a retry: the verdict is a refusal or nothing.
    if (verdict?.kind === 'wrong-expected-version' || verdict?.kind === 'stream-deleted') return verdict;
    if (hard) {
      const tombstone = this.append(stream, DELETED_STREAM, {
        eventId,
        type: '$streamDeleted',
        isJson: false,
        data: new Uint8Array(),
        metadata: new Uint8Array(),
      });
      return { kind: 'deleted', position: tombstone.logPosition };
    }
    const meta = metastreamOf(stream);
    if (this.lastEventNumber(stream) < 0n && this.lastEventNumber(meta) < 0n)
      return { kind: 'wrong-expected-version', failures: [{ index: 0, currentVersion: NO_STREAM }] };
    const metadata = this.append(
      meta,
      this.lastEventNumber(meta) + 1n,
      metadataEvent(eventId, `{"$tb":${DELETED_STREAM}}`),
    );
    return { kind: 'deleted', position: metadata.logPosition };
  }

  /** A stream's last event number: NO_STREAM when it has none, DELETED_STREAM once tombstoned (IndexReader.GetStreamLastEventNumber). */
  lastEventNumber(stream: string): bigint {
    const index = this.streams.get(stream);
    if (index?.tombstoned) return DELETED_STREAM;
    return BigInt(index?.events.length ?? 0) - 1n;
  }

  /**
   * A stream forwards from an event number (IndexReader.ReadStreamEventsForwardInternal, paged by
   * Enumerator.ReadStreamForwards): tombstoned → deleted; no events, or `$tb` = DeletedStream → no
   * stream; events before `$tb` are not read.
   */
  readStreamForwards(stream: string, from: bigint, maxCount: number): StreamRead {
    const readable = this.readable(stream);
    if (readable.kind !== 'ok') return readable;
    const start = from > readable.truncateBefore ? from : readable.truncateBefore;
    return { kind: 'ok', records: readable.events.slice(Number(start), Number(start) + maxCount) };
  }

  /** A stream backwards from an event number, or from its end (IndexReader.ReadStreamEventsBackwardInternal). */
  readStreamBackwards(stream: string, from: bigint | 'end', maxCount: number): StreamRead {
    const readable = this.readable(stream);
    if (readable.kind !== 'ok') return readable;
    const end = from === 'end' || from >= BigInt(readable.events.length) ? readable.events.length - 1 : Number(from);
    const records: StoredRecord[] = [];
    for (let n = end; n >= Number(readable.truncateBefore) && records.length < maxCount; n--)
      records.push(readable.events[n]!);
    return { kind: 'ok', records };
  }

  /**
   * $all forwards (AllReader.ReadAllEventsForwardInternal): every event, metadata or tombstone
   * record whose position (logPosition, logPosition) is at or after `from`. Inclusive.
   */
  readAllForwards(from: TfPosition | 'start', maxCount: number, filter?: AllFilter): StoredRecord[] {
    const records: StoredRecord[] = [];
    for (const record of this.log) {
      if (records.length >= maxCount) break;
      if (from !== 'start' && comparePositions(positionOf(record), from) < 0) continue;
      if (passes(filter, record)) records.push(record);
    }
    return records;
  }

  /**
   * $all backwards (AllReader.ReadAllEventsBackwardInternal): records whose post-position is at or
   * before `from`, so the record that starts at `from` is not read again. Newest first.
   */
  readAllBackwards(from: TfPosition | 'end', maxCount: number, filter?: AllFilter): StoredRecord[] {
    const records: StoredRecord[] = [];
    for (let i = this.log.length - 1; i >= 0 && records.length < maxCount; i--) {
      const record = this.log[i]!;
      if (from !== 'end' && comparePositions({ commit: record.postPosition, prepare: record.postPosition }, from) > 0)
        continue;
      if (passes(filter, record)) records.push(record);
    }
    return records;
  }

  /**
   * IndexWriter.CheckCommit: whether a write to one stream goes through, is a retry of one already
   * committed, or is refused. Ids are checked two ways:
   * - naming no revision (Any, StreamExists): each id is looked up among recently committed events
   *   (`_committedEvents`, a bounded window); all found in this stream: idempotent; the first not
   *   found: a new write (whatever comes after); found then not found: corrupted idempotency;
   * - naming a revision below the current one: the ids must be the events at expected+1, expected+2…
   *   (cache or index); all there: idempotent; the first not there: wrong expected version (or a
   *   new write, for NoStream on a soft-deleted stream); a later one not there: corrupted.
   * At the current revision the write goes through without looking at the ids: a batch already
   * stored, appended again at the head, is stored twice.
   */
  private checkCommit(stream: string, expectedVersion: bigint, eventIds: readonly string[]): CommitCheck {
    const currentVersion = this.lastEventNumber(stream);
    const verdict = (decision: CommitDecision, isSoftDeleted = false): CommitCheck => ({
      decision,
      currentVersion,
      endEventNumber: -1n,
      isSoftDeleted,
      idempotentLogPosition: -1n,
    });
    const idempotent = (endEventNumber: bigint): CommitCheck => ({
      decision: 'idempotent',
      currentVersion,
      endEventNumber,
      isSoftDeleted: false,
      // The answer carries the position of the last event found, read through the index with
      // the stream's metadata applied: none when truncated (IndexReader.ReadEvent).
      idempotentLogPosition: this.readableEvent(stream, endEventNumber)?.logPosition ?? -1n,
    });
    if (currentVersion === DELETED_STREAM) return verdict('deleted');

    if (expectedVersion === STREAM_EXISTS) {
      if (this.isSoftDeleted(stream)) return verdict('deleted', true);
      if (currentVersion < 0n && this.lastEventNumber(metastreamOf(stream)) < 0n)
        return verdict('wrong-expected-version');
    }

    if (expectedVersion === ANY || expectedVersion === STREAM_EXISTS) {
      let endEventNumber: bigint | null = null;
      for (const eventId of eventIds) {
        const found = this.committed.get(eventId);
        if (found === undefined || found.stream !== stream) {
          return endEventNumber === null ? verdict('ok', this.isSoftDeleted(stream)) : verdict('corrupted-idempotency');
        }
        endEventNumber = found.eventNumber;
      }
      return endEventNumber === null ? verdict('ok', this.isSoftDeleted(stream)) : idempotent(endEventNumber);
    }

    if (expectedVersion < currentVersion) {
      let eventNumber = expectedVersion;
      for (const eventId of eventIds) {
        eventNumber += 1n;
        const cached = this.committed.get(eventId);
        if (cached?.stream === stream && cached.eventNumber === eventNumber) continue;
        if (this.streams.get(stream)?.events[Number(eventNumber)]?.eventId === eventId) continue;
        if (eventNumber !== expectedVersion + 1n) return verdict('corrupted-idempotency');
        if (expectedVersion === NO_STREAM && this.isSoftDeleted(stream)) return verdict('ok', true);
        return verdict('wrong-expected-version');
      }
      if (eventNumber === expectedVersion) return verdict('wrong-expected-version');
      return idempotent(eventNumber);
    }

    if (expectedVersion > currentVersion) return verdict('wrong-expected-version');
    return verdict('ok', this.isSoftDeleted(stream));
  }

  /** Writes one prepare and pre-commits it (IndexWriter.PreCommit): the id enters the committed-events window. */
  private append(stream: string, eventNumber: bigint, event: ProposedEvent): StoredRecord {
    const eventId = event.eventId.toLowerCase();
    const logPosition = this.writerPosition;
    const size = prepareRecordSize(stream, event);
    const record: StoredRecord = {
      ...event,
      eventId,
      logPosition,
      postPosition: logPosition + size,
      stream,
      eventNumber,
      createdMs: this.now().getTime(),
    };
    this.writerPosition = record.postPosition;
    this.log.push(record);
    const index = this.streams.get(stream) ?? { events: [], tombstoned: false };
    this.streams.set(stream, index);
    if (eventNumber === DELETED_STREAM) index.tombstoned = true;
    else index.events.push(record);
    this.committed.put(eventId, stream, eventNumber);
    return record;
  }

  /** Writes the stream's metadata again with `$tb` at `recreateFrom` (StorageWriterService.ModifyMetadata). */
  private softUndelete(stream: string, recreateFrom: bigint): void {
    const meta = metastreamOf(stream);
    const current = this.streams.get(meta)?.events.at(-1);
    let rest: string;
    try {
      const parsed = current ? (JSON.parse(Buffer.from(current.data).toString('utf8')) as unknown) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      const { $tb: _previous, ...others } = parsed as Record<string, unknown>;
      rest = JSON.stringify(others).slice(1, -1);
    } catch {
      return; // ModifyMetadata gives up on metadata that is not JSON.
    }
    const json = `{${rest}${rest === '' ? '' : ','}"$tb":${recreateFrom}}`;
    this.append(meta, this.lastEventNumber(meta) + 1n, metadataEvent(randomUUID(), json));
  }

  /** `$tb` of the stream's metadata (its metastream's last event), read as a bigint: long.MaxValue does not survive JSON.parse. */
  private truncateBefore(stream: string): bigint | null {
    const last = this.streams.get(metastreamOf(stream))?.events.at(-1);
    if (!last) return null;
    const match = /"\$tb"\s*:\s*(\d+)/.exec(Buffer.from(last.data).toString('utf8'));
    return match ? BigInt(match[1]!) : null;
  }

  /** IndexWriter.IsSoftDeleted: the stream's `$tb` is DeletedStream. */
  private isSoftDeleted(stream: string): boolean {
    return this.truncateBefore(stream) === DELETED_STREAM;
  }

  private readable(
    stream: string,
  ):
    | { readonly kind: 'ok'; readonly events: readonly StoredRecord[]; readonly truncateBefore: bigint }
    | { readonly kind: 'no-stream' }
    | { readonly kind: 'deleted' } {
    const last = this.lastEventNumber(stream);
    if (last === DELETED_STREAM) return { kind: 'deleted' };
    const truncateBefore = this.truncateBefore(stream);
    if (last < 0n || truncateBefore === DELETED_STREAM) return { kind: 'no-stream' };
    return { kind: 'ok', events: this.streams.get(stream)!.events, truncateBefore: truncateBefore ?? 0n };
  }

  private readableEvent(stream: string, eventNumber: bigint): StoredRecord | undefined {
    const readable = this.readable(stream);
    return readable.kind === 'ok' && eventNumber >= readable.truncateBefore
      ? readable.events[Number(eventNumber)]
      : undefined;
  }
}

/**
 * StorageWriterService.VerifyCommitChecks (v25.1.1), over every stream of one write: null when all
 * are ok. In stream order, a deleted stream or a corrupted retry ends the check at once; all
 * idempotent: already committed; ok and wrong versions only: wrong expected version naming those
 * streams; retried streams mixed with others: wrong expected version naming none ("handled in the
 * same way as CorruptedIdempotency"). A corrupted retry of a one-stream write names its stream.
 */
function verifyCommitChecks(checks: readonly CommitCheck[]): WriteOutcome | null {
  for (const [index, check] of checks.entries()) {
    if (check.decision === 'deleted') return { kind: 'stream-deleted', index };
    if (check.decision === 'corrupted-idempotency') {
      return {
        kind: 'wrong-expected-version',
        failures: checks.length === 1 ? [{ index: 0, currentVersion: check.currentVersion }] : [],
      };
    }
  }
  if (checks.every((c) => c.decision === 'ok')) return null;
  if (checks.every((c) => c.decision === 'idempotent')) {
    const logPosition = checks.reduce((max, c) => (c.idempotentLogPosition > max ? c.idempotentLogPosition : max), -1n);
    return { kind: 'already-committed', lastEventNumbers: checks.map((c) => c.endEventNumber), logPosition };
  }
  if (checks.every((c) => c.decision === 'ok' || c.decision === 'wrong-expected-version')) {
    const failures = [...checks.entries()]
      .filter(([, c]) => c.decision === 'wrong-expected-version')
      .map(([index, c]) => ({ index, currentVersion: c.currentVersion }));
    return { kind: 'wrong-expected-version', failures };
  }
  return { kind: 'wrong-expected-version', failures: [] };
}

function metadataEvent(eventId: string, json: string): ProposedEvent {
  return { eventId, type: '$metadata', isJson: true, data: Buffer.from(json, 'utf8'), metadata: new Uint8Array() };
}
