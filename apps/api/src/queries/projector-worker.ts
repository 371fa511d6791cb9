/**
 * The API's projector, in a thread of its own (PROJECTOR_THREAD=worker, the default): it opens its
 * own connections to the event store and the read models, as the projector process does, and tells
 * the API's thread how it runs (projector-thread.ts). Loaded by `new Worker`, from the build only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fundingProjections, openEventStore, openReadModelStore, projectorOwner, type AppConfig } from '@app/config';
import { Projector } from '@app/read-models';
import type { FromProjector, ToProjector } from './projector-thread.js';

const port = parentPort!;
const config = (workerData as { config: AppConfig }).config;
const tell = (message: FromProjector) => port.postMessage(message);

const events = await openEventStore(config);
const readModels = await openReadModelStore(config);
const projector = new Projector(
  events.store,
  readModels.store,
  fundingProjections(config),
  (message) => tell({ kind: 'warn', message }),
  { lease: { owner: projectorOwner('api'), ttlMs: config.projectorLeaseMs } },
);
const report = (kind: 'progress' | 'started') =>
  tell({ kind, statuses: projector.statuses(), leading: projector.leading });
projector.progress.on('progress', () => report('progress'));

port.on('message', (message: ToProjector) => {
  if (message.kind !== 'stop') return;
  void (async () => {
    await projector.stop();
    await readModels.store.close();
    await events.store.close();
    tell({ kind: 'stopped' });
    // Ends this thread only, whatever a driver's timers would keep alive.
    process.exit(0);
  })();
});

await projector.start();
report('started');
