import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fundingProjections, loadConfigOrExit, logProgress, openEventStore, openReadModelStore } from '@app/config';
import { SqliteReadModelStore, compareReadModels, liveSpace, rebuildReadModels } from '@app/read-models';

/**
 * `npm run audit:replay`: rebuilds every read model from position 0 into a scratch store and
 * compares it, document by document, with the live one. Prints "identical" or the differences,
 * and exits non-zero on a difference. Run it with the projector caught up (or stopped).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ serveApi: false });
  const events = await openEventStore(config);
  const live = await openReadModelStore(config);
  const projections = fundingProjections(config);
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const scratch = SqliteReadModelStore.open(join(dir, 'scratch.db'));
  try {
    const progress = logProgress(
      'Replaying the log into a scratch store',
      events.adapter,
      await events.store.headPosition(),
    );
    await rebuildReadModels(events.store, scratch, projections, (m) => process.stderr.write(`${m}\n`), {
      onProgress: (reached) => progress.update(reached ? Number(reached.commit) : 0),
    });
    progress.finish();
    // Each projection's live generation (a version rebuild moves one projection alone).
    const liveModels = await liveSpace(live.store, projections);
    const differences = await compareReadModels(scratch.space(await scratch.activeGeneration()), liveModels);
    const head = await events.store.headPosition();
    const behind = (await liveModels.statuses()).filter(
      (s) => !s.checkpoint || !head || BigInt(s.checkpoint.commit) < head.commit,
    );
    if (behind.length > 0)
      process.stderr.write(
        `Note: live projections behind the log head: ${behind.map((s) => s.projection).join(', ')}\n`,
      );
    if (differences.length === 0) {
      process.stdout.write('identical\n');
    } else {
      process.stdout.write(
        `${differences.length} difference(s):\n${differences
          .slice(0, 50)
          .map((d) => `- ${d}`)
          .join('\n')}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
    await live.store.close();
    await events.store.close();
  }
}

await main();
