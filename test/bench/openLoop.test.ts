import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listen } from './localServer.js';
import { latencyStats } from '../../bench/analysis/percentiles.js';
import type { Answer } from '../../bench/load/types.js';
import { dueAt, dueCount, openLoopLatency, startOpenLoop } from '../../bench/load/openLoop.js';

test('the schedule does not bend: request i is due at i / rate', () => {
  assert.equal(dueAt(0, 100), 0);
  assert.equal(dueAt(150, 100), 1500);
  assert.equal(dueCount(-1, 100), 0);
  assert.equal(dueCount(0, 100), 1);
  assert.equal(dueCount(9.99, 100), 1);
  assert.equal(dueCount(10, 100), 2);
  // A timer that fires 500 ms late finds 50 more requests due at once, each with its own due time.
  assert.equal(dueCount(1500, 100) - dueCount(1000, 100), 50);
});

test('open-loop latency counts from the due time; service time from the send', () => {
  assert.deepEqual(openLoopLatency(1000, 1400, 1410), { latencyMs: 410, serviceMs: 10 });
});

test('a stall is charged to the requests that were due during it (coordinated omission corrected)', async () => {
  // Answers at once, except request 10 which stalls 600 ms. One connection: like one closed-loop
  // client, the sender cannot send while it waits.
  let n = 0;
  const url = await listen((_req, res) => {
    const delay = ++n === 10 ? 600 : 0;
    setTimeout(() => res.end('{}'), delay);
  });
  const answers: Answer[] = [];
  const load = startOpenLoop({ url, rate: 100, timeoutS: 5, maxSockets: 1 }, { answer: (a) => answers.push(a), failure: (m) => assert.fail(m) });
  await new Promise((r) => setTimeout(r, 1500));
  const counts = await load.stop();
  assert.equal(counts.failed, 0);
  assert.equal(counts.completed, answers.length);
  assert.ok(answers.length >= 140, `about 150 requests in 1.5 s at 100/s, got ${answers.length}`);
  const corrected = latencyStats(answers.map((a) => a.latencyMs))!;
  const uncorrected = latencyStats(answers.map((a) => a.serviceMs!))!;
  // About 60 requests fell due during the stall and waited for it: well over 1 % of them.
  assert.ok(corrected.p90 >= 200, `corrected p90 ${corrected.p90} ms should show the wait`);
  assert.ok(corrected.max >= 550, `corrected max ${corrected.max} ms`);
  // Counted from the send, only the stalled request itself is slow: the omission a closed loop makes.
  assert.ok(uncorrected.p90 < corrected.p90 / 4, `uncorrected p90 ${uncorrected.p90} ms vs corrected ${corrected.p90} ms`);
});

test('answers carry status and the worker header; connections the server closes are replaced', async () => {
  let n = 0;
  const url = await listen((_req, res) => {
    n++;
    res.writeHead(n % 3 === 0 ? 503 : 200, { 'X-Tidepool-Worker': String(n % 2), Connection: n % 2 ? 'close' : 'keep-alive' });
    res.end('{}');
  });
  const answers: Answer[] = [];
  const load = startOpenLoop({ url, rate: 50, timeoutS: 5 }, { answer: (a) => answers.push(a), failure: (m) => assert.fail(m) });
  await new Promise((r) => setTimeout(r, 400));
  await load.stop();
  assert.ok(answers.length >= 15, `got ${answers.length}`);
  assert.ok(answers.some((a) => a.status === 503) && answers.some((a) => a.status === 200));
  assert.deepEqual(new Set(answers.map((a) => a.worker)), new Set(['0', '1']));
});

test('a server that never answers: the request fails at the timeout, not silently', async () => {
  const url = await listen(() => {});
  const failures: string[] = [];
  const load = startOpenLoop({ url, rate: 2, timeoutS: 0.3 }, { answer: () => assert.fail('no answer expected'), failure: (m) => failures.push(m) });
  await new Promise((r) => setTimeout(r, 800));
  const counts = await load.stop();
  assert.ok(failures.length >= 1, 'at least the first request timed out');
  assert.match(failures[0]!, /timed out after 0.3 s/);
  assert.equal(counts.failed, failures.length);
});
