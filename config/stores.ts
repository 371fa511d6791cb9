import { join } from 'node:path';
import {
  ANCHOR_EVENT,
  ANCHOR_SCHEMA_VERSION,
  AnchorKeys,
  AnchorSigner,
  Anchorer,
  AnchorSchedule,
  type AnchorScheduleOptions,
  DirectoryAnchorWitness,
  EventTypeRegistry,
  FaultyEventStore,
  LinkingEventStore,
  SqliteEventStore,
  compiledWriterScript,
  UpcastingEventStore,
  connectKurrentDb,
  parseEventStoreFaults,
  type AnchorWitness,
  type EventStore,
  type InjectedFault,
  type Upcaster,
} from '@app/event-store';
import {
  DEFAULT_PROGRAMME_RULES,
  ELIGIBILITY_BY_PERIOD,
  FUNDING_EVENT_SCHEMA_VERSIONS,
  type ExpenditureClaimSubmittedV1,
  type ProgrammingPeriod,
} from '@app/funding';
import { SqliteReadModelStore, connectMongoReadModels, type ReadModelStore } from '@app/read-models';
import { FileKeyring, PersonalDataVault, SqliteVaultStore, connectMongoVault, parseVaultKey } from '@app/personal-data';
import { SqliteIdempotencyStore, connectMongoIdempotency, type IdempotencyStore } from '@app/idempotency';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { AppConfig } from './app-config.js';

/**
 * A v1 event whose v2 facts live in other events of its stream, not in its own data: it cannot be
 * upcast alone. No deployment held v1 events when v2 came; a log that did is migrated once, as
 * docs/adr/0007-events-carry-what-their-read-models-need.md says. Reading one without migrating
 * fails loudly (the projection stops at its position) instead of guessing.
 */
function notUpcastable(type: string, missing: string, fromVersion = 1, adr = '0007'): Upcaster {
  return {
    type,
    fromVersion,
    upcast() {
      throw new Error(
        `${type} v${fromVersion} has no ${missing}; migrate the log before reading it with this build (docs/adr/${adr})`,
      );
    },
  };
}

/**
 * Upcasters for older stored shapes of funding events. When a shape changes, its old type lives
 * on as `<name>.v1.ts` beside its events file and its upcaster is added here (the registry refuses
 * to start with a gap in a chain).
 */
const withDefaults = (type: string, fromVersion: number, defaults: Record<string, unknown>): Upcaster => ({
  type,
  fromVersion,
  upcast: (data) => ({ ...defaults, ...(data as object) }),
});

/** A v2 applicant was kept with its name and tax code: fine for a legal person; a natural person's identity must move to the vault first. */
function applicantToV3(field: 'applicant' | 'beneficiary'): (data: unknown) => unknown {
  return (data) => {
    const record = data as Record<string, unknown>;
    const party = record[field] as { type: string; taxCode: string; name: string };
    if (party.type === 'natural-person' || /^[A-Za-z0-9]{16}$/.test(party.taxCode)) {
      throw new Error(
        `a natural person's identity is in this event; move it to the personal-data vault before reading (docs/adr/0009)`,
      );
    }
    return { ...record, [field]: { kind: 'legal-person', ...party }, sensitive: false };
  };
}

export const FUNDING_UPCASTERS: readonly Upcaster[] = [
  // Programmes established before rules were data follow the default rules; measures and calls before the flag were not sensitive.
  withDefaults('ProgrammeEstablished', 1, { rules: DEFAULT_PROGRAMME_RULES }),
  withDefaults('MeasureDefined', 1, { sensitive: false }),
  withDefaults('CallOpened', 1, { sensitive: false }),
  { type: 'BidSubmitted', fromVersion: 2, upcast: applicantToV3('applicant') },
  { type: 'GrantAwarded', fromVersion: 2, upcast: applicantToV3('beneficiary') },
  // The legal identity (docs/adr/0010): what an older event did not say has its neutral value; an award without CUP cannot be read as one with.
  {
    type: 'ProgrammeEstablished',
    fromVersion: 2,
    upcast: (data) => {
      const d = data as { funds?: object[]; rules?: object };
      return {
        ...d,
        funds: (d.funds ?? []).map((f) => ({ euCoFinancingRateBp: null, ...f })),
        rules: { ...DEFAULT_PROGRAMME_RULES, ...d.rules },
      };
    },
  },
  withDefaults('CallOpened', 2, { aidRegime: 'none' }),
  withDefaults('BidSubmitted', 3, { linkedUndertakings: [] }),
  notUpcastable('GrantAwarded', 'CUP and operation data (an award without them is void)', 3, '0010'),
  withDefaults('DisbursementRecorded', 2, { deggendorfVisuraRef: null }),
  {
    type: 'GrantCompleted',
    fromVersion: 2,
    upcast: (data) => ({
      actualEndDate: String((data as { completedAt: string }).completedAt).slice(0, 10),
      ...(data as object),
    }),
  },
  withDefaults('GrantRevoked', 2, { covar: null }),
  // Claims, verifications and recoveries (docs/adr/0011). Calls and grants from before the advance
  // share pay no advance (the call set none); the evaluator and the payer were the events' actors.
  withDefaults('CallOpened', 3, { advanceShareBp: 0 }),
  // Calls from before first-come selection ranked their bids (docs/adr/0012).
  withDefaults('CallOpened', 4, { selection: 'ranking' }),
  withDefaults('GrantAwarded', 4, { advanceShareBp: 0 }),
  {
    type: 'BidEvaluated',
    fromVersion: 1,
    upcast: (data, metadata) => ({ ...(data as object), evaluatedBy: metadata.actor }),
  },
  {
    type: 'DisbursementRecorded',
    fromVersion: 3,
    upcast: (data, metadata) => ({ claimId: null, ...(data as object), paidBy: metadata.actor }),
  },
  {
    // v1 did not name the submitting portal in the data; it was the event's actor all along.
    type: 'BidSubmitted',
    fromVersion: 1,
    upcast: (data, metadata) => ({ ...(data as object), submittedBy: metadata.actor }),
  },
  // Issue #24, eligibility and funding rate (docs/adr/0011): a programme's eligibility period is its
  // programming period's; calls from before the funding rate pay 100% of verified expenditure, up to
  // the award; grants awarded before it keep the rule they were awarded under, the aid intensity
  // (award / total eligible cost), which `fundingRateBp: null` names; claim items from before
  // documents are grandfathered without payment date or document.
  {
    type: 'ProgrammeEstablished',
    fromVersion: 3,
    upcast: (data) => {
      const d = data as { rules: { programmingPeriod: ProgrammingPeriod; eligibility?: object } };
      return {
        ...d,
        rules: {
          eligibility: ELIGIBILITY_BY_PERIOD[d.rules.programmingPeriod] ?? DEFAULT_PROGRAMME_RULES.eligibility,
          ...d.rules,
        },
      };
    },
  },
  // Acts, rankings and State aid by date (issue #24, docs/adr/0018): calls from before GBER terms
  // cap no intensity; an award, revocation, recovery order or write-off recorded before acts has
  // `act: null` (its grant date is the day it was recorded, grantDateOf); de minimis aid recorded
  // before grant dates was granted on the day it was recorded (UTC).
  withDefaults('CallOpened', 5, { fundingRateBp: 10_000, gber: null }),
  withDefaults('GrantAwarded', 5, { fundingRateBp: null, act: null }),
  withDefaults('GrantRevoked', 3, { act: null }),
  withDefaults('RecoveryOrdered', 1, { act: null }),
  withDefaults('RecoveryWrittenOff', 1, { act: null }),
  {
    type: 'DeMinimisAidRecorded',
    fromVersion: 1,
    upcast: (data) => ({
      grantDate: String((data as { awardedAt: string }).awardedAt).slice(0, 10),
      ...(data as object),
    }),
  },
  {
    type: 'ExpenditureClaimSubmitted',
    fromVersion: 1,
    upcast: (data) => {
      const d = data as ExpenditureClaimSubmittedV1['data'];
      return { ...d, items: d.items.map((item) => ({ paidOn: null, document: null, ...item })) };
    },
  },
  // Issue #27, the accounting function (docs/adr/0022): a fund share established before co-financing
  // splits has none stated (its EU rate, when given, stays); a measure defined before priority axes has none.
  {
    type: 'ProgrammeEstablished',
    fromVersion: 4,
    upcast: (data) => {
      const d = data as { funds: readonly object[] };
      return { ...d, funds: d.funds.map((share) => ({ cofinancing: null, ...share })) };
    },
  },
  withDefaults('MeasureDefined', 2, { priorityAxis: null }),
  // Issue #27: a grant awarded before GrantAwarded v7 names no co-financing nor priority axis and is
  // read as if its programme had stated none (an upcaster sees one event; the split is in the programme's stream).
  withDefaults('GrantAwarded', 6, { cofinancing: null, priorityAxis: null }),
  notUpcastable('GrantAwarded', "submittedBy (the bid's BidSubmitted knows it)"),
  notUpcastable('BidWithdrawn', 'previousStatus (the bid stream knows it)'),
  notUpcastable('DisbursementRecorded', "programmeId and measureId (the grant's GrantAwarded knows them)"),
  notUpcastable('GrantCompleted', "programmeId and measureId (the grant's GrantAwarded knows them)"),
  notUpcastable('GrantRevoked', "programmeId, measureId and recoveryDueAddedCents (the grant's stream knows them)"),
];

/** The funding events, and the anchors of the audit trail written among them. */
export function fundingEventRegistry(): EventTypeRegistry {
  return new EventTypeRegistry({ ...FUNDING_EVENT_SCHEMA_VERSIONS, [ANCHOR_EVENT]: ANCHOR_SCHEMA_VERSION }, [
    ...FUNDING_UPCASTERS,
    // An anchor from before the chain reads as it was signed: it names no previous digest, and verification counts it as unchained (docs/adr/0024).
    { type: ANCHOR_EVENT, fromVersion: 1, upcast: (data) => data },
  ]);
}

/**
 * The embedded stores' SQLite files in DATA_DIR, by what each holds: what `npm run backup` copies.
 * The development secrets DATA_DIR may also hold (vault.key, audit-signing.key) are not among them.
 */
export const EMBEDDED_DATABASES = {
  events: 'events.db',
  readModels: 'read-models.db',
  idempotency: 'api.db',
  vault: 'personal-data.db',
} as const;

export interface OpenedEventStore {
  /** The adapter wrapped with the funding registry: what the product reads and writes through. */
  readonly store: EventStore;
  /** The events as stored, each appended with its stream link: what anchors and verification read. */
  readonly written: EventStore;
  readonly adapter: 'embedded' | 'kurrentdb';
  readonly durability: Readonly<Record<string, string>> | null;
}

/**
 * The event store the configuration names: KurrentDB when KURRENTDB_URL is set (its in-memory
 * simulator for `kurrentdb-simulator://`), else SQLite under DATA_DIR; with EVENT_STORE_FAULTS, the
 * adapter behind a fault injector, under the stream links as in production.
 */
export async function openEventStore(
  config: AppConfig,
  onFault?: (fault: InjectedFault) => void,
): Promise<OpenedEventStore> {
  const faulty = (adapter: EventStore): EventStore =>
    config.eventStoreFaults === null
      ? adapter
      : new FaultyEventStore(adapter, parseEventStoreFaults(config.eventStoreFaults), {
          seed: process.pid,
          ...(onFault ? { onFault } : {}),
        });
  if (config.kurrentDbUrl) {
    const written = new LinkingEventStore(
      faulty(await connectKurrentDb(config.kurrentDbUrl, { maxEventBytes: config.maxEventBytes })),
    );
    return {
      store: new UpcastingEventStore(written, fundingEventRegistry()),
      written,
      adapter: 'kurrentdb',
      durability: null,
    };
  }
  const raw = SqliteEventStore.open(join(config.dataDir, EMBEDDED_DATABASES.events), {
    maxEventBytes: config.maxEventBytes,
    writerThread: config.embeddedWriter === 'thread' ? writerScript() : null,
  });
  const written = new LinkingEventStore(faulty(raw));
  return {
    store: new UpcastingEventStore(written, fundingEventRegistry()),
    written,
    adapter: 'embedded',
    durability: raw.durability(),
  };
}

/** The read-model store the configuration names: MongoDB when MONGODB_URL is set, else SQLite under DATA_DIR. */
export async function openReadModelStore(
  config: AppConfig,
): Promise<{ store: ReadModelStore; adapter: 'embedded' | 'mongodb' }> {
  if (config.mongoDbUrl) return { store: await connectMongoReadModels(config.mongoDbUrl), adapter: 'mongodb' };
  return { store: SqliteReadModelStore.open(join(config.dataDir, EMBEDDED_DATABASES.readModels)), adapter: 'embedded' };
}

/**
 * The personal-data vault the configuration names: MongoDB (database VAULT_DATABASE) when
 * MONGODB_URL is set, else SQLite under DATA_DIR; its key-encryption keys in the keyring file
 * VAULT_KEYRING, sealed under VAULT_KEY (docs/adr/0009). The keyring is created at first start,
 * only while the vault holds no record. In development, without them, VAULT_KEY is generated
 * into DATA_DIR/vault.key and the keyring is DATA_DIR's sibling, with a warning.
 */
export async function openVault(config: AppConfig): Promise<PersonalDataVault> {
  const logger = new Logger('PersonalDataVault');
  const store = config.mongoDbUrl
    ? await connectMongoVault(config.mongoDbUrl, { database: config.vaultDatabase })
    : SqliteVaultStore.open(join(config.dataDir, EMBEDDED_DATABASES.vault));
  try {
    const keyring = vaultKeyringFile(config);
    if (config.vaultKeyring === null) {
      logger.warn(
        `VAULT_KEYRING is not set: the vault's keys are in ${keyring}, a development default. Production requires VAULT_KEYRING, outside DATA_DIR (docs/adr/0009)`,
      );
    }
    const absent = !existsSync(keyring);
    const keys = FileKeyring.open(keyring, parseVaultKey(config.vaultKey ?? developmentVaultKey(config.dataDir)), {
      createIfAbsent: (await store.keyUsage()).size === 0,
    });
    if (absent)
      logger.warn(
        `Created the vault keyring ${keyring}: back it up now and after every erasure, never beside the database backups (docs/adr/0009)`,
      );
    return await PersonalDataVault.open(store, keys, {
      log: { info: (message) => logger.log(message), warn: (message) => logger.warn(message) },
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The development signing key's file: in DATA_DIR, where whoever writes the data can read it too. */
export const DEVELOPMENT_SIGNING_KEY = 'audit-signing.key';

/**
 * The signer of anchors: AUDIT_SIGNING_KEY. In development and test only, one is generated into
 * DATA_DIR/audit-signing.key; in production it never defaults there: without the key the process
 * refuses to anchor.
 */
export function anchorSigner(config: AppConfig): AnchorSigner {
  if (config.auditSigningKey) return AnchorSigner.fromText(config.auditSigningKey);
  if (config.environment === 'production') {
    throw new Error(
      'AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE (outside DATA_DIR) is required in production to write anchors (an Ed25519 private key: `openssl genpkey -algorithm ed25519`)',
    );
  }
  return AnchorSigner.fromText(developmentSecret(config.dataDir, DEVELOPMENT_SIGNING_KEY, developmentSigningKey));
}

/** The keys verification trusts, and where they came from (an auditor reads it in the verify output). */
export interface AnchorTrust {
  readonly keys: AnchorKeys | null;
  /**
   * `auditor`: AUDIT_PUBLIC_KEYS; `signing-key`: the public half of AUDIT_SIGNING_KEY (development
   * and test); `data-dir`: the development key in DATA_DIR, which whoever writes the data can use
   * to re-sign it; null: none (production without AUDIT_PUBLIC_KEYS).
   */
  readonly source: 'auditor' | 'signing-key' | 'data-dir' | null;
}

/**
 * The keys verification checks anchors against: AUDIT_PUBLIC_KEYS, the auditor's own copy. Only in
 * development and test, without them, the signing key's public key (the development one from
 * DATA_DIR, said so); in production, none (and verification fails) rather than trusting a key found
 * beside the data.
 */
export function anchorTrust(config: AppConfig): AnchorTrust {
  if (config.auditPublicKeys.length > 0)
    return { keys: AnchorKeys.fromTexts(config.auditPublicKeys), source: 'auditor' };
  if (config.environment === 'production') return { keys: null, source: null };
  return {
    keys: new AnchorKeys([anchorSigner(config).publicKey]),
    source: config.auditSigningKey ? 'signing-key' : 'data-dir',
  };
}

export function anchorKeys(config: AppConfig): AnchorKeys | null {
  return anchorTrust(config).keys;
}

/**
 * Why a verification cannot pass, whatever the log holds: in production, verifying without the
 * witness of the anchors (only the witness proves that nothing was cut at the end or re-signed).
 * null when nothing stands in the way.
 */
export function verificationBlocker(config: AppConfig, witness: AnchorWitness | null): string | null {
  return config.environment === 'production' && witness === null
    ? 'production requires the witness of the anchors: set AUDIT_WITNESS_DIR (audit:verify also takes --witness DIR)'
    : null;
}

/** The witness of the anchors: AUDIT_WITNESS_DIR (or the directory an auditor names); null when none. */
export function anchorWitness(
  config: AppConfig,
  directory: string | null = config.auditWitnessDir,
): AnchorWitness | null {
  return directory === null ? null : new DirectoryAnchorWitness(directory);
}

/**
 * How old an event may be before verification expects an anchor to cover it: the anchor interval
 * (the anchorer runs every half interval, AnchorSchedule); null when anchoring is off.
 */
export function anchorDueMs(config: AppConfig): number | null {
  return config.anchorIntervalMs > 0 ? config.anchorIntervalMs : null;
}

/**
 * The anchorer of the process that runs the projector: one per store, writing each anchor to the
 * witness too. In production it refuses to start without a signing key or a witness.
 */
export function openAnchorer(config: AppConfig, opened: OpenedEventStore, now: () => Date): Anchorer {
  const signer = anchorSigner(config);
  if (config.environment === 'production' && config.auditWitnessDir === null)
    throw new Error(
      'AUDIT_WITNESS_DIR is required in production to write anchors: the mount of the append-only store every signed anchor is also written to, outside DATA_DIR (docs/operations.md)',
    );
  // Created now, not at the first anchor: verification reads it from the start.
  if (config.auditWitnessDir !== null) mkdirSync(config.auditWitnessDir, { recursive: true });
  return new Anchorer(opened.written, { signer, now, witness: anchorWitness(config) });
}

/**
 * The anchors of a process that runs the projector, every half AUDIT_ANCHOR_INTERVAL_MS while it
 * holds the projector's lease (`mayAnchor`); null when anchoring is off. Refuses as openAnchorer does.
 */
export function openAnchorSchedule(
  config: AppConfig,
  opened: OpenedEventStore,
  now: () => Date,
  schedule: Omit<AnchorScheduleOptions, 'intervalMs'>,
): AnchorSchedule | null {
  if (config.anchorIntervalMs <= 0) return null;
  return new AnchorSchedule(openAnchorer(config, opened, now), { ...schedule, intervalMs: config.anchorIntervalMs });
}

/** A projector's name in the lease: which process on which machine holds it. */
/** The embedded store's writer thread, compiled: the build has it; a process started from the sources has none. */
function writerScript(): URL {
  const script = compiledWriterScript();
  if (script === null)
    throw new Error(
      "EMBEDDED_WRITER=thread needs the embedded store's compiled writer (npm run build); set EMBEDDED_WRITER=inline to commit on the appending thread",
    );
  return script;
}

export function projectorOwner(kind: 'api' | 'projector'): string {
  return `${kind}@${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function developmentSigningKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
}

/**
 * The idempotency store the configuration names: MongoDB when MONGODB_URL is set (every API
 * instance on the database shares it), else SQLite in DATA_DIR/api.db (every API process on the
 * data directory shares it).
 */
export async function openIdempotencyStore(
  config: AppConfig,
): Promise<{ store: IdempotencyStore; adapter: 'embedded' | 'mongodb' }> {
  if (config.mongoDbUrl) return { store: await connectMongoIdempotency(config.mongoDbUrl), adapter: 'mongodb' };
  const retentionMs = config.idempotencyRetentionHours * 3_600_000;
  return {
    store: SqliteIdempotencyStore.open(join(config.dataDir, EMBEDDED_DATABASES.idempotency), { retentionMs }),
    adapter: 'embedded',
  };
}

function developmentVaultKey(dataDir: string): string {
  return developmentSecret(dataDir, 'vault.key', () => randomBytes(32).toString('base64'));
}

/** The vault keyring's file: VAULT_KEYRING, or in development the sibling of DATA_DIR. */
export function vaultKeyringFile(config: AppConfig): string {
  return config.vaultKeyring ?? developmentVaultKeyring(config.dataDir);
}

/** Beside DATA_DIR, not in it: a copy of the data directory does not carry the keys that open its vault. */
function developmentVaultKeyring(dataDir: string): string {
  return `${dataDir}-vault-keyring.json`;
}

/** A development secret kept in DATA_DIR, written once by whichever process sharing the directory comes first. */
function developmentSecret(dataDir: string, name: string, generate: () => string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // Written whole under another name, then linked into place: a process sharing the directory
    // never reads a half-written key, and if it linked its own first, this one uses theirs.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return readFileSync(file, 'utf8').trim();
}
