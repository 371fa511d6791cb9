/**
 * What the client makes of the simulated server's answers. Wherever it can, the simulator hands the
 * client's own code what the server would send and lets it build the result, so the adapter meets
 * exactly the values, classes and messages of @kurrent/kurrentdb-client 1.3.1:
 * - reads (the client's Rust bridge): bridge records through `convertRustEvent`, bridge errors
 *   through `convertBridgeError` (utils/convertRustEvent.js, utils/convertBridgeError.js);
 * - subscriptions (gRPC): real `ReadResp` protobuf messages through the client's `Subscription`
 *   and `convertGrpcEvent` (streams/utils/Subscription.js);
 * - gRPC failures: a ServiceError-shaped error through `convertToCommandError` (utils/CommandError.js);
 * - append answers: the client's error classes built as its decoders build them, from the fields the
 *   server puts in its answer (streams/appendToStream/batchAppend.js, unpackError.js, multiStreamAppend.js).
 */
import {
  StreamDeletedError,
  StreamTombstonedError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AppendStreamState,
  type CurrentStreamState,
  type Position,
} from '@kurrent/kurrentdb-client';
import { convertBridgeError } from '@kurrent/kurrentdb-client/dist/utils/convertBridgeError.js';
import { convertRustEvent } from '@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import type { StoredRecord, TfPosition } from './simulator-records.js';

/** gRPC status codes the server answers with (grpc-js `status`). */
export const GrpcStatus = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
} as const;

const STATUS_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(GrpcStatus).map(([name, code]) => [code, name]),
);

/** The part of grpc-js Metadata the client reads: `getMap()` for the exception header, `get()` for status details. */
class TrailerMetadata {
  constructor(private readonly values: Readonly<Record<string, string>>) {}
  getMap(): Record<string, string> {
    return { ...this.values };
  }
  get(key: string): string[] {
    const value = this.values[key];
    return value === undefined ? [] : [value];
  }
}

/** An error as grpc-js rejects a call with it: `code`, `details`, trailers, message `<code> <NAME>: <details>`. */
export function serviceError(code: number, details: string, trailers: Readonly<Record<string, string>> = {}): Error {
  return Object.assign(new Error(`${code} ${STATUS_NAMES[code] ?? 'STATUS'}: ${details}`), {
    code,
    details,
    metadata: new TrailerMetadata(trailers),
  });
}

/** The client's error for a failed gRPC call, as the client itself converts it. */
export function clientError(raw: Error): Error {
  return convertToCommandError(raw);
}

/** The node is gone: connection refused or reset (what the client gets when the server drops the channel). */
export function unavailable(details = 'Connection dropped'): Error {
  return clientError(serviceError(GrpcStatus.UNAVAILABLE, details));
}

/** The call's deadline passed before the answer came (grpc-js DEADLINE_EXCEEDED). */
export function deadlineExceeded(): Error {
  return clientError(serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'));
}

/**
 * A follower's refusal of a request that needs the leader (Streams.BatchAppend's NotHandled →
 * RpcExceptions.LeaderInfo: NOT_FOUND with the `not-leader` exception and the leader's endpoint).
 */
export function notLeader(leader: { readonly host: string; readonly port: number }): Error {
  return clientError(
    serviceError(GrpcStatus.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': leader.host,
      'leader-endpoint-port': String(leader.port),
    }),
  );
}

/**
 * A wrong expected version on a single-stream append (Status.WrongExpectedVersion in a
 * BatchAppendResp), as WrongExpectedVersionError.fromWrongExpectedVersion decodes it: the state
 * the client sent, and the stream's current revision ('no_stream' when it has none).
 */
export function appendConflict(stream: string, expected: AppendStreamState, currentVersion: bigint): Error {
  return new WrongExpectedVersionError(undefined, { streamName: stream, expected, current: currentOf(currentVersion) });
}

/** A tombstoned stream on a single-stream append (Status.StreamDeleted; unpackError.js). */
export function appendToDeletedStream(stream: string): Error {
  return StreamDeletedError.fromStreamName(stream);
}

/**
 * A wrong expected version on a multi-stream append: ApiErrors.StreamRevisionConflict
 * (FAILED_PRECONDITION with StreamRevisionConflictErrorDetails: the request's expected revision and
 * the actual one as strings), decoded by WrongExpectedVersionError.fromRevisionConflict.
 */
export function revisionConflict(stream: string, expectedRevision: bigint, actualRevision: bigint): Error {
  return WrongExpectedVersionError.fromRevisionConflict({
    stream,
    expectedRevision: String(expectedRevision),
    actualRevision: String(actualRevision),
  });
}

/** A deleted stream on a multi-stream append: ApiErrors.StreamTombstoned. */
export function streamTombstoned(stream: string): Error {
  const raw = serviceError(GrpcStatus.FAILED_PRECONDITION, `Stream '${stream}' has been tombstoned.`);
  return new StreamTombstonedError(raw as ConstructorParameters<typeof StreamTombstonedError>[0], { stream });
}

/**
 * What a handler that throws sends: gRPC UNKNOWN "Exception was thrown by handler." — e.g. the
 * append session's error mapping indexing the empty list of failing streams
 * (StreamsService.AppendSessionCommand.MapToError, v25.1.1). The client makes it an UnknownError.
 */
export function handlerException(): Error {
  return clientError(serviceError(GrpcStatus.UNKNOWN, 'Exception was thrown by handler.'));
}

/** A delete's refusals (Streams.Delete → RpcExceptions.StreamDeleted / WrongExpectedVersion, with their trailers). */
export function deleteRefused(
  stream: string,
  refusal:
    | { readonly kind: 'stream-deleted' }
    | { readonly kind: 'wrong-expected-version'; readonly expected: bigint; readonly current: bigint },
): Error {
  if (refusal.kind === 'stream-deleted') {
    return clientError(
      serviceError(GrpcStatus.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
        exception: 'stream-deleted',
        'stream-name': stream,
      }),
    );
  }
  return clientError(
    serviceError(
      GrpcStatus.FAILED_PRECONDITION,
      `Append failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${refusal.expected}, Actual version: ${refusal.current}`,
      {
        exception: 'wrong-expected-version',
        'stream-name': stream,
        'expected-version': String(refusal.expected),
        ...(refusal.current >= 0n ? { 'actual-version': String(refusal.current) } : {}),
      },
    ),
  );
}

function currentOf(currentVersion: bigint): CurrentStreamState {
  return currentVersion < 0n ? 'no_stream' : currentVersion;
}

export function toClientPosition(position: TfPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

// ---------------------------------------------------------------------------------------------
// Reads: what the Rust bridge yields, converted by the client

type BridgeResolvedEvent = Parameters<typeof convertRustEvent>[0];

/** A stored record as the bridge hands it over: revision and positions as bigints, bytes as they are. */
export function readEvent<T>(record: StoredRecord): T {
  const bridged: BridgeResolvedEvent = {
    event: {
      streamId: record.stream,
      id: record.eventId,
      type: record.type,
      isJson: record.isJson,
      revision: record.eventNumber,
      created: record.createdMs,
      data: record.data,
      metadata: record.metadata,
      position: { commit: record.logPosition, prepare: record.logPosition },
    },
    commitPosition: record.logPosition,
  };
  return convertRustEvent(bridged) as T;
}

/** A bridge failure (its errors carry only a name), as the client converts it for the stream read. */
export function readFailure(
  name: 'StreamNotFoundError' | 'StreamDeletedError' | 'UnavailableError' | 'NotLeaderError' | 'DeadlineExceededError',
  stream?: string,
): Error {
  const bridgeError = Object.assign(new Error(name), {
    name,
    metadata:
      name === 'NotLeaderError' ? { 'leader-endpoint-host': 'leader.invalid', 'leader-endpoint-port': '2113' } : {},
  });
  return convertBridgeError(bridgeError, stream);
}

// ---------------------------------------------------------------------------------------------
// Subscriptions: ReadResp messages, as the server streams them

export type ReadResp = InstanceType<typeof streamsPb.ReadResp>;

export function confirmationMessage(subscriptionId: string): ReadResp {
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(subscriptionId);
  return new streamsPb.ReadResp().setConfirmation(confirmation);
}

export function eventMessage(record: StoredRecord): ReadResp {
  const id = new sharedPb.UUID().setString(record.eventId);
  const identifier = new sharedPb.StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(record.stream, 'utf8')));
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(id)
    .setStreamIdentifier(identifier)
    .setStreamRevision(String(record.eventNumber))
    .setPreparePosition(String(record.logPosition))
    .setCommitPosition(String(record.logPosition))
    .setCustomMetadata(record.metadata)
    .setData(record.data);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.isJson ? 'application/json' : 'application/octet-stream');
  // .NET ticks (100 ns) since the Unix epoch: convertGrpcEvent divides by 10 000.
  metadata.set('created', String(BigInt(record.createdMs) * 10_000n));
  const event = new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(String(record.logPosition));
  return new streamsPb.ReadResp().setEvent(event);
}

export function checkpointMessage(position: TfPosition): ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint()
    .setCommitPosition(String(position.commit))
    .setPreparePosition(String(position.prepare));
  return new streamsPb.ReadResp().setCheckpoint(checkpoint);
}

export function caughtUpMessage(): ReadResp {
  return new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp());
}
