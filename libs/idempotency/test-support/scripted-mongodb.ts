/**
 * A stand-in for a MongoDB server, for the adapter's tests without one: it speaks enough of the wire
 * protocol for the driver to connect (the handshake, as a standalone server), records every command
 * it receives, and answers each as its script says, or never.
 */
import { createServer, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER_BYTES = 16;

export interface ScriptedMongoDb {
  /** `mongodb://127.0.0.1:<port>/?directConnection=true` */
  readonly url: string;
  /** The commands received after the handshake, in order, as decoded from BSON. */
  readonly commands: readonly Document[];
  close(): Promise<void>;
}

/** `answer` gives the reply to a command, or null to leave it unanswered. */
export async function startScriptedMongoDb(answer: (command: Document) => Document | null): Promise<ScriptedMongoDb> {
  const commands: Document[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const requestId = message.readInt32LE(4);
        const opCode = message.readInt32LE(12);
        const command = opCode === OP_QUERY ? queryOf(message) : opCode === OP_MSG ? commandOf(message) : null;
        if (!command) continue;
        if (isHandshake(command)) {
          socket.write(opCode === OP_QUERY ? replyOf(requestId, hello()) : messageOf(requestId, hello()));
          continue;
        }
        commands.push(command);
        const reply = answer(command);
        if (reply) socket.write(messageOf(requestId, reply));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the scripted MongoDB has no TCP port');
  return {
    url: `mongodb://127.0.0.1:${address.port}/?directConnection=true`,
    commands,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function isHandshake(command: Document): boolean {
  return 'hello' in command || 'isMaster' in command || 'ismaster' in command;
}

/** A standalone server of wire version 21 (MongoDB 7.0), with sessions. */
function hello(): Document {
  return {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: 1,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

/** The command of an OP_QUERY (the driver's first hello on a connection). */
function queryOf(message: Buffer): Document {
  let offset = HEADER_BYTES + 4;
  offset = message.indexOf(0, offset) + 1 + 8; // the collection's name, then numberToSkip and numberToReturn
  return BSON.deserialize(message.subarray(offset, offset + message.readInt32LE(offset)));
}

/** The command of an OP_MSG: its body, with any document sequence as an array field. */
function commandOf(message: Buffer): Document {
  const checksum = (message.readUInt32LE(HEADER_BYTES) & 1) === 1 ? 4 : 0;
  const end = message.length - checksum;
  let offset = HEADER_BYTES + 4;
  let body: Document = {};
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    const size = message.readInt32LE(offset);
    if (kind === 0) {
      body = BSON.deserialize(message.subarray(offset, offset + size));
    } else {
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const name = message.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      for (let at = nameEnd + 1; at < sectionEnd; at += message.readInt32LE(at))
        documents.push(BSON.deserialize(message.subarray(at, at + message.readInt32LE(at))));
      sequences[name] = documents;
    }
    offset += size;
  }
  return { ...body, ...sequences };
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(0, 4);
  bytes.writeInt32LE(responseTo, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

function messageOf(responseTo: number, reply: Document): Buffer {
  const body = Buffer.from(BSON.serialize(reply));
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  return Buffer.concat([header(HEADER_BYTES + 5 + body.length, responseTo, OP_MSG), flagsAndKind, body]);
}

function replyOf(responseTo: number, reply: Document): Buffer {
  const body = Buffer.from(BSON.serialize(reply));
  const fields = Buffer.alloc(20); // responseFlags, cursorID, startingFrom, then numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_BYTES + 20 + body.length, responseTo, OP_REPLY), fields, body]);
}
