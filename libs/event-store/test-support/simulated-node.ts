/**
 * A simulated KurrentDB node and a client of it, as the simulator's specs drive them: events to
 * append, and what a read or a failed call gives back.
 */
import { randomUUID } from 'node:crypto';
import { jsonEvent, type EventData } from '@kurrent/kurrentdb-client';
import { KurrentDbSimulator, type SimulatedKurrentDbClient } from '../src/kurrentdb/simulator/kurrentdb-simulator.js';

export const event = (type = 'ThingHappened', id: string = randomUUID()): EventData =>
  jsonEvent({ id, type, data: { n: 1 }, metadata: { actor: 'spec' } });

export async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export async function failure(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

export const streamOf = async (client: SimulatedKurrentDbClient, stream: string) =>
  (await all(client.readStream(stream))).map((resolved) => [Number(resolved.event!.revision), resolved.event!.id]);

/** A fresh node, and a client of it. */
export function setUp(options?: ConstructorParameters<typeof KurrentDbSimulator>[0]) {
  const node = new KurrentDbSimulator(options);
  return { node, client: node.connect() };
}
