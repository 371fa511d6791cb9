import { loadConfigOrExit, openEventStore } from '@app/config';
import { formatPosition, isTamperEvident } from '@app/event-store';

/** `npm run audit:verify`: recomputes the event log's hash chain and reports the first broken link. */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ serveApi: false });
  const { store } = await openEventStore(config);
  try {
    if (!isTamperEvident(store)) {
      process.stdout.write('This event store keeps no hash chain (KurrentDB): nothing to verify here.\n');
      process.exitCode = 2;
      return;
    }
    const result = await store.verifyChain();
    if (result.ok) {
      process.stdout.write(
        `Verified: ${result.checked} events, chain intact. Head ${result.headPosition ? formatPosition(result.headPosition) : '-'} link ${result.headLink ?? '-'}\n` +
          'Record the head link elsewhere: a later verify that ends on a different link for this position means events were removed from the end.\n',
      );
    } else {
      process.stdout.write(`BROKEN at position ${formatPosition(result.firstBroken!.position)}: ${result.firstBroken!.reason} (${result.checked} events verified before it)\n`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}

await main();
