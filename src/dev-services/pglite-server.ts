import { createServer, Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * Serves one PGlite over the Postgres wire protocol to many connections.
 * PGlite is a single session, so a connection owns it from its first message
 * until it reports ReadyForQuery "idle": a whole extended-protocol exchange
 * (Parse … Sync) and a whole transaction run without interleaving.
 * (@electric-sql/pglite-socket 0.2.17 interleaves connections message by
 * message outside transactions: concurrent `pg` clients get each other's
 * Bind/Execute and answer with wrong rows or errors.)
 * A transaction that waits for a query on another connection hangs here.
 */
export async function servePglite(db: PGlite): Promise<{ port: number; close(): Promise<void> }> {
  let owner = Promise.resolve();
  const acquire = (): Promise<() => void> => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = owner.then(() => release);
    owner = owner.then(() => released);
    return acquired;
  };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(db, socket, acquire);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(db: PGlite, socket: Socket, acquire: () => Promise<() => void>): void {
  let buffer = Buffer.alloc(0);
  let started = false;
  let batch: Buffer[] = [];
  let release: (() => void) | undefined;
  let work = Promise.resolve();

  const run = async (messages: Buffer[]) => {
    release ??= await acquire();
    let output: Uint8Array = new Uint8Array();
    for (const message of messages) {
      output = await db.runExclusive(() => db.execProtocolRaw(message));
      if (output.length && socket.writable) socket.write(output);
    }
    // ReadyForQuery ('Z', length 5, status) ends the answer to Sync or Query; 'I' = idle, outside a transaction.
    const idle = output.length >= 6 && output[output.length - 6] === 0x5a && output[output.length - 1] === 0x49;
    if (idle) {
      release();
      release = undefined;
    }
  };
  const enqueue = (messages: Buffer[]) => {
    work = work.then(() => run(messages)).catch(() => void socket.destroy());
  };

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) return void socket.destroy();
        started = true;
        enqueue([message]);
        continue;
      }
      if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
      const length = 1 + buffer.readInt32BE(1);
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      if (message[0] === 0x58) return void socket.end(); // Terminate
      batch.push(message);
      // Sync, simple Query, Flush: the client now waits for answers.
      if (message[0] === 0x53 || message[0] === 0x51 || message[0] === 0x48) {
        enqueue(batch);
        batch = [];
      }
    }
  });
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    // A connection that went away inside a transaction must not leave PGlite in it.
    work = work.then(async () => {
      if (!release) return;
      await db.exec('ROLLBACK').catch(() => undefined);
      release();
      release = undefined;
    });
  });
}
