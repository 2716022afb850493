import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UwsgiStats } from '../../core/stats/schema.js';
import { parseStats } from '../../core/stats/parseStats.js';
import { Dashboard } from '../../tui/model/dashboard.js';
import { computeRates } from '../../tui/model/rates.js';
import { fixture } from './helpers/statsServer.js';

const stats = (name: 'idle' | 'busy' | 'after-cheaping'): UwsgiStats => parseStats(fixture(name)).stats;

test('RPS is the request delta over the real elapsed time, per slot and in total', () => {
  const rates = computeRates({ atMs: 10_000, stats: stats('idle') }, { atMs: 12_000, stats: stats('busy') });
  assert.ok(rates);
  assert.equal(rates.elapsedMs, 2000);
  // idle: 1 request in all; busy: 47. Over 2 s: 23 req/s.
  assert.equal(rates.totalRps, 23);
  assert.equal(rates.workerRps[3], 3); // slot 4: 1 -> 7 requests
  assert.equal(rates.workerRps[0], 2.5); // slot 1: 0 -> 5
  assert.equal(rates.workerRps[20], 0); // a cheap slot
});

test('a restarted master (another pid) or no elapsed time gives no rates, not a huge first value', () => {
  const a = stats('idle');
  const b = { ...stats('busy'), pid: 99 };
  assert.equal(computeRates({ atMs: 0, stats: a }, { atMs: 1000, stats: b }), null);
  assert.equal(computeRates({ atMs: 1000, stats: a }, { atMs: 1000, stats: a }), null);
});

test('a counter that went back (a lost slot history) is unknown, not negative', () => {
  const before = stats('busy');
  const after = structuredClone(before);
  after.workers[0]!.requests = 1;
  const rates = computeRates({ atMs: 0, stats: before }, { atMs: 1000, stats: after });
  assert.equal(rates?.workerRps[0], null);
  assert.equal(rates?.totalRps, 0);
});

test('busy share: running_time growth over the interval; a worker stuck in one request is 100 %', () => {
  const before = stats('busy');
  const after = structuredClone(before);
  after.workers[0]!.running_time += 250_000; // 250 ms in requests during 1 s
  after.workers[1]!.status = 'idle';
  after.workers[1]!.running_time += 1_000_000;
  const rates = computeRates({ atMs: 0, stats: before }, { atMs: 1000, stats: after });
  assert.equal(rates?.busy[0], 0.25);
  assert.equal(rates?.busy[1], 1);
  assert.equal(rates?.busy[2], 1, 'busy at both samples with no finished request');
  assert.equal(rates?.busy[30], null, 'a cheap slot has no busy share');
});

test('the dashboard shows RPS only from its second sample', () => {
  const d = new Dashboard(['a.sock']);
  d.addSample(0, parseStats(fixture('idle')), 1000);
  assert.equal(d.totals().rps, null);
  assert.equal(d.hosts[0]!.rates, null);
  d.addSample(0, parseStats(fixture('busy')), 3000);
  assert.equal(d.totals().rps, 23);
});
