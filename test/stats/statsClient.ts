/** Readers of a stats socket for the tests: what uwsgitop and curl do, over raw sockets. */
import net from 'node:net';
import type { PoolEvent } from '../../core/stats/schema.js';

/** net.connect's path for `@name` (abstract) or a UNIX path. */
export function socketPath(address: string): string {
  return address.startsWith('@') ? '\0' + address.slice(1) : address;
}

/** Connect, optionally send bytes, read until the server closes. Rejects past the timeout. */
export function readToEnd(address: string, send?: string | Buffer, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath(address));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${address}: no end within ${timeoutMs} ms after ${Buffer.concat(chunks).length} bytes`));
    }, timeoutMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    if (send !== undefined) sock.write(send);
  });
}

export interface HttpAnswer {
  statusLine: string;
  headers: Record<string, string>;
  body: string;
}

export function splitHttp(raw: string): HttpAnswer {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { statusLine: statusLine!, headers, body: raw.slice(end + 4) };
}

/** The document of a plain stats socket, decoded. */
export async function readDocument(address: string): Promise<any> {
  return JSON.parse(await readToEnd(address));
}

export interface EventFollower {
  readonly events: PoolEvent[];
  readonly socket: net.Socket;
  /** Resolves with the first event (seen so far or later) that matches. */
  waitFor(what: string, match: (e: PoolEvent) => boolean, timeoutMs?: number): Promise<PoolEvent>;
  close(): void;
}

/** `GET /events` on a stats-http socket: every event line, decoded as it comes. */
export function followEvents(address: string): Promise<EventFollower> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath(address));
    const events: PoolEvent[] = [];
    const waiters = new Set<() => void>();
    let buffered = '';
    let headSeen = false;
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      if (!headSeen) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffered.startsWith('HTTP/1.0 200 OK\r\n')) reject(new Error(`unexpected answer ${JSON.stringify(buffered.slice(0, 100))}`));
        headSeen = true;
        buffered = buffered.slice(end + 4);
        resolve(follower);
      }
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        events.push(JSON.parse(buffered.slice(0, nl)) as PoolEvent);
        buffered = buffered.slice(nl + 1);
      }
      for (const w of waiters) w();
    });
    const follower: EventFollower = {
      events,
      socket,
      waitFor(what, match, timeoutMs = 15_000) {
        return new Promise((res, rej) => {
          const check = (): void => {
            const found = events.find(match);
            if (!found) return;
            waiters.delete(check);
            clearTimeout(timer);
            res(found);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            rej(new Error(`no ${what} event within ${timeoutMs} ms; got ${events.map((e) => `${e.type}(${e.worker ?? '-'})`).join(' ')}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      },
      close: () => socket.destroy(),
    };
    socket.write('GET /events HTTP/1.1\r\nHost: stats\r\n\r\n');
  });
}
