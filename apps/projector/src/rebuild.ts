import { fundingProjections, loadConfigOrExit, logProgress, openEventStore, openReadModelStore } from '@app/config';
import { rebuildReadModels } from '@app/read-models';

/**
 * `npm run projections:rebuild`: rebuilds every read model from position 0 into a new generation
 * and switches queries to it once it has caught up. A running API or projector keeps answering
 * from the old generations meanwhile, then follows the switch. (A projection whose version was
 * raised needs none of this: the projector rebuilds it on its own, docs/adr/0025.)
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ serveApi: false });
  const events = await openEventStore(config);
  const readModels = await openReadModelStore(config);
  const started = Date.now();
  const progress = logProgress('Rebuilding the read models', events.adapter, await events.store.headPosition());
  try {
    const { generation } = await rebuildReadModels(
      events.store,
      readModels.store,
      fundingProjections(config),
      (m) => process.stderr.write(`${m}\n`),
      {
        onProgress: (reached) => progress.update(reached ? Number(reached.commit) : 0),
      },
    );
    progress.finish();
    process.stdout.write(
      `Read models rebuilt into generation ${generation} in ${((Date.now() - started) / 1000).toFixed(1)} s; queries now use it.\n`,
    );
  } catch (error) {
    process.stderr.write(`Rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await events.store.close();
    await readModels.store.close();
  }
}

await main();
