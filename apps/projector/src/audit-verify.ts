import { anchorDueMs, anchorKeys, loadConfigOrExit, logProgress, openEventStore } from '@app/config';
import { formatPosition, verifyLog } from '@app/event-store';

/**
 * `npm run audit:verify`: verifies the whole log on either event store (stream chains, signed
 * anchors, each stream read on its own, and the embedded store's log-wide chain), prints a
 * summary, and exits 1 at the first sign of tampering. Auditors pass their own copy of the public
 * key in AUDIT_PUBLIC_KEYS.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ serveApi: false });
  const keptAnchor = keptAnchorArgument(process.argv.slice(2));
  const opened = await openEventStore(config);
  try {
    const progress = logProgress('Verifying the log', opened.adapter, await opened.written.headPosition());
    const result = await verifyLog(opened.written, {
      keys: anchorKeys(config),
      anchorDueMs: anchorDueMs(config),
      keptAnchor,
      onProgress: (_events, reached) => progress.update(Number(reached.commit)),
    });
    progress.finish();
    const { streams, anchors, log } = result;
    const lines = [
      `Streams: ${streams.checked} checked${streams.unlinkedEvents > 0 ? ` (${streams.unlinkedEvents} events written before stream links)` : ''}, ${streams.broken.length === 0 ? 'every chain intact' : `${streams.broken.length} broken`}`,
      `Anchors: ${anchors.checked} checked, ${anchors.signed} signatures valid (keys ${anchors.keys.join(', ') || 'none'}), ${anchors.unanchoredEvents} events after the last anchor${anchors.last ? ` (anchor ${anchors.last.sequence} up to ${anchors.last.upTo})` : ''}`,
      log
        ? `Log-wide chain (embedded store): ${log.ok ? `intact, head ${log.headPosition ? formatPosition(log.headPosition) : '-'} link ${log.headLink ?? '-'}` : 'BROKEN'}`
        : 'Log-wide chain: not kept by this event store (the stream chains and anchors cover it)',
    ];
    for (const b of streams.broken)
      lines.push(`BROKEN stream ${b.stream}${b.position ? ` at position ${b.position}` : ''}: ${b.reason}`);
    for (const b of anchors.broken) lines.push(`BROKEN anchor at position ${b.position}: ${b.reason}`);
    if (log?.firstBroken)
      lines.push(
        `BROKEN at position ${formatPosition(log.firstBroken.position)}: ${log.firstBroken.reason} (${log.checked} events verified before it)`,
      );
    if (result.ok) {
      lines.push(
        `Verified: ${result.events} events, chain intact.`,
        anchors.last
          ? `Keep the last anchor elsewhere, and pass it to later runs: npm run audit:verify -- --anchor ${anchors.last.sequence}:${anchors.last.headsDigest}`
          : 'No anchor yet: keep the last one once written (GET /audit/streams/audit-anchors) and pass it to later runs with --anchor.',
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await opened.store.close();
  }
}

/** `--anchor <sequence>:<headsDigest>`: the last anchor the auditor kept from an earlier verification. */
function keptAnchorArgument(args: readonly string[]): { sequence: number; headsDigest: string } | null {
  const at = args.indexOf('--anchor');
  if (at < 0) return null;
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(args[at + 1] ?? '');
  if (!match) {
    process.stderr.write('--anchor takes <sequence>:<headsDigest> of an anchor (GET /audit/streams/audit-anchors)\n');
    process.exit(2);
  }
  return { sequence: Number(match[1]), headsDigest: match[2]! };
}

await main();
