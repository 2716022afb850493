import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { LoadRun } from '../../bench/run/loadRun.js';
import { listen } from './localServer.js';
import type { SecondSample } from '../../bench/run/types.js';

const servers: http.Server[] = [];
after(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));

/** Answers after `ms`, counting the requests in progress at once. */
async function slowServer(ms: number) {
  const state = { inProgress: 0, peak: 0, served: 0 };
  const server = http.createServer((_req, res) => {
    state.peak = Math.max(state.peak, ++state.inProgress);
    setTimeout(() => {
      state.inProgress--;
      state.served++;
      res.end('{}');
    }, ms);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict?text=x`, state };
}

test('a ramp adds connections per phase, a quiet phase stops them; every event is emitted', async () => {
  const { url, state } = await slowServer(50);
  const run = new LoadRun({
    name: 'ramp',
    url,
    timeoutS: 5,
    phases: [
      { kind: 'closed', label: '2 clients', connections: 2, durationMs: 600 },
      { kind: 'closed', label: '5 clients', connections: 5, durationMs: 600 },
      { kind: 'quiet', label: 'quiet', durationMs: 500 },
    ],
  });
  const seen = { start: 0, phase: [] as number[], response: 0, tick: [] as SecondSample[], done: 0 };
  run.on('start', () => seen.start++);
  run.on('phase', (p) => seen.phase.push(p.index));
  run.on('response', () => seen.response++);
  run.on('tick', (t) => seen.tick.push(t));
  run.on('done', () => seen.done++);
  const result = await run.run();

  assert.equal(seen.start, 1);
  assert.deepEqual(seen.phase, [0, 1, 2]);
  assert.equal(seen.done, 1);
  assert.equal(seen.response, result.responses.length);
  assert.deepEqual(
    seen.tick.map((t) => t.t),
    result.seconds.map((s) => s.t),
    'one tick per second of the run',
  );
  assert.equal(state.peak, 5, 'never more requests at once than the connections of the phase');
  const [two, five, quiet] = [0, 1, 2].map((i) => result.responses.filter((r) => r.phase === i).length);
  assert.ok(two! >= 10 && five! > two!, `2 clients: ${two}, 5 clients: ${five}`);
  assert.equal(quiet, 0, 'nothing answered in the quiet phase: the clients left at its start');
  assert.equal(result.phases[1]!.cancelled, 5, 'the 5 requests in flight when the step ended are charged to the step');
  assert.equal(result.phases[1]!.sent, five! + 5);
  assert.equal(state.served, result.responses.length + 5, 'the server finished the cancelled requests too');
  assert.equal(result.statsSource, 'none');
  assert.equal(result.samples.length, 0);
});

test('a burst is N one-shot requests at once; the phase ends when all are answered', async () => {
  // The server answers once all seven are in, or after 3 s: requests sent one after another
  // would each wait the 3 s, while a burst is answered as soon as its last request arrives
  // (however loaded the machine is).
  let inProgress = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  const url = await listen((_req, res) => {
    peak = Math.max(peak, ++inProgress);
    waiting.push(() => res.end('{}'));
    const release = () => waiting.splice(0).forEach((answer) => answer());
    if (inProgress === 7) release();
    else setTimeout(release, 3000);
  });
  const result = await new LoadRun({ name: 'burst', url, timeoutS: 10, phases: [{ kind: 'burst', label: 'burst', requests: 7 }] }).run();
  assert.equal(result.responses.length, 7);
  assert.equal(peak, 7, 'all seven at once');
  assert.ok(result.durationMs < 2500, `answered when the seventh arrived, not after a 3 s wait: ${result.durationMs} ms`);
});

test('Ctrl-C (the abort signal) ends the current phase and skips the rest', async () => {
  const { url } = await slowServer(20);
  const controller = new AbortController();
  const run = new LoadRun({
    name: 'aborted',
    url,
    timeoutS: 5,
    signal: controller.signal,
    phases: [
      { kind: 'closed', label: 'long', connections: 2, durationMs: 60000 },
      { kind: 'quiet', label: 'never', durationMs: 60000 },
    ],
  });
  setTimeout(() => controller.abort(), 300);
  const result = await run.run();
  assert.equal(result.aborted, true);
  assert.equal(result.phases.length, 1);
  assert.ok(result.durationMs < 5000, `stopped promptly: ${result.durationMs} ms`);
});

test('phases are validated before anything starts', () => {
  assert.throws(
    () => new LoadRun({ name: 'bad', url: 'http://127.0.0.1:1/', timeoutS: 1, phases: [{ kind: 'closed', label: 'none', connections: 0, durationMs: 100 }] }),
    /phase "none": expected a whole number of connections >= 1, got 0/,
  );
});
