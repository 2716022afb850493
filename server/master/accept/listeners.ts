/**
 * The master's listening sockets. The master accepts every connection, reads just enough of
 * it to route it (see protocol/peek.ts), and passes it on: to its own admin routes, or into
 * the queue for a worker. It never parses more than the first request line.
 */
import fs from 'node:fs';
import net from 'node:net';
import { type Address, formatAddress, listenTarget, parseAddress } from '../../../core/net/address.js';
import type { Protocol } from '../../ipc/messages.js';
import { FIRST_BYTES_TIMEOUT_MS, peekRequest, type Peek } from '../../protocol/peek.js';

export interface ListenerSpec {
  proto: Protocol | 'stats';
  address: string;
  /** octal mode for UNIX sockets, e.g. 0o660 */
  mode?: number;
  backlog: number;
}

export interface Accepted {
  socket: net.Socket;
  proto: Protocol;
  head: Buffer;
  peek: Peek;
  /** epoch ms it joined the master's queue */
  queuedAt?: number;
}

export class ListenError extends Error {}

/** A UNIX socket file left by a crashed process must not stop the next start; a live one must. */
async function clearStaleUnixSocket(path: string): Promise<void> {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new ListenError(`${path} exists and is not a socket; refusing to replace it`);
  const alive = await new Promise<boolean>((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (alive) throw new ListenError(`${path} is in use by a running process (another tidepool?)`);
  fs.unlinkSync(path);
}

export async function listenOn(
  spec: ListenerSpec,
  onConnection: (socket: net.Socket) => void,
): Promise<{ server: net.Server; address: Address; bound: string; endpoint: { host: string; port: number } | null }> {
  const address = parseAddress(spec.address, spec.proto === 'stats' ? 'stats' : spec.proto);
  if (address.kind === 'http') throw new ListenError(`cannot listen on ${spec.address}: http:// addresses are for readers`);
  if (address.kind === 'unix') await clearStaleUnixSocket(address.path);
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ListenError(`cannot listen on ${spec.address} (${spec.proto}): ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`)),
    );
    server.listen({ ...listenTarget(address), backlog: spec.backlog }, () => resolve());
  });
  if (address.kind === 'unix' && spec.mode !== undefined) fs.chmodSync(address.path, spec.mode);
  const a = server.address();
  const endpoint = typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : null;
  const bound = endpoint ? formatAddress({ kind: 'tcp', ...endpoint }) : formatAddress(address);
  return { server, address, bound, endpoint };
}

/**
 * Stop the master reading a socket for good, so that every byte after the head stays in the
 * kernel for the worker. `pause()` alone is not enough: the stream machinery calls read(0)
 * later (to refill below its high-water mark), which restarts reading on the native handle,
 * and whatever the master reads then is lost when the handle moves to the worker.
 */
function stopReading(socket: net.Socket): void {
  socket.pause();
  const handle = (socket as unknown as { _handle?: { reading?: boolean; readStop(): number } })._handle;
  if (handle) {
    handle.reading = false;
    handle.readStop();
  }
  (socket as unknown as { _read: () => void })._read = () => {};
}

/**
 * Read a connection's first bytes until the request can be routed. Resolves null if the
 * client closes or sends nothing in time (it never reached the queue).
 */
export function readHead(socket: net.Socket, proto: Protocol): Promise<Accepted | null> {
  return new Promise((resolve) => {
    let head: Buffer = Buffer.alloc(0);
    const finish = (result: Accepted | null): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.setTimeout(0);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const peek = peekRequest(proto, head);
      if (peek.kind === 'more') return;
      stopReading(socket);
      // Anything the stream buffered before it stopped travels with the head.
      for (;;) {
        const c = socket.read() as Buffer | null;
        if (c === null) break;
        head = Buffer.concat([head, c]);
      }
      finish({ socket, proto, head, peek });
    };
    const onClose = (): void => finish(null);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => {
      socket.destroy();
      finish(null);
    });
    socket.resume();
  });
}

export function vacuumUnix(address: Address): void {
  if (address.kind !== 'unix') return;
  try {
    fs.unlinkSync(address.path);
  } catch {
    // already gone
  }
}
