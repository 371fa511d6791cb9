import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  DEVELOPMENT_SIGNING_KEY,
  anchorDueMs,
  anchorTrust,
  anchorWitness,
  loadConfigOrExit,
  verificationBlocker,
  logProgress,
  openEventStore,
  type AppConfig,
} from '@app/config';
import { formatPosition, verifyLog } from '@app/event-store';

/**
 * `npm run audit:verify [-- --witness DIR] [--anchor <sequence>:<digest>] [--as-of <instant>]`:
 * verifies the whole log on either event store (stream chains, the chain of signed anchors, each
 * stream read on its own, and the embedded store's log-wide chain) against the witness of the
 * anchors, prints a summary, and exits 1 at the first sign of tampering. Auditors pass their own copy of the public key in
 * AUDIT_PUBLIC_KEYS and the witness (AUDIT_WITNESS_DIR, or --witness); in production both are
 * required, elsewhere the output says what was trusted instead (docs/adr/0024).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ serveApi: false });
  const args = process.argv.slice(2);
  const keptAnchor = keptAnchorArgument(args);
  const asOf = asOfArgument(args);
  const witness = anchorWitness(config, witnessArgument(args, config));
  const trust = anchorTrust(config);
  const opened = await openEventStore(config);
  try {
    const progress = logProgress('Verifying the log', opened.adapter, await opened.written.headPosition());
    const result = await verifyLog(opened.written, {
      keys: trust.keys,
      anchorDueMs: anchorDueMs(config),
      now: asOf,
      keptAnchor,
      witness,
      onProgress: (_events, reached) => progress.update(Number(reached.commit)),
    });
    progress.finish();
    const { streams, anchors, log } = result;
    const lines = [
      trustLine(trust.source, config),
      anchors.witness
        ? `Witness: ${anchors.witness.location}, ${anchors.witness.anchors} anchors${anchors.witness.newest === null ? '' : ` (newest ${anchors.witness.newest})`}`
        : 'Witness: none given (--witness DIR or AUDIT_WITNESS_DIR): anchors deleted at the end of the log, an anchor re-signed with a key found beside the data, or a log cut after its last anchor cannot be found',
      `Streams: ${streams.checked} checked${streams.unlinkedEvents > 0 ? ` (${streams.unlinkedEvents} events written before stream links)` : ''}, ${streams.broken.length === 0 ? 'every chain intact' : `${streams.broken.length} broken`}`,
      `Anchors: ${anchors.checked} checked, ${anchors.signed} signatures valid (keys ${anchors.keys.join(', ') || 'none'})${anchors.unchained > 0 ? `, ${anchors.unchained} from before the chain of anchors (each signed, not chained)` : ''}, ${anchors.unanchoredEvents} events after the last anchor${anchors.last ? ` (anchor ${anchors.last.sequence} up to ${anchors.last.upTo})` : ''}`,
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
    // In production the witness is what proves that nothing was cut or re-signed: a verification without it is no pass.
    const blocker = verificationBlocker(config, witness);
    if (blocker) lines.push(`NOT VERIFIED: ${blocker}`);
    const ok = result.ok && blocker === null;
    if (ok) {
      lines.push(
        `Verified: ${result.events} events, chain intact.`,
        anchors.last
          ? `Keep the last anchor elsewhere, and pass it to later runs: npm run audit:verify -- --anchor ${anchors.last.sequence}:${anchors.last.digest}`
          : 'No anchor yet: keep the last one once written (GET /audit/streams/audit-anchors) and pass it to later runs with --anchor.',
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await opened.store.close();
  }
}

function trustLine(source: ReturnType<typeof anchorTrust>['source'], config: AppConfig): string {
  switch (source) {
    case 'auditor':
      return 'Trusting the public keys of AUDIT_PUBLIC_KEYS.';
    case 'signing-key':
      return 'Trusting the public half of AUDIT_SIGNING_KEY (development): set AUDIT_PUBLIC_KEYS to your own copy of the key.';
    case 'data-dir':
      return `Trusting a key from the data directory (${join(config.dataDir, DEVELOPMENT_SIGNING_KEY)}, development): whoever can write the data can re-sign its anchors with it; only the witness vouches for them.`;
    case null:
      return 'Trusting no key: AUDIT_PUBLIC_KEYS is not set.';
  }
}

/** `--anchor <sequence>:<digest>`: the last anchor the auditor kept from an earlier verification (its digest, or its headsDigest). */
function keptAnchorArgument(args: readonly string[]): { sequence: number; digest: string } | null {
  const at = args.indexOf('--anchor');
  if (at < 0) return null;
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(args[at + 1] ?? '');
  if (!match) {
    process.stderr.write(
      '--anchor takes <sequence>:<digest> of an anchor, as an earlier verification printed it (or its headsDigest, GET /audit/streams/audit-anchors)\n',
    );
    process.exit(2);
  }
  return { sequence: Number(match[1]), digest: match[2]! };
}

/**
 * `--as-of <instant>`: the moment the log is judged at for its unanchored events, the time a copy
 * was taken (a backup's `createdAt`): the events recorded longer than the anchor interval before it
 * must be anchored. Default: now.
 */
function asOfArgument(args: readonly string[]): Date {
  const at = args.indexOf('--as-of');
  if (at < 0) return new Date();
  const value = args[at + 1] ?? '';
  const instant = new Date(value);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(instant.getTime())
  ) {
    process.stderr.write(
      "--as-of takes an instant with its offset, such as a backup's createdAt (2026-12-07T10:00:00.000Z): the moment the copy was taken\n",
    );
    process.exit(2);
  }
  return instant;
}

/** `--witness DIR`: the witness of the anchors, outside DATA_DIR; default AUDIT_WITNESS_DIR. */
function witnessArgument(args: readonly string[], config: AppConfig): string | null {
  const at = args.indexOf('--witness');
  if (at < 0) return config.auditWitnessDir;
  const dir = args[at + 1];
  if (!dir || dir.startsWith('--')) {
    process.stderr.write('--witness takes the directory the anchors were witnessed in (AUDIT_WITNESS_DIR)\n');
    process.exit(2);
  }
  const path = resolve(dir);
  const fromDataDir = relative(config.dataDir, path);
  if (!fromDataDir.startsWith('..') && !isAbsolute(fromDataDir)) {
    process.stderr.write(
      `--witness must be outside DATA_DIR (${config.dataDir}): a witness inside the data proves nothing\n`,
    );
    process.exit(2);
  }
  return path;
}

await main();
