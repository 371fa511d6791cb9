/**
 * The MongoDB server the read-model store talks to: what kind it is (the store needs
 * transactions), and the time limits and concerns every operation and transaction carries. Pure:
 * unit-tested in mongo-server.spec.ts.
 */
import { ReadConcern, ServerType, WriteConcern, type Document, type TransactionOptions } from 'mongodb';

/** The server-side time limit of every operation unless configured (maxTimeMS). */
export const DEFAULT_OPERATION_TIME_MS = 10_000;

/** MongoDB's NamespaceExists: `create` on a collection that is already there. */
export const NAMESPACE_EXISTS = 48;
/** The collection (namespace) named does not exist. */
export const NAMESPACE_NOT_FOUND = 26;
/** MongoDB's DuplicateKey: an insert (or upsert) meeting a document with the same `_id`. */
export const DUPLICATE_KEY = 11000;

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a server is, by its `hello` reply: the read-model store needs transactions, so a replica set or mongos. */
export type MongoServerKind = 'replica-set-member' | 'uninitiated-replica-set-member' | 'mongos' | 'standalone';

/**
 * Reads a `hello` reply as the driver does (parseServerType, sdam/server_description.js, after the
 * SDAM specification): a mongod started with --replSet whose replica set is not initiated (or that
 * is not in its set's configuration) answers `isreplicaset: true` and no setName (the "RSGhost");
 * mongos answers msg 'isdbgrid'; an initiated member carries setName; anything else is standalone.
 */
export function serverKind(hello: Document): MongoServerKind {
  if (hello['isreplicaset'] === true) return 'uninitiated-replica-set-member';
  if (hello['msg'] === 'isdbgrid') return 'mongos';
  if (typeof hello['setName'] === 'string') return 'replica-set-member';
  return 'standalone';
}

export const REPLICA_SET_NOT_INITIATED =
  'replica set not initiated: run rs.initiate() on the replica set, then start again';

/** Why the read-model store cannot use the server at `where`, or null when it can. */
export function serverKindProblem(kind: MongoServerKind, where: string): string | null {
  switch (kind) {
    case 'replica-set-member':
    case 'mongos':
      return null;
    case 'uninitiated-replica-set-member':
      return `MongoDB at ${where}: ${REPLICA_SET_NOT_INITIATED}`;
    case 'standalone':
      return `MongoDB at ${where} is a standalone server; the read-model store needs a replica set (a single-node one will do) for transactions`;
    default: {
      const unknown: never = kind;
      throw new Error(`Unknown MongoDB server kind ${String(unknown)}`);
    }
  }
}

/**
 * The servers a failed server selection saw as members of a replica set that is not initiated. A
 * URL naming the replica set (`?replicaSet=rs0`) never selects such a member, so connecting times
 * out with MongoServerSelectionError; its `reason` is the topology the driver saw, each server
 * described with its type ('RSGhost' for these).
 */
export function uninitiatedMembers(error: unknown): string[] {
  const servers = (error as { reason?: { servers?: unknown } } | null | undefined)?.reason?.servers;
  if (!(servers instanceof Map)) return [];
  return [...(servers as Map<string, { type?: unknown } | undefined>)]
    .filter(([, description]) => description?.type === ServerType.RSGhost)
    .map(([address]) => address);
}

export function transactionOptions(operationTimeMs: number = DEFAULT_OPERATION_TIME_MS): TransactionOptions {
  return {
    readConcern: new ReadConcern('snapshot'),
    writeConcern: new WriteConcern('majority', operationTimeMs),
    readPreference: 'primary',
    maxCommitTimeMS: operationTimeMs,
  };
}

/** The time limits of one operation outside index builds: how long the server may work on it. */
export function operationLimits(operationTimeMs: number): { readonly maxTimeMS: number } {
  if (!Number.isSafeInteger(operationTimeMs) || operationTimeMs <= 0)
    throw new Error(`Invalid operation time limit ${String(operationTimeMs)} ms`);
  return { maxTimeMS: operationTimeMs };
}
