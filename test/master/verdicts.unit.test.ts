import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkIntervalMs, memoryDue, verdictFor } from '../../server/master/checks/verdicts.js';
import { REPORT_EVERY_MS } from '../../server/worker/settings.js';
import { pool, states } from './slots.js';

const MB = 1048576;
const limits = { harakiriS: 2, evilReloadOnRssMb: 500 };
const busySince = (at: number) => ({ inRequest: true, request: { at, method: 'GET', path: '/predict' } });

test('is this worker hung: in one request longer than harakiri plus the report interval', () => {
  const now = 100_000;
  const at = (ms: number) => verdictFor(pool(states.ready(11, busySince(now - ms)))[0]!, now, limits);
  assert.equal(at(2000 + REPORT_EVERY_MS), null, 'a saturated worker refreshes its request start only every REPORT_EVERY_MS');
  assert.deepEqual(at(2001 + REPORT_EVERY_MS), { action: 'harakiri', elapsedMs: 2001 + REPORT_EVERY_MS });
  const idle = pool(states.ready(11, { inRequest: false, request: { at: 0, method: 'GET', path: '/' } }))[0]!;
  assert.equal(verdictFor(idle, now, limits), null, 'a request start without a request in progress');
  assert.equal(verdictFor(pool(states.ready(11, busySince(0)))[0]!, now, { ...limits, harakiriS: 0 }), null, 'harakiri off');
  const leaving = pool(states.stopping(11, { reason: 'reload' }, busySince(0)))[0]!;
  assert.equal(verdictFor(leaving, now, limits)?.action, 'harakiri', 'a worker stopping for a reload can still hang');
  const killed = pool(states.stopping(11, { reason: 'harakiri' }, busySince(0)))[0]!;
  assert.equal(verdictFor(killed, now, limits), null, 'never twice');
});

test('evil-reload-on-rss: over the limit and not already leaving; harakiri comes first', () => {
  const now = 1000;
  const fat = { rss: 501 * MB };
  const loading = pool(states.loading(11, {}, fat))[0]!;
  assert.deepEqual(verdictFor(loading, now, limits), { action: 'kill-for-rss', detail: 'rss 501 MB > evil-reload-on-rss 500 MB' });
  assert.equal(verdictFor(pool(states.ready(11, { rss: 500 * MB }))[0]!, now, limits), null);
  assert.equal(verdictFor(pool(states.stopping(11, {}, fat))[0]!, now, limits), null);
  assert.equal(verdictFor(pool(states.ready(11, { ...fat, ...busySince(-5000) }))[0]!, now, limits)?.action, 'harakiri');
  assert.equal(verdictFor(pool(states.cheap())[0]!, now, limits), null, 'no process');
});

test('the check interval is cheaper-check-interval within 0.1-1 s; memory is read once a second', () => {
  assert.deepEqual([0.01, 0.1, 0.25, 1, 5].map(checkIntervalMs), [100, 100, 250, 1000, 1000]);
  assert.equal(memoryDue(0, 999), false);
  assert.equal(memoryDue(0, 1000), true);
});

test('accept = workers: a ready worker silent for harakiri plus the heartbeat has a blocked event loop', async () => {
  const { HEARTBEAT_MS } = await import('../../server/ipc/messages.js');
  const now = 100_000;
  const heard = (ms: number, phase: 'ready' | 'loading' = 'ready') =>
    verdictFor(pool((phase === 'ready' ? states.ready : states.loading)(11, { lastHeard: now - ms }))[0]!, now, { ...limits, heartbeat: true });
  assert.equal(heard(2000 + HEARTBEAT_MS), null, 'a tally may be a heartbeat late');
  assert.deepEqual(heard(2001 + HEARTBEAT_MS), { action: 'harakiri', elapsedMs: 2001 + HEARTBEAT_MS });
  assert.equal(heard(60_000, 'loading'), null, 'a loading worker reports nothing until it is ready');
  const quiet = pool(states.ready(11, { lastHeard: now - 60_000 }))[0]!;
  assert.equal(verdictFor(quiet, now, limits), null, 'accept = master: an idle worker says nothing, and that is fine');
});
