import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { StatsSampler } from '../../bench/run/statsSampler.js';
import type { ScalingEvent, StatsSample } from '../../bench/run/types.js';
import { fixture, startStatsServer, type StatsServer } from '../tui/helpers/statsServer.js';

const servers: StatsServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a uWSGI server: samples from its documents, spawns and cheaps derived from successive ones', async () => {
  const server = await startStatsServer(fixture('idle'));
  servers.push(server);
  const sampler = new StatsSampler(server.address, Date.now(), 50);
  const samples: StatsSample[] = [];
  const events: ScalingEvent[] = [];
  sampler.on('sample', (s) => samples.push(s));
  sampler.on('scaling', (e) => events.push(e));
  await sampler.start();
  await sleep(120);
  server.setDocument(fixture('busy'));
  await sleep(120);
  server.setDocument(fixture('after-cheaping'));
  await sleep(120);
  await sampler.stop();

  assert.equal(sampler.kind, 'uwsgi');
  assert.deepEqual(sampler.errorLines(), []);
  assert.deepEqual(
    { ...samples[0]!, at: 0 },
    { at: 0, slots: 50, running: 5, ready: 5, busy: 0, idle: 5, cheap: 45, queue: 0, requests: samples[0]!.requests },
  );
  const busy = samples.find((s) => s.busy > 0)!;
  assert.equal(busy.busy, 14);
  assert.equal(samples[samples.length - 1]!.running, 5);
  const spawns = events.filter((e) => e.type === 'spawn');
  assert.ok(spawns.length >= 9, `slots 6..14 spawned between idle and busy, got ${spawns.length}`);
  assert.ok(events.every((e) => e.source === 'derived'));
  assert.ok(
    events.some((e) => e.type === 'cheap-done'),
    'the cheaped workers are seen leaving',
  );
  // uWSGI dates spawns in whole seconds (these documents are hours old): each spawn is dated
  // no earlier than the read before the one that showed it.
  const readTimes = new Set(samples.map((s) => s.at));
  assert.ok(
    spawns.every((e) => readTimes.has(e.at)),
    `spawn times ${spawns.map((e) => e.at)} vs reads ${[...readTimes]}`,
  );
  assert.ok(sampler.pids.has(7566), 'worker pids are remembered for cleanup');
});

test('an unreachable stats socket: errors counted per message, no samples, no crash', async () => {
  const sampler = new StatsSampler('/nonexistent/tidepool-bench/stats.sock', Date.now(), 30);
  await sampler.start();
  await sleep(100);
  await sampler.stop();
  assert.equal(sampler.kind, 'none');
  const lines = sampler.errorLines();
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /no such socket file.*\(x\d+\)$/);
});
