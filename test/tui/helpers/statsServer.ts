/**
 * A stats socket that behaves like uWSGI's: on a temp UNIX path, it writes the current document
 * and closes (plain), or reads a request and answers HTTP/1.0 (stats-http). Tests swap the
 * document to replay the fixtures.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO, tempDir } from '../../helpers/server.js';

export type FixtureName = 'idle' | 'busy' | 'after-cheaping';

export const FIXTURE_DIR = path.join(REPO, 'test', 'stats', 'fixtures', 'uwsgi-stats');

/** A real uWSGI 2.0.21 document, byte for byte. */
export function fixture(name: FixtureName): string {
  return fs.readFileSync(path.join(FIXTURE_DIR, `uwsgi-2.0.21-${name}.json`), 'utf8');
}

export interface StatsServer {
  /** What to give the dashboard: the socket path, HOST:PORT, or http://HOST:PORT for stats-http. */
  address: string;
  /** Serves `doc` from the next connection on. */
  setDocument(doc: string): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export interface StatsServerOptions {
  /** plain: write and close (uWSGI's `stats`); http: answer one request (`stats-http`). */
  mode?: 'plain' | 'http';
  /** A UNIX socket in a temp dir (the default for plain), or loopback TCP on port 0. */
  on?: 'unix' | 'tcp';
  /** Answers the connection itself instead of serving the document (misbehaving servers). */
  handle?: (socket: net.Socket, request: string) => void;
}

export async function startStatsServer(doc: string, options: StatsServerOptions = {}): Promise<StatsServer> {
  const mode = options.mode ?? 'plain';
  const on = options.on ?? (mode === 'http' ? 'tcp' : 'unix');
  const dir = tempDir('tidepool-tui-');
  let current = doc;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'plain') {
      if (options.handle) options.handle(socket, '');
      else socket.end(current);
      return;
    }
    let request = '';
    socket.on('data', (chunk) => {
      if (request.includes('\r\n\r\n')) return;
      request += chunk.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      if (options.handle) return options.handle(socket, request);
      socket.end('HTTP/1.0 200 OK\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\n\r\n' + current);
    });
  });
  const socketPath = path.join(dir, 'stats.sock');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (on === 'unix') server.listen(socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const port = on === 'tcp' ? (server.address() as net.AddressInfo).port : 0;
  const address = on === 'unix' ? socketPath : mode === 'http' ? `http://127.0.0.1:${port}` : `127.0.0.1:${port}`;
  return {
    address,
    setDocument: (next) => (current = next),
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
