/**
 * The durable ceiling: what this machine allows for a durable, ordered append over HTTP. A bare
 * Fastify route takes a bid's JSON, appends it as one event on a new stream in SQLite (WAL,
 * `synchronous=FULL`, so every commit is fsynced) with a gapless global position, and answers 201
 * with that position only once the transaction holding it has committed. Appends that arrive while
 * a commit is pending are written together in the next one (group commit: one fsync per group).
 * Nothing else: no validation, no authentication, no read of earlier state, no idempotency record,
 * no projection. The API's bids pay for all of those; this says how far from the disk they are.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const file = process.env['DATA_FILE'];
if (!file) throw new Error('DATA_FILE names the SQLite file of the durable ceiling');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (stream, revision)
)`);
const insert = db.prepare(
  'INSERT INTO events (position, stream, revision, event_id, type, data) VALUES (?, ?, 0, ?, ?, ?)',
);
let head = (db.prepare('SELECT coalesce(max(position), 0) AS head FROM events').get() as { head: number }).head;

interface Pending {
  readonly stream: string;
  readonly data: string;
  readonly done: (position: number) => void;
}
let group: Pending[] = [];
const commitGroup = db.transaction((appends: readonly Pending[]) =>
  appends.map((append) => {
    const position = head + 1;
    insert.run(position, append.stream, randomUUID(), 'BidSubmitted', append.data);
    head = position;
    return position;
  }),
);

/** Commits every append waiting, in one transaction, after the requests of this turn of the loop have joined it. */
function flush() {
  const appends = group;
  group = [];
  const positions = commitGroup(appends);
  appends.forEach((append, i) => append.done(positions[i]!));
}

const app = Fastify({ logger: false, bodyLimit: 65_536 });
app.post('/calls/:callId/bids', (request, reply) => {
  const bidId = randomUUID();
  if (group.length === 0) setImmediate(flush);
  group.push({
    stream: `bid-${bidId}`,
    data: JSON.stringify({ bidId, ...(request.body as object) }),
    done: (position) => void reply.code(201).send({ bidId, position: String(position) }),
  });
  return reply;
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => (db.close(), process.exit(0))));
