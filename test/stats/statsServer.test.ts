/**
 * The stats server in this process, with short limits, for what takes too long to watch on a
 * real master: readers cut off after their delay, a failing document, close().
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { before, type TestContext, test } from 'node:test';
import { PoolEvents } from '../../server/master/events.js';
import { setQuiet } from '../../server/log.js';
import { type StatsServer, type StatsServerOptions, startStatsServer } from '../../server/stats/statsServer.js';
import { tempDir, waitFor } from '../helpers/server.js';
import { followEvents, readToEnd, splitHttp } from './statsClient.js';

before(() => setQuiet(true));

/** A stats server on a fresh UNIX path, closed after the test whatever happens. */
async function serve(t: TestContext, options: Partial<StatsServerOptions> = {}): Promise<{ server: StatsServer; address: string }> {
  const address = path.join(tempDir(), 'stats.sock');
  const server = await startStatsServer({
    address,
    http: false,
    mode: 0o600,
    backlog: 16,
    vacuum: true,
    document: () => Buffer.from('{}'),
    events: new PoolEvents(10),
    ...options,
  });
  t.after(() => server.close());
  return { server, address };
}

/** Bytes received until the server closes the connection, reading only after `waitMs`. */
function readLate(address: string, waitMs: number): Promise<{ bytes: number; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(address);
    let bytes = 0;
    sock.pause();
    sock.on('data', (c: Buffer) => (bytes += c.length));
    sock.on('error', () => {});
    sock.on('close', () => resolve({ bytes, closedAfterMs: Date.now() - t0 }));
    setTimeout(() => sock.resume(), waitMs);
  });
}

test('a reader that does not read is cut off after closeAfterMs; the others are answered meanwhile', async (t) => {
  const body = Buffer.alloc(8 * 1024 * 1024, 'x');
  const { server, address } = await serve(t, { document: () => body, limits: { closeAfterMs: 300 } });
  const stuck = readLate(address, 1000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await readToEnd(address)).length, body.length, 'a reading reader gets all of it meanwhile');
  const { bytes } = await stuck;
  assert.ok(bytes < body.length, `the stuck reader got ${bytes} of ${body.length} bytes, then was closed`);
  await server.close();
  assert.equal(fs.existsSync(address), false, 'vacuumed');
});

test('stats-http: a client that never sends its request line is dropped after requestTimeoutMs', async (t) => {
  const { address } = await serve(t, { http: true, document: () => Buffer.from('{"a":1}'), limits: { requestTimeoutMs: 200 } });
  const silent = await readLate(address, 0);
  assert.equal(silent.bytes, 0);
  assert.ok(silent.closedAfterMs >= 150 && silent.closedAfterMs < 5000, `closed after ${silent.closedAfterMs} ms`);
  // A request line longer than the limit is answered as it is, not waited on.
  const long = splitHttp(await readToEnd(address, 'G'.repeat(20_000)));
  assert.equal(long.body, '{"a":1}');
});

test('a document that throws costs that reader its answer, not the server', async (t) => {
  let fail = true;
  const { address } = await serve(t, {
    document: () => {
      if (fail) throw new Error('a bug in the document');
      return Buffer.from('{"ok":true}');
    },
  });
  assert.equal(await readToEnd(address).catch(() => ''), '');
  fail = false;
  assert.equal(await readToEnd(address), '{"ok":true}');
});

test('close() ends /events followers and stops listening', async (t) => {
  const events = new PoolEvents(10);
  events.record({ type: 'spawn', kind: 'initial', reason: 'initial', worker: 1, pid: 123 });
  const { server, address } = await serve(t, { http: true, events });
  const follower = await followEvents(address);
  await follower.waitFor('the recorded spawn', (e) => e.type === 'spawn' && e.pid === 123);
  events.record({ type: 'ready', reason: 'loaded', worker: 1, pid: 123 });
  await follower.waitFor('the live ready', (e) => e.type === 'ready');
  const closed = new Promise<void>((resolve) => follower.socket.once('close', () => resolve()));
  await server.close();
  await closed;
  assert.equal(events.listenerCount('event'), 0, 'the follower unsubscribed');
  await assert.rejects(readToEnd(address), /ENOENT|ECONNREFUSED/);
});

test('an /events reader that half-closes after its request (nc -N) keeps receiving live events', async (t) => {
  const events = new PoolEvents(10);
  const { address } = await serve(t, { http: true, events });
  const sock = net.connect(address);
  try {
    let got = '';
    sock.on('data', (c: Buffer) => (got += c.toString()));
    sock.end('GET /events HTTP/1.0\r\n\r\n');
    await waitFor('the event stream to start', () => got.startsWith('HTTP/1.0 200'), 5000, 10);
    events.record({ type: 'reload', kind: 'all', reason: 'after the half-close' });
    await waitFor('the live event', () => got.includes('"kind":"all","reason":"after the half-close"'), 5000, 10);
  } finally {
    // Before the server's close() (an after hook), which waits for its followers to leave.
    sock.destroy();
  }
});
