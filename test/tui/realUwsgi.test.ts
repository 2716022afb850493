/**
 * The dashboard's model against a real uWSGI 2.0.21 (Debian's), not a fixture: the classic
 * cheaper setup (spare, 1 to 4 workers) under a blocking load and then quiet. uWSGI publishes
 * no events, so spawns and cheaps must be derived by comparing successive polls.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Dashboard } from '../../tui/model/dashboard.js';
import { plainFrame } from '../../tui/batch/plainFrame.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { request } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { waitFor } from '../helpers/server.js';
import { startUwsgi, stopAllUwsgi, uwsgiMissing } from '../helpers/uwsgi.js';
import { fixture } from './helpers/statsServer.js';

after(stopAllUwsgi);

const missing = uwsgiMissing();

test('a live uWSGI pool scaling up and down: the dashboard reads every poll, derives spawn and cheap events, counts every request', {
  skip: missing ?? false,
}, async () => {
  const uwsgi = await startUwsgi({ workers: 4, cheaper: 1, cheaperInitial: 1, algo: 'spare', serviceMs: 300, extra: ['--cheaper-overload', '1'] });
  const dashboard = new Dashboard([uwsgi.stats]);
  let polling = true;
  let polls = 0;
  const poller = (async () => {
    while (polling) {
      const at = Date.now();
      dashboard.addSample(0, await fetchStats(uwsgi.stats), at);
      dashboard.endRound(at);
      polls++;
      await sleep(200);
    }
  })();
  const counts = () => dashboard.totals();
  await waitFor('the first poll', () => polls > 0, 5000);
  const first = dashboard.hosts[0]!.snapshot!;
  assert.equal(first.isTidepool, false);
  assert.match(first.stats.version, /^2\.0\.21/);
  assert.equal(first.counts.slots, 4);
  assert.equal(first.counts.running, 1, 'cheaper-initial 1');
  const liveKeys = Object.keys(first.stats).sort();
  assert.deepEqual(liveKeys, Object.keys(JSON.parse(fixture('idle'))).sort(), "a live document has the fixtures' top-level keys");

  // Four clients, each one blocking request at a time: spare adds a worker per busy check.
  const port = Number(new URL(uwsgi.url).port);
  const load = runLoad((i) => request({ host: '127.0.0.1', port }, `/predict?text=u${i}`, { timeoutMs: 20_000 }).then((r) => r.status), 4, 60_000);
  await waitFor('uWSGI to scale to 3 or more workers', () => counts().running >= 3, 20_000);
  const result = await load.stop();
  assert.deepEqual(result.failed, []);
  await waitFor('uWSGI to cheap back towards 1 worker', () => dashboard.events.entries().some((e) => e.type === 'cheap-done'), 30_000);
  await sleep(300);
  polling = false;
  await poller;

  const events = dashboard.events.entries();
  const spawned = new Set(events.filter((e) => e.type === 'spawn').map((e) => e.worker));
  assert.ok(spawned.size >= 2, `spawns derived for at least two slots: ${JSON.stringify(events)}`);
  assert.ok(
    events.filter((e) => e.type === 'spawn').every((e) => /spawned/.test(e.reason) && (e.pid ?? 0) > 0),
    'each spawn names its pid',
  );
  assert.ok(events.some((e) => e.type === 'cheap-done' && /cheaped: pid \d+ stopped by the scaler/.test(e.reason)));
  assert.equal(counts().requests, result.ok, 'the pool counted exactly the requests the clients had answered');
  assert.ok(
    dashboard.history.last(dashboard.history.length).some((p) => (p.rps ?? 0) > 0),
    'the RPS history saw the load',
  );
  assert.ok(
    dashboard.history.last(dashboard.history.length).some((p) => p.busy >= 3),
    'the busy history saw three busy workers',
  );

  const frame = plainFrame(dashboard, Date.now()).split('\n');
  assert.match(frame[0]!, /^uWSGI 2\.0\.21\S* - master \d+ - /);
  assert.match(frame[2]!, /scaling not reported: events are read from changes between polls/);
  await uwsgi.stop();
});
