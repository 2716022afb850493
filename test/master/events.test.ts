import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolEvent } from '../../core/stats/schema.js';
import { parsePoolEvent } from '../../core/stats/parseStats.js';
import { PoolEvents } from '../../server/master/events.js';
import { setQuiet } from '../../server/log.js';

test('an event is written with its kind after its type, absent keys left out, and reads back through the schema', () => {
  setQuiet(true);
  const events = new PoolEvents(2);
  const live: PoolEvent[] = [];
  events.on('event', (e) => live.push(e));
  const spawn = events.record({ type: 'spawn', kind: 'respawn', reason: 'respawn after crash (exited with code 1)', worker: 1, pid: 9 });
  assert.deepEqual(Object.keys(spawn), ['seq', 'at', 'type', 'kind', 'reason', 'worker', 'pid']);
  const ready = events.record({ type: 'ready', reason: 'model loaded', worker: 1, pid: 9, detail: { load_ms: 5 } });
  assert.deepEqual(Object.keys(ready), ['seq', 'at', 'type', 'reason', 'worker', 'pid', 'detail'], 'a type without kinds has none');
  const reload = events.record({ type: 'reload', kind: 'chain-done', reason: 'chain reload complete' });
  assert.deepEqual([spawn.seq, ready.seq, reload.seq], [1, 2, 3]);
  assert.deepEqual(events.recent(), [ready, reload], 'the ring keeps the last stats-events');
  assert.deepEqual(live, [spawn, ready, reload], 'followers get every event');
  for (const e of live) assert.deepEqual(parsePoolEvent(JSON.parse(JSON.stringify(e))), e);
  setQuiet(false);
});
