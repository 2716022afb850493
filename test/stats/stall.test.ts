/**
 * The stats socket lives in the master: no reader may stall it. A reader that never reads, a
 * thousand readers at once, garbage, and an /events reader that stops reading, each while
 * requests are served.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { type RunningServer, startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import type { PoolEvent } from '../../core/stats/schema.js';
import { followEvents, readToEnd } from './statsClient.js';

after(stopAll);

/** Requests on `concurrency` connections in a loop until `until` resolves; every status and the slowest time. */
async function loadUntil(server: RunningServer, until: Promise<unknown>, concurrency = 4): Promise<{ statuses: number[]; slowestMs: number }> {
  let done = false;
  void until.finally(() => (done = true));
  const statuses: number[] = [];
  let slowestMs = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      for (let n = 0; !done || n === 0; n++) {
        const t0 = Date.now();
        const r = await server.get(`/predict?text=grain+exports+${i}+${n}`);
        slowestMs = Math.max(slowestMs, Date.now() - t0);
        statuses.push(r.status);
      }
    }),
  );
  return { statuses, slowestMs };
}

type Outcome = 'document' | 'refused' | 'partial';

/** One reader: a complete document, refused before any byte, or cut off mid-document. */
function readOnce(address: string, timeoutMs: number): Promise<{ outcome: Outcome; text: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(address);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`a reader got no end within ${timeoutMs} ms: the master stalled`));
    }, timeoutMs);
    const settle = (): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const complete = text.startsWith('{') && text.endsWith('}');
      resolve({ outcome: complete ? 'document' : text === '' ? 'refused' : 'partial', text });
    };
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', settle);
    sock.on('end', settle);
  });
}

test('plain socket: a reader that never reads, 1000 readers at once and garbage, while /predict keeps answering', async (t) => {
  const fifo = path.join(tempDir('tidepool-fifo-'), 'fifo');
  const server = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--listen', '1024', '--stats-events', '4000', '--master-fifo', fifo] });
  // 4000 pause/resume toggles fill the recent-events list: a document of several hundred KB,
  // more than a socket buffer holds, so a reader that does not read really holds bytes back.
  fs.writeFileSync(fifo, 'p'.repeat(4000));
  const big = await waitFor(
    '4000 events in the document',
    async () => {
      const text = await readToEnd(server.stats);
      return JSON.parse(text).tidepool.events.length === 4000 && text;
    },
    10_000,
  );
  assert.ok(big.length > 400 * 1024, `document of ${big.length} bytes`);

  const stuck = net.connect(server.stats);
  await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
  stuck.pause();
  stuck.on('error', () => {});

  const burst = Promise.all(Array.from({ length: 1000 }, () => readOnce(server.stats, 30_000)));
  const load = loadUntil(server, burst);
  const results = await burst;
  const { statuses, slowestMs } = await load;

  const count = (o: Outcome): number => results.filter((r) => r.outcome === o).length;
  assert.equal(count('partial'), 0, 'no reader is cut off mid-document');
  assert.ok(count('document') >= 1, 'readers got documents');
  for (const r of results.filter((_, i) => i % 100 === 0 && results[i]!.outcome === 'document')) JSON.parse(r.text);
  assert.ok(statuses.length >= 4);
  assert.deepEqual([...new Set(statuses)], [200], 'every request during the burst succeeded');
  // Not a performance bound: a request waiting on a stalled master would wait for ever.
  assert.ok(slowestMs < 20_000, `slowest request ${slowestMs} ms`);
  t.diagnostic(`1000 readers: ${count('document')} documents, ${count('refused')} refused; ${statuses.length} requests meanwhile, slowest ${slowestMs} ms`);

  // Garbage from a plain-mode reader is read and ignored: it still gets the document.
  const garbage = await readToEnd(server.stats, crypto.randomBytes(256 * 1024));
  assert.equal(JSON.parse(garbage).pid, server.pid);
  assert.equal((await server.get('/readyz')).status, 200, 'the master answers while the stuck reader still holds its socket');
  assert.equal(stuck.destroyed, false);
  stuck.destroy();
  await server.stop('SIGTERM');
});

test('stats-http: an /events reader that stops reading is dropped; a reading one gets every event; the master never waits', async () => {
  const fifo = path.join(tempDir('tidepool-fifo-'), 'fifo');
  const server = await startServer({ args: ['--stats-http', '--workers', '1', '--cheaper', '0', '--stats-events', '10', '--master-fifo', fifo] });
  const slow = await followEvents(server.stats);
  slow.socket.pause();
  const fast = await followEvents(server.stats);

  // 15 000 toggles, about 1.5 MB of events: more than the 1 MiB a reader may fall behind.
  // With scaling off, the toggles are the only decision events.
  const toggles = 15_000;
  const decisions = (events: readonly PoolEvent[]): number => events.filter((e) => e.type === 'decision').length;
  fs.writeFileSync(fifo, 'p'.repeat(toggles));
  await waitFor('every toggle at the reading follower', () => decisions(fast.events) >= toggles, 60_000);
  assert.equal(decisions(fast.events), toggles, 'the reading follower got every event, once');
  assert.equal((await server.get('/predict?text=cocoa')).status, 200);
  await server.waitForLog(/dropped an \/events reader \d+ bytes behind/);

  // The dropped reader, once it reads again, finds its stream ended early.
  const ended = new Promise<void>((resolve) => slow.socket.once('close', () => resolve()));
  slow.socket.resume();
  await ended;
  assert.ok(slow.events.length < fast.events.length, `dropped reader got ${slow.events.length} of ${fast.events.length} events`);
  fast.close();
  await server.stop('SIGTERM');
});
