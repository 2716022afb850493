import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { predictUrl } from '../../bench/target/target.js';
import { compareThroughput, crossCheck, parseWrkOutput, runWrk, wrkArgs } from '../../bench/wrkCrossCheck.js';
import { startServer, stopAll } from '../helpers/server.js';

after(stopAll);

const WRK_OUTPUT = `Running 5s test @ http://127.0.0.1:40233/predict?text=x
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    14.13ms   22.73ms 221.65ms   95.07%
    Req/Sec   800.88    241.44     1.60k    80.00%
  3999 requests in 5.02s, 0.93MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:    797.16
Transfer/sec:    189.95KB
`;

test('parseWrkOutput reads requests, duration, rate, errors and mean latency', () => {
  assert.deepEqual(parseWrkOutput(WRK_OUTPUT), {
    requests: 3999,
    durationS: 5.02,
    rps: 797.16,
    non2xx: 12,
    socketErrors: { connect: 0, read: 2, write: 0, timeout: 1 },
    latencyAvgMs: 14.13,
    latencyMs: null,
  });
  assert.equal(parseWrkOutput(WRK_OUTPUT.replace('5.02s', '1.50m')).durationS, 90);
  assert.throws(
    () => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'),
    /no "N requests in T" and "Requests\/sec:" lines:\nunable to connect/,
  );
});

test('parseWrkOutput reads the --latency distribution and the maximum, in ms whatever the unit', () => {
  const distribution = '  Latency Distribution\n     50%  389.00us\n     75%  780.00us\n     90%    1.51ms\n     99%   10.94ms\n';
  const withDistribution = WRK_OUTPUT.replace('  3999 requests', `${distribution}  3999 requests`);
  assert.deepEqual(parseWrkOutput(withDistribution).latencyMs, { p50: 0.389, p75: 0.78, p90: 1.51, p99: 10.94, max: 221.65 });
});

test('wrkArgs: one thread, the latency distribution, and Connection: close for one-shot rows', () => {
  assert.deepEqual(wrkArgs({ url: 'http://h:1/p', connections: 32, durationS: 5 }), ['-t1', '-c32', '-d5s', '--latency', '--timeout', '30s', 'http://h:1/p']);
  const oneShot = wrkArgs({ url: 'http://h:1/p', connections: 1, durationS: 1, oneShot: true, timeoutS: 2.4 });
  assert.deepEqual(oneShot, ['-t1', '-c1', '-d1s', '--latency', '--timeout', '2s', '-H', 'Connection: close', 'http://h:1/p']);
});

test('compareThroughput: the ratio and the 15 % band', () => {
  assert.deepEqual(compareThroughput(100, 110), { ratio: 1.1, agree: true });
  assert.equal(compareThroughput(100, 84).agree, false);
  assert.equal(compareThroughput(100, 115).agree, true);
  assert.equal(compareThroughput(0, 5).agree, false);
});

test('runWrk names a missing wrk and a bad duration', async () => {
  await assert.rejects(
    runWrk({ url: 'http://127.0.0.1:1/', connections: 1, durationS: 1, wrkPath: '/nonexistent/wrk' }),
    /wrk not found as "\/nonexistent\/wrk": install it/,
  );
  await assert.rejects(runWrk({ url: 'http://127.0.0.1:1/', connections: 1, durationS: 0.5 }), /whole number of seconds >= 1, got 0.5/);
});

test("wrk and the bench's own client agree within 15 % on the same tidepool server; autocannon gives a third figure", async () => {
  // The workers sleep 10 ms per request, so the server and not either client sets the pace.
  const server = await startServer({ args: ['--http', '127.0.0.1:0', '--workers', '1', '--cheaper', '0', '--simulate-latency', '10'] });
  const m = await server.waitForLog(/listening on (127\.0\.0\.1:\d+) \(HTTP\)/);
  const { check, runs } = await crossCheck({ url: predictUrl(`http://${m[1]}`, 'football'), connections: 4, durationS: 1, rounds: 2, warmupS: 0.3 });
  assert.equal(check.rounds.length, 2);
  assert.equal(runs.length, 2);
  assert.ok(check.wrk.requests > 30, `wrk: ${JSON.stringify(check.wrk)}`);
  assert.deepEqual(
    check.rounds.map((r) => r.harness.requests),
    runs.map((r) => r.responses.length),
  );
  assert.equal(check.harness.rps, Math.max(...check.rounds.map((r) => r.harness.rps)), 'the best harness round is compared');
  assert.equal(check.harness.errors, 0);
  assert.ok(
    check.rounds.every((r) => r.autocannon.requests > 0),
    'autocannon ran in every round',
  );
  assert.equal(check.autocannonRatio, check.autocannon.rps / check.wrk.rps);
  assert.ok(check.agree, `wrk ${check.wrk.rps.toFixed(1)} req/s vs harness ${check.harness.rps.toFixed(1)} req/s: ratio ${check.ratio.toFixed(3)}`);
});
