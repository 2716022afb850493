import http from 'node:http';
import net from 'node:net';
import { formatAddress, listenTarget, parseAddress, type Address } from '../net/address.js';
import { parseStats, StatsError, type StatsSnapshot } from './parseStats.js';

export interface FetchOptions {
  /** The whole read (connect, request, document) must finish in this time. Default 2000. */
  timeoutMs?: number;
}

/** A stats address that could not be read, said in words a user can act on. */
export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    message: string,
    readonly address: string,
    /** The system error code (ECONNREFUSED, ENOENT...), or TIMEOUT, EMPTY, HTTP, TOO_BIG. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** A document bigger than this is not a stats document (50 workers take 40 KB). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads one stats document the way uwsgitop does: plain addresses (a UNIX path, `@abstract`,
 * `HOST:PORT`) are read until the server closes; `http://` addresses get a GET (stats-http).
 */
export async function fetchStats(address: string, options: FetchOptions = {}): Promise<StatsSnapshot> {
  const parsed = parseAddress(address, 'the stats address');
  const text = await fetchStatsText(parsed, options.timeoutMs ?? 2000);
  return parseStats(text, formatAddress(parsed));
}

export function fetchStatsText(address: Address, timeoutMs: number): Promise<string> {
  return address.kind === 'http' ? readHttp(address, timeoutMs) : readPlain(address, timeoutMs);
}

function readPlain(address: Exclude<Address, { kind: 'http' }>, timeoutMs: number): Promise<string> {
  const name = formatAddress(address);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = net.connect(listenTarget(address));
    const fail = (err: FetchError) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(timeoutError(name, timeoutMs, size > 0)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BYTES) return fail(new FetchError(`${name}: more than ${MAX_BYTES} bytes without closing: not a stats socket`, name, 'TOO_BIG'));
      chunks.push(chunk);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => fail(connectError(name, address, err)));
  });
}

function readHttp(address: Extract<Address, { kind: 'http' }>, timeoutMs: number): Promise<string> {
  const name = formatAddress(address);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = http.get({ host: address.host, port: address.port, path: address.path || '/', agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        settle(() =>
          reject(new FetchError(`${name}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() + ' (stats-http answers 200 to any path)', name, 'HTTP')),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) {
          settle(() => reject(new FetchError(`${name}: more than ${MAX_BYTES} bytes: not a stats document`, name, 'TOO_BIG')));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
      res.on('error', (err: NodeJS.ErrnoException) => settle(() => reject(connectError(name, address, err))));
    });
    const timer = setTimeout(() => {
      settle(() => reject(timeoutError(name, timeoutMs, false)));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => settle(() => reject(connectError(name, address, err))));
  });
}

function timeoutError(name: string, timeoutMs: number, gotSome: boolean): FetchError {
  const hint = gotSome
    ? 'the server sent part of a document and did not close'
    : 'no document: is this the stats socket and not the app socket? (a stats-http server needs http://ADDR)';
  return new FetchError(`${name}: no answer within ${timeoutMs} ms: ${hint}`, name, 'TIMEOUT');
}

/** System errors in words, with what to check. */
export function connectError(name: string, address: Address, err: NodeJS.ErrnoException): FetchError {
  const code = err.code ?? 'EUNKNOWN';
  const onPath = address.kind === 'unix';
  const words: Record<string, string> = {
    ENOENT: 'no such socket file: is the server running, with its stats option set to this path?',
    ECONNREFUSED: onPath
      ? 'connection refused: nothing listens on this socket file (a stale socket? the server may be restarting)'
      : 'connection refused: nothing listens there (is the server running? is the port right?)',
    EACCES: 'permission denied: check chmod-socket and the user the server runs as',
    EPERM: 'permission denied: check chmod-socket and the user the server runs as',
    ENOTFOUND: `unknown host ${'host' in address ? address.host : ''}`.trim(),
    ECONNRESET: 'the server reset the connection (is it restarting?)',
    ETIMEDOUT: 'the connection timed out (is the host reachable?)',
    EHOSTUNREACH: 'host unreachable',
    ENOTSOCK: 'this path is not a socket',
  };
  return new FetchError(`${name}: ${words[code] ?? err.message} (${code})`, name, code);
}

/** An error's words without the address they start with: the screen shows the address beside them. */
export function failureReason(err: Error): string {
  const prefix = err instanceof FetchError ? err.address : err instanceof StatsError ? err.source : null;
  return prefix !== null && err.message.startsWith(`${prefix}: `) ? err.message.slice(prefix.length + 2) : err.message;
}
