import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, stopAll } from '../helpers/server.js';

const SERVICE_MS = 1200;

describe('dispatch', () => {
  after(stopAll);

  test('N concurrent blocking requests on N workers each get their own worker (one service time, not two)', async () => {
    const s = await startServer({ args: ['--workers', '3', '--cheaper', '0', '--simulate-latency', String(SERVICE_MS)] });
    const started = Date.now();
    const replies = await Promise.all([1, 2, 3].map(() => s.get('/predict?text=grain').then((r) => ({ r, ms: Date.now() - started }))));
    for (const { r } of replies) assert.equal(r.status, 200);
    const workers = new Set(replies.map(({ r }) => r.headers['x-tidepool-worker']));
    assert.equal(workers.size, 3, `each request ran on its own worker, got workers ${[...workers]}`);
    // Queued behind a busy worker, a request would take two service times.
    for (const { ms } of replies) assert.ok(ms < SERVICE_MS * 1.9, `request took ${ms} ms for a ${SERVICE_MS} ms service time`);
    await s.stop();
  });

  test('a full queue answers 503 with a JSON error and Retry-After, never hangs', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--listen', '2', '--simulate-latency', '800'] });
    const replies = await Promise.all(Array.from({ length: 6 }, () => s.get('/predict?text=grain')));
    const codes = replies.map((r) => r.status).sort();
    const rejected = replies.filter((r) => r.status === 503);
    assert.ok(rejected.length >= 2, `expected some 503s with 1 worker and listen=2, got ${codes}`);
    assert.equal(replies.filter((r) => r.status === 200).length + rejected.length, 6, `only 200 or 503: ${codes}`);
    assert.equal(rejected[0]!.headers['retry-after'], '1');
    assert.match(rejected[0]!.json().error, /listen = 2/);
    await s.stop();
  });

  test('kept-alive connections are released (Connection: close) while requests wait for a worker', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--simulate-latency', '200'] });
    // Three keep-alive clients on one worker: there is always a queue, so the worker answers
    // `Connection: close` and every client goes back through the master's fair queue.
    const client = async (name: string): Promise<string[]> => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await new Promise<http.IncomingMessage>((resolve, reject) => {
          http.get({ socketPath: s.http, path: `/predict?text=${name}${i}`, agent }, resolve).on('error', reject);
        });
        r.resume();
        await new Promise((resolve) => r.on('end', resolve));
        assert.equal(r.statusCode, 200);
        seen.push(String(r.headers.connection));
      }
      agent.destroy();
      return seen;
    };
    const all = (await Promise.all(['a', 'b', 'c'].map(client))).flat();
    assert.equal(all.length, 9);
    assert.ok(all.filter((c) => c === 'close').length >= 3, `responses released their connection while others waited: ${all}`);
    await s.stop();
  });
});
