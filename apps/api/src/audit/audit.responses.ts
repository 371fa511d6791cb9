import { ApiProperty } from '@nestjs/swagger';
import { AnyObject, Count, Flag, Id, Integer, List, Nested, Position, Text, Texts } from '../http/response-fields.js';

/** One recorded event as auditors read it: data and metadata apart, with its place in its stream and in the log. */
export class AuditEvent {
  @Position('Its place in the global log', { example: '17' }) position!: string;
  @Text('Its stream', { example: 'grant-officine-nido-grant' }) stream!: string;
  @Integer('Its place in its stream, from 0', { example: 1 }) revision!: number;
  @Id('Its id') eventId!: string;
  @Text('Its type', { example: 'DisbursementRecorded' }) type!: string;
  @Integer('The version of its data schema', { example: 1 }) schemaVersion!: number;
  @AnyObject('The facts, as the event type defines them') data!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    description:
      'Who, when and why: the actor (from the API key), correlation and causation, the command, the instant, and the stream link',
    properties: {
      actor: { type: 'string', example: 'dev:finance-officer' },
      correlationId: { type: 'string' },
      causationId: { type: 'string', nullable: true },
      commandId: { type: 'string', nullable: true },
      recordedAt: { type: 'string', format: 'date-time' },
      streamLink: { type: 'string', description: "SHA-256 over the stream's previous link and this event" },
    },
    required: ['actor', 'correlationId', 'causationId', 'commandId', 'recordedAt'],
    additionalProperties: true,
  })
  metadata!: Record<string, unknown>;

  @Text("The log-wide hash link, where the store keeps one (the embedded store's)", { optional: true }) link?: string;
}

export class StreamHistory {
  @Text('The stream', { example: 'grant-officine-nido-grant' }) stream!: string;
  @List(AuditEvent, 'Its events, in order') events!: AuditEvent[];
  @Integer('The `fromRevision` of the next page; null on the last', { nullable: true }) nextRevision!: number | null;
}

export class GlobalLogPage {
  @List(AuditEvent, 'Events in the order of the log') events!: AuditEvent[];
  @Position('The `after` of the next page; null on the last', { nullable: true }) next!: string | null;
}

export class StateAsOf {
  @Text('The stream folded', { example: 'grant-officine-nido-grant' }) stream!: string;
  @Text('As asked: a date-time or a position') asOf!: string;
  @Integer('The revision of the last event applied; null before the first', { nullable: true }) revision!:
    number | null;
  @Position('The position of the last event applied', { nullable: true }) position!: string | null;
  @Count('Events applied') eventsApplied!: number;
  @AnyObject("The entity's state as the write side folds it (its `status` is `none` before its first event)")
  state!: Record<string, unknown>;
}

export class BrokenAt {
  @Text('Where: a position in the log') position!: string;
  @Text('What does not match') reason!: string;
}

export class StreamBreak {
  @Text('The stream') stream!: string;
  @Integer('The revision', { nullable: true }) revision!: number | null;
  @Text('Its position', { nullable: true }) position!: string | null;
  @Text('What does not match') reason!: string;
}

export class AnchorBreak {
  @Integer("The anchor's sequence number", { nullable: true }) sequence!: number | null;
  @Text('Its position') position!: string;
  @Text('What does not match') reason!: string;
}

export class LastAnchor {
  @Integer('Its sequence number') sequence!: number;
  @Text('The last position it covers') upTo!: string;
  @Text('Its own position') position!: string;
  @Text('The key it was signed with', { nullable: true }) keyId!: string | null;
  @Text('The digest of the stream heads it commits to') headsDigest!: string;
  @Text(
    'Its own digest, which the next anchor signs: it vouches for every anchor before it. Keep it with the sequence number and pass both to later verifications (`npm run audit:verify -- --anchor <sequence>:<digest>`)',
  )
  digest!: string;
}

export class WitnessSummary {
  @Text('Where the witness is (AUDIT_WITNESS_DIR)') location!: string;
  @Count('Anchors it holds') anchors!: number;
  @Integer("Its newest anchor's sequence number", { nullable: true }) newest!: number | null;
}

export class StreamsVerification {
  @Count('Streams checked') checked!: number;
  @Count('Events written before stream links existed: recomputed, not compared') unlinkedEvents!: number;
  @List(StreamBreak, 'Where stream chains break (at most 100)') broken!: StreamBreak[];
}

export class AnchorsVerification {
  @Count('Anchors checked') checked!: number;
  @Count('Of them, with a signature that holds') signed!: number;
  @Count('Of them, written before the chain of anchors (schema version 1): each signed, none signing the one before')
  unchained!: number;
  @Texts(
    'The key ids signatures were checked against (AUDIT_PUBLIC_KEYS); empty when none is configured, and then the verification fails',
  )
  keys!: string[];
  @List(
    AnchorBreak,
    'Anchors that do not match the log, their signature, the anchor before them or the witness (at most 100)',
  )
  broken!: AnchorBreak[];
  @Nested(LastAnchor, 'The last anchor', { nullable: true }) last!: LastAnchor | null;
  @Count('Events after the last anchor') unanchoredEvents!: number;
  @Nested(
    WitnessSummary,
    'The witness the anchors were checked against: every anchor it holds must be in the log, unchanged, and the log must reach the newest; null when AUDIT_WITNESS_DIR is not set',
    { nullable: true },
  )
  witness!: WitnessSummary | null;
}

export class LogChainVerification {
  @Flag('The log-wide chain holds') ok!: boolean;
  @Count('Events whose links were recomputed') checked!: number;
  @Text('The link of the last event', { nullable: true }) headLink!: string | null;
  @Position('The last event', { nullable: true }) headPosition!: string | null;
  @Nested(BrokenAt, 'The first place the log does not match its chain', { nullable: true })
  firstBroken!: BrokenAt | null;
}

export class LogVerificationReport {
  @Flag('Verification is supported on this store (always true)') supported!: boolean;
  @Flag('Every chain, anchor and signature holds, and nothing kept the verification from passing (notVerified)')
  ok!: boolean;
  @Text(
    'Why this verification cannot pass whatever the log holds: in production, the API verifying without the witness of the anchors (AUDIT_WITNESS_DIR). null otherwise',
    { nullable: true },
  )
  notVerified!: string | null;
  @Count('Events read') checked!: number;
  @Text("The log-wide chain's last link (the embedded store's)", { nullable: true }) headLink!: string | null;
  @Position('The last event of the log-wide chain', { nullable: true }) headPosition!: string | null;
  @Nested(BrokenAt, 'The first problem found, for a quick look', { nullable: true }) firstBroken!: BrokenAt | null;
  @Nested(StreamsVerification, 'Each stream read on its own against its links') streams!: StreamsVerification;
  @Nested(AnchorsVerification, 'The signed anchors against the log') anchors!: AnchorsVerification;
  @Nested(LogChainVerification, "The store's own log-wide chain, where it keeps one", { nullable: true })
  log!: LogChainVerification | null;
}
