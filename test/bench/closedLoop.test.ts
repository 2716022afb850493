import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listen } from './localServer.js';
import { startClosedLoop, type Answer } from '../../bench/load/closedLoop.js';


test('regression: behind `Connection: close`, latencies stay one service time (autocannon grew them by one per reconnect)', async () => {
  // tidepool answers `Connection: close` while requests wait for a worker. Unpatched, autocannon
  // kept the request it had written to the closing connection in its queue, so 100 ms answers
  // read 100, 200, 300, ... ms.
  let served = 0;
  const url = await listen((_req, res) => {
    setTimeout(() => {
      served++;
      res.writeHead(200, { Connection: 'close', 'X-Tidepool-Worker': '7', 'Content-Length': 2 });
      res.end('{}');
    }, 100);
  });
  const answers: Answer[] = [];
  const group = startClosedLoop({ url, connections: 1, timeoutS: 10 }, { answer: (a) => answers.push(a), failure: (m) => assert.fail(m) });
  await new Promise((r) => setTimeout(r, 1250));
  const counts = await group.stop();
  assert.ok(answers.length >= 6, `got ${answers.length} answers`);
  const latencies = answers.map((a) => Math.round(a.latencyMs));
  assert.ok(Math.max(...latencies) < 400, `latencies must not grow per reconnect: ${latencies.join(', ')} ms`);
  assert.ok(Math.min(...latencies) >= 99, `a 100 ms answer cannot take less: ${latencies.join(', ')} ms`);
  assert.ok(answers.every((a) => a.worker === '7' && a.status === 200));
  assert.equal(counts.completed, answers.length);
  assert.equal(counts.cancelled, 1, 'the one request in flight at stop() is cancelled');
  assert.ok(served >= answers.length, 'the server saw every answered request');
});

test('amount: one request per connection, then the group ends by itself', async () => {
  const url = await listen((_req, res) => setTimeout(() => res.end('{}'), 50));
  const answers: Answer[] = [];
  const group = startClosedLoop({ url, connections: 5, amount: 5, timeoutS: 10 }, { answer: (a) => answers.push(a), failure: (m) => assert.fail(m) });
  const counts = await group.done;
  assert.equal(answers.length, 5);
  assert.deepEqual(counts, { completed: 5, failed: 0, cancelled: 0 });
  assert.ok(answers.every((a) => a.worker === null), 'no X-Tidepool-Worker header: null, not a guess');
});

test('timeouts are failures, named', async () => {
  const url = await listen(() => {});
  const failures: string[] = [];
  // autocannon counts timeouts in whole seconds, 1 at least.
  const group = startClosedLoop({ url, connections: 1, timeoutS: 1 }, { answer: () => assert.fail('no answer expected'), failure: (m) => failures.push(m) });
  await new Promise((r) => setTimeout(r, 1500));
  const counts = await group.stop();
  assert.ok(failures.length >= 1, `got ${failures.length}`);
  assert.match(failures[0]!, /timed out/);
  assert.equal(counts.failed, failures.length);
});
