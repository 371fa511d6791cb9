/** The MongoDB vault without a server: how it recognises a replica set that is not initiated. */
import { describe, expect, it } from '@jest/globals';
import { MongoServerSelectionError, ServerType } from 'mongodb';
import { replicaSetNotInitiated } from './mongo-vault-store.js';

describe('a replica set that is not initiated', () => {
  it('shows in the hello reply of a member started with --replSet before rs.initiate()', () => {
    expect(replicaSetNotInitiated({ isWritablePrimary: false, secondary: false, info: 'Does not have a valid replica set config', isreplicaset: true, ok: 1 })).toBe(true);
    expect(replicaSetNotInitiated({ isWritablePrimary: true, setName: 'rs0', ok: 1 })).toBe(false);
    expect(replicaSetNotInitiated({ isWritablePrimary: true, ok: 1 })).toBe(false);
  });

  it('shows in a server selection that timed out on such a member', () => {
    const selectionFailure = (type: string) =>
      new MongoServerSelectionError('Server selection timed out after 30000 ms', {
        type: 'ReplicaSetNoPrimary',
        servers: new Map([['mongodb:27017', { address: 'mongodb:27017', type }]]),
      } as never);
    expect(replicaSetNotInitiated(selectionFailure(ServerType.RSGhost))).toBe(true);
    expect(replicaSetNotInitiated(selectionFailure(ServerType.Unknown))).toBe(false);
    expect(replicaSetNotInitiated(new Error('connect ECONNREFUSED 127.0.0.1:27017'))).toBe(false);
  });
});
