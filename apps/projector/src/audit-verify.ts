import { anchorKeys, loadConfigOrExit, logProgress, openEventStore } from '@app/config';
import { formatPosition, verifyLog } from '@app/event-store';

/**
 * `npm run audit:verify`: verifies the whole log on either event store (stream chains, signed
 * anchors, each stream read on its own, and the embedded store's log-wide chain), prints a
 * summary, and exits 1 at the first sign of tampering. Auditors pass their own copy of the public
 * key in AUDIT_PUBLIC_KEYS.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ serveApi: false });
  const opened = await openEventStore(config);
  try {
    const progress = logProgress('Verifying the log', opened.adapter, await opened.written.headPosition());
    const result = await verifyLog(opened.written, { keys: anchorKeys(config), onProgress: (_events, reached) => progress.update(Number(reached.commit)) });
    progress.finish();
    const { streams, anchors, log } = result;
    const lines = [
      `Streams: ${streams.checked} checked${streams.unlinkedEvents > 0 ? ` (${streams.unlinkedEvents} events written before stream links)` : ''}, ${streams.broken.length === 0 ? 'every chain intact' : `${streams.broken.length} broken`}`,
      `Anchors: ${anchors.checked} checked, ${anchors.signed} signatures valid (keys ${anchors.keys.join(', ') || 'none'}), ${anchors.unanchoredEvents} events after the last anchor${anchors.last ? ` (anchor ${anchors.last.sequence} up to ${anchors.last.upTo})` : ''}`,
      log ? `Log-wide chain (embedded store): ${log.ok ? `intact, head ${log.headPosition ? formatPosition(log.headPosition) : '-'} link ${log.headLink ?? '-'}` : 'BROKEN'}` : 'Log-wide chain: not kept by this event store (the stream chains and anchors cover it)',
    ];
    for (const b of streams.broken) lines.push(`BROKEN stream ${b.stream}${b.position ? ` at position ${b.position}` : ''}: ${b.reason}`);
    for (const b of anchors.broken) lines.push(`BROKEN anchor at position ${b.position}: ${b.reason}`);
    if (log?.firstBroken) lines.push(`BROKEN at position ${formatPosition(log.firstBroken.position)}: ${log.firstBroken.reason} (${log.checked} events verified before it)`);
    if (result.ok) {
      lines.push(
        `Verified: ${result.events} events, chain intact.`,
        'Keep the last anchor (GET /audit/streams/audit-anchors) elsewhere: a later verify whose anchors end before it means the log was cut.',
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await opened.store.close();
  }
}

await main();
