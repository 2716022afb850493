import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { AddressError, parseAddress } from '../../core/net/address.js';
import type { PoolEvent } from '../../core/stats/schema.js';
import { StatsError } from '../../core/stats/parseStats.js';
import { failureReason, fetchStats, FetchError } from '../../core/stats/fetchStats.js';
import { followEvents, type StreamEnd } from '../../core/stats/followEvents.js';
import { tempDir } from '../helpers/server.js';
import { fixture, startStatsServer, type StatsServer } from './helpers/statsServer.js';

const servers: StatsServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function serve(...args: Parameters<typeof startStatsServer>): Promise<StatsServer> {
  const s = await startStatsServer(...args);
  servers.push(s);
  return s;
}

async function fetchError(address: string, timeoutMs = 2000): Promise<Error> {
  try {
    await fetchStats(address, { timeoutMs });
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail(`${address} was read`);
}

test('plain UNIX socket: read to EOF, like uwsgitop', async () => {
  const s = await serve(fixture('busy'));
  const snap = await fetchStats(s.address);
  assert.equal(snap.counts.busy, 14);
  assert.equal(snap.source, s.address);
  assert.equal(s.connections(), 1);
});

test('plain TCP and stats-http (http://) read the same document', async () => {
  const tcp = await serve(fixture('idle'), { mode: 'plain', on: 'tcp' });
  const web = await serve(fixture('idle'), { mode: 'http' });
  assert.match(web.address, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual((await fetchStats(tcp.address)).stats, (await fetchStats(web.address)).stats);
});

test('a Linux abstract socket (@name)', async () => {
  const name = `tidepool-test-${process.pid}-${Date.now()}`;
  const server = net.createServer((c) => c.end(fixture('after-cheaping')));
  await new Promise<void>((resolve) => server.listen('\0' + name, resolve));
  try {
    assert.equal((await fetchStats('@' + name)).counts.idle, 5);
  } finally {
    server.close();
  }
});

test('no socket file: ENOENT in words, with what to check', async () => {
  const dir = tempDir();
  const missing = path.join(dir, 'nope.sock');
  const err = await fetchError(missing);
  fs.rmSync(dir, { recursive: true });
  assert.ok(err instanceof FetchError);
  assert.equal(err.code, 'ENOENT');
  assert.equal(err.message, `${missing}: no such socket file: is the server running, with its stats option set to this path? (ENOENT)`);
  assert.equal(failureReason(err), 'no such socket file: is the server running, with its stats option set to this path? (ENOENT)');
});

test('nothing listening on a port: connection refused in words', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const err = await fetchError(`127.0.0.1:${port}`);
  assert.ok(err instanceof FetchError);
  assert.equal(err.code, 'ECONNREFUSED');
  assert.match(err.message, /connection refused: nothing listens there/);
});

test('a server that never writes (the app socket, or stats-http read plain) times out with a hint', async () => {
  const s = await serve('', { handle: () => {} });
  const started = Date.now();
  const err = await fetchError(s.address, 300);
  assert.ok(err instanceof FetchError);
  assert.equal(err.code, 'TIMEOUT');
  assert.match(err.message, /no answer within 300 ms: no document: is this the stats socket and not the app socket\?/);
  assert.ok(Date.now() - started < 2000);
});

test('an empty reply and invalid JSON are StatsErrors that say so', async () => {
  const empty = await serve('');
  const err = await fetchError(empty.address);
  assert.ok(err instanceof StatsError);
  assert.match(err.message, /empty document/);
  const bad = await serve('{"version": "2.0.21", "workers": [');
  assert.match((await fetchError(bad.address)).message, /not valid JSON/);
});

test('stats-http answering something other than 200 is an error naming the status', async () => {
  const s = await serve('', { mode: 'http', handle: (socket) => socket.end('HTTP/1.0 404 Not Found\r\nConnection: close\r\n\r\nno') });
  const err = await fetchError(s.address);
  assert.ok(err instanceof FetchError);
  assert.equal(err.code, 'HTTP');
  assert.match(err.message, /HTTP 404 Not Found/);
});

test('a malformed address is refused before any connection', async () => {
  await assert.rejects(fetchStats('localhost:http'), AddressError);
  assert.throws(() => parseAddress(''), /got an empty string/);
});

test('the live event stream: NDJSON events after GET /events, until the server closes', async () => {
  const events: PoolEvent[] = [
    { seq: 7, at: 1000, type: 'spawn', worker: 6, pid: 100, reason: 'spare: all busy for 3 checks' },
    { seq: 8, at: 1500, type: 'ready', worker: 6, pid: 100, reason: 'model loaded', detail: { ms: 812 } },
  ];
  let requestLine = '';
  const s = await serve('', {
    mode: 'http',
    handle: (socket, request) => {
      requestLine = request.split('\r\n')[0]!;
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n' + JSON.stringify(events[0]) + '\n');
      setTimeout(() => socket.end(JSON.stringify(events[1]) + '\n'), 50);
    },
  });
  const got: PoolEvent[] = [];
  const end = await new Promise<StreamEnd>((resolve) => {
    const address = parseAddress(s.address);
    assert.equal(address.kind, 'http');
    if (address.kind === 'http') followEvents(address, { onEvents: (e) => got.push(...e), onEnd: resolve });
  });
  assert.equal(requestLine, 'GET /events HTTP/1.0');
  assert.deepEqual(got, events);
  assert.equal(end, 'closed');
});

test('a uWSGI stats-http server answers /events with its document: no stream, said once', async () => {
  const s = await serve(fixture('idle'), { mode: 'http' });
  const address = parseAddress(s.address);
  if (address.kind !== 'http') assert.fail('not http');
  const got: PoolEvent[] = [];
  const [end, message] = await new Promise<[StreamEnd, string]>((resolve) => {
    followEvents(address, { onEvents: (e) => got.push(...e), onEnd: (how, why) => resolve([how, why]) });
  });
  assert.equal(end, 'unsupported');
  assert.match(message, /\/events is not an event stream/);
  assert.deepEqual(got, []);
});
