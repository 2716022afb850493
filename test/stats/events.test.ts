import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PoolEvent } from '../../core/stats/schema.js';
import { parsePoolEvent } from '../../core/stats/parseStats.js';
import { type RunningServer, startServer, stopAll } from '../helpers/server.js';
import { followEvents, readToEnd, splitHttp } from './statsClient.js';

let server: RunningServer;

before(async () => {
  server = await startServer({ args: ['--stats-http', '--workers', '2', '--cheaper', '0'] });
});
after(stopAll);

function assertSeqIncreasing(events: readonly PoolEvent[]): void {
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.seq > events[i - 1]!.seq, `seq ${events[i - 1]!.seq} then ${events[i]!.seq}`);
}

test('GET /events: the recent spawn and ready events first, then an exit and a respawn live after kill -9', async () => {
  const live = await followEvents(server.stats);
  try {
    for (const worker of [1, 2]) {
      await live.waitFor(`spawn of worker ${worker}`, (e) => e.type === 'spawn' && e.worker === worker && e.kind === 'initial');
      await live.waitFor(`ready of worker ${worker}`, (e) => e.type === 'ready' && e.worker === worker);
    }
    const victim = live.events.find((e) => e.type === 'spawn' && e.worker === 1)!.pid!;
    const before = live.events.length;
    process.kill(victim, 'SIGKILL');
    const exit = await live.waitFor('exit of the killed worker', (e) => e.type === 'exit' && e.pid === victim);
    assert.equal(exit.worker, 1);
    assert.equal(exit.kind, 'signal');
    assert.deepEqual(exit.detail, { reason: 'signal', code: -1, signal: 'SIGKILL' });
    const respawn = await live.waitFor('respawn', (e) => e.type === 'spawn' && e.worker === 1 && e.pid !== victim);
    assert.equal(respawn.kind, 'respawn');
    await live.waitFor('ready after the respawn', (e) => e.type === 'ready' && e.pid === respawn.pid);
    assert.ok(live.events.indexOf(exit) >= before, 'the exit came live, after the backlog');
    assertSeqIncreasing(live.events);
    for (const e of live.events) assert.deepEqual(parsePoolEvent(e, 'event stream'), e, 'each line reads back through the schema');

    // A reader arriving now gets the same history first.
    const late = await followEvents(server.stats);
    try {
      await late.waitFor('the history up to the respawn', (e) => e.type === 'ready' && e.pid === respawn.pid);
      assert.deepEqual(late.events.slice(0, live.events.length), live.events);
    } finally {
      late.close();
    }

    // The document carries the same recent events.
    const doc = JSON.parse(splitHttp(await readToEnd(server.stats, 'GET / HTTP/1.0\r\n\r\n')).body);
    assert.deepEqual(doc.tidepool.events.slice(0, live.events.length), live.events);
  } finally {
    live.close();
  }
});

test('a request for another path on the stats-http socket gets the document, not the stream', async () => {
  const answer = splitHttp(await readToEnd(server.stats, 'GET /events-not HTTP/1.0\r\n\r\n'));
  assert.equal(answer.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(answer.body).pid, server.pid);
});
