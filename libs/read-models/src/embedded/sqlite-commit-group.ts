import type Database from 'better-sqlite3';

interface Queued {
  readonly write: () => void;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const WRITTEN = Symbol('written');

/**
 * The commits of one turn of the event loop, in one transaction: the projection runners of a
 * projector end their batches together (they read the same log in the same chunks), so a batch
 * of every projection costs one write transaction instead of one each.
 *
 * Each commit runs in a savepoint of its own: one that is refused (a stale checkpoint, a lease term
 * that is over) writes nothing and fails alone; the others are written. Each is atomic with its
 * checkpoint as before, and the transaction takes the write lock first (IMMEDIATE), so the checks
 * each commit makes cannot be overtaken by another connection before it is written. When the
 * transaction itself fails (the file is busy, the disk full), nothing of any commit is written and
 * every one of them fails with that error.
 */
export class CommitGroup {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly db: Database.Database) {}

  /** Runs `write` in the next group; resolves once the group's transaction is committed. */
  submit(write: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    const outcomes: unknown[] = [];
    try {
      if (!this.db.open) throw new Error('The read-model store is closed');
      this.db
        .transaction(() => {
          for (const { write } of group) {
            // An error SQLite ends the whole transaction with (not a refusal): nothing may be written outside it.
            if (!this.db.inTransaction) throw new Error('The read-model store ended the transaction of a group commit');
            try {
              // Nested: a savepoint, rolled back alone when its commit is refused.
              this.db.transaction(write)();
              outcomes.push(WRITTEN);
            } catch (error) {
              outcomes.push(error);
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const { reject } of group) reject(error);
      return;
    }
    group.forEach(({ resolve, reject }, i) => (outcomes[i] === WRITTEN ? resolve() : reject(outcomes[i])));
  }
}
