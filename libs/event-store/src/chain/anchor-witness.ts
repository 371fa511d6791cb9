import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { anchorDigest, anchorShapeProblem, type AnchorData } from './anchors.js';

/** A signed anchor as the witness keeps it: where the log held it, and all of it. */
export interface WitnessedAnchor {
  /** The anchor event's position in the log (formatted). */
  readonly position: string;
  readonly anchor: AnchorData;
}

/**
 * A copy of every signed anchor kept outside the database and its data directory, where whoever
 * administers the database cannot rewrite it: the anchors the log must still hold, unchanged.
 */
export interface AnchorWitness {
  /** Where it is, for messages. */
  readonly location: string;
  /** Keeps the anchor; again for the same anchor is a no-op, a different anchor of the same sequence is refused. */
  record(witnessed: WitnessedAnchor): Promise<void>;
  /** Every anchor kept, by sequence. */
  read(): Promise<WitnessedAnchor[]>;
}

const FILE = /^anchor-(\d{12})\.json$/;

/**
 * A directory outside DATA_DIR, one file per anchor (`anchor-000000000042.json`), created
 * exclusively and never rewritten, fsynced with its directory before the anchorer goes on. One
 * file per anchor rather than an appended JSONL: a torn last line cannot happen, the file system
 * refuses to replace a file by itself (link), and each file maps onto one object of an
 * append-only object store (S3 Object Lock) as production keeps them (docs/operations.md).
 */
export class DirectoryAnchorWitness implements AnchorWitness {
  constructor(readonly location: string) {}

  record(witnessed: WitnessedAnchor): Promise<void> {
    try {
      this.recordNow(witnessed);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  read(): Promise<WitnessedAnchor[]> {
    try {
      return Promise.resolve(this.readNow());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private recordNow(witnessed: WitnessedAnchor): void {
    const file = join(this.location, fileOf(witnessed.anchor.sequence));
    const text = `${JSON.stringify(witnessed)}\n`;
    mkdirSync(this.location, { recursive: true });
    // Written whole under a draft name and synced, then linked into place: link() never replaces a
    // file, and a crash leaves a draft behind, never a half-written anchor under its own name.
    const draft = join(this.location, `.draft-${process.pid}-${randomBytes(4).toString('hex')}`);
    const fd = openSync(draft, 'wx', 0o444);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Written before (an anchorer that stopped between the witness and its next anchor): the same anchor again is fine.
      const held = JSON.parse(readFileSync(file, 'utf8')) as WitnessedAnchor;
      if (held.position !== witnessed.position || anchorDigest(held.anchor) !== anchorDigest(witnessed.anchor))
        throw new Error(
          `The witness ${this.location} already holds a different anchor ${witnessed.anchor.sequence}: the log's anchors were rewritten, or two logs share one witness`,
          { cause: error },
        );
    } finally {
      unlinkSync(draft);
    }
    syncDirectory(this.location);
  }

  private readNow(): WitnessedAnchor[] {
    let names: string[];
    try {
      names = readdirSync(this.location);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(`The witness ${this.location} does not exist`, { cause: error });
      throw error;
    }
    const kept: WitnessedAnchor[] = [];
    for (const name of names.filter((n) => FILE.test(n)).sort()) {
      const parsed = JSON.parse(readFileSync(join(this.location, name), 'utf8')) as Partial<WitnessedAnchor>;
      const problem = typeof parsed.position === 'string' ? anchorShapeProblem(parsed.anchor) : 'it names no position';
      if (problem) throw new Error(`The witness's ${name} is not a witnessed anchor: ${problem}`);
      if (name !== fileOf(parsed.anchor!.sequence))
        throw new Error(`The witness's ${name} holds anchor ${parsed.anchor!.sequence}`);
      kept.push(parsed as WitnessedAnchor);
    }
    return kept;
  }
}

const fileOf = (sequence: number) => `anchor-${String(sequence).padStart(12, '0')}.json`;

/** The new file's name is durable only once its directory is; where a file system cannot sync a directory, the file's own fsync is what there is. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
