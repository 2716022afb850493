import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyness, busynessInitial, busynessPercent, type BusynessState } from '../../server/scaling/busyness.js';
import { params, replay, type Row } from './fixtures.js';

// window (overload) 3 s, multiplier 10 (cheap at most every 30 s), penalty 2, max 50 %, min 25 %, cheaper 1
const p = params({ cheaper: 1, overload: 3, step: 1 });

/** One row per second from `from` to `to` (ms), all with the same pool. */
function seconds(from: number, to: number, row: Omit<Row, 'expect'>, expect: (t: number) => string = () => 'hold'): Row[] {
  const rows: Row[] = [];
  for (let t = from; t <= to; t += 1000) rows.push({ ...row, now: t, expect: expect(t) });
  return rows;
}

function run(rows: Row[], q = p, initial: BusynessState = busynessInitial) {
  return replay(busyness, initial, rows, q);
}

describe('busyness (spec 3 pseudo-code, timed by obs.now)', () => {
  it('a window percentage is busy time over the window, capped at 100, and 100 for one request longer than the window', () => {
    const table: [delta: number, windowMs: number, sawBusy: boolean, percent: number][] = [
      [0, 3000, false, 0],
      [1500, 3000, false, 50],
      [1500, 3000, true, 50],
      [2999, 3000, false, 99],
      [6000, 3000, false, 100],
      [0, 3000, true, 100],
    ];
    for (const [delta, windowMs, sawBusy, percent] of table) {
      assert.equal(busynessPercent(delta, windowMs, sawBusy), percent, `${delta} ms of ${windowMs} ms, seen busy ${sawBusy}`);
    }
  });

  it('average over the window > max spawns `step` at the window end, not before', () => {
    const rows: Row[] = [
      ...seconds(0, 2000, { slots: 'BBBI....' }),
      { slots: 'BBBI....', now: 3000, busyMs: { 1: 3000, 2: 3000, 3: 3000 }, expect: 'spawn 1' }, // 75 %
    ];
    const r = run(rows);
    assert.deepEqual(r.got, r.want);
    assert.match(r.steps[3]!.decision.reason, /3 s average busyness 75% > 50%/);
    assert.equal(r.states[3]!.windowStart, 3000);
  });

  it('the window is SECONDS: with a 0.1 s check interval it still closes at 3 s', () => {
    const rows: Row[] = [];
    for (let t = 0; t <= 3000; t += 100) rows.push({ slots: 'BBBB....', now: t, expect: t === 3000 ? 'spawn 1' : 'hold' });
    const r = run(rows, params({ cheaper: 1, overload: 3, checkIntervalMs: 100 }));
    assert.deepEqual(r.got, r.want);
  });

  it('workers seen busy in a window but finishing nothing count 100 % (one long request)', () => {
    // 4 workers, 2 stuck in long requests (busyMs unchanged), 2 idle: average 50 %, not > 50: no spawn, not idle either.
    const rows = seconds(0, 3000, { slots: 'BBII....' });
    const r = run(rows);
    assert.deepEqual(r.got, r.want);
    assert.match(r.steps[3]!.decision.reason, /average busyness 50% within 25-50%/);
  });

  it('average < min cheaps one worker at most every overload x multiplier seconds (30 s)', () => {
    const rows = seconds(0, 60000, { slots: 'BIIIIIII' }, (t) => (t === 30000 || t === 60000 ? 'cheap' : 'hold'));
    const r = run(rows);
    assert.deepEqual(r.got, r.want);
    assert.match(r.steps[27]!.decision.reason, /may cheap in 3 s/);
  });

  it('never cheaps at `cheaper` running workers, nor the only worker', () => {
    assert.ok(run(seconds(0, 40000, { slots: 'II......' }), params({ cheaper: 2, overload: 3 })).got.every((g) => g === 'hold'));
    assert.ok(run(seconds(0, 40000, { slots: 'I.......' }), params({ cheaper: 0, overload: 3 })).got.every((g) => g === 'hold'));
  });

  it('a spawn soon after a cheap grows the multiplier by the penalty, so the next cheap waits longer', () => {
    const rows: Row[] = [
      ...seconds(0, 30000, { slots: 'IIII....' }, (t) => (t === 30000 ? 'cheap' : 'hold')),
      ...seconds(31000, 32000, { slots: 'BBB.....' }),
      { slots: 'BBB.....', now: 33000, busyMs: { 1: 3000, 2: 3000, 3: 3000 }, expect: 'spawn 1' },
      // idle again: the next cheap is 33 + 3 x 12 = 69 s, not 33 + 30 = 63 s; the one after, 69 + 36 = 105 s
      ...seconds(34000, 105000, { slots: 'IIII....', busyMs: { 1: 3000, 2: 3000, 3: 3000 } }, (t) => (t === 69000 || t === 105000 ? 'cheap' : 'hold')),
    ];
    const r = run(rows);
    assert.deepEqual(r.got, r.want);
    const at = (t: number) => r.states[rows.findIndex((row) => row.now === t)]!;
    assert.equal(at(33000).multiplier, 12);
    assert.equal(at(69000).multiplier, 12); // a cheap after a spawn keeps it
    assert.equal(at(105000).multiplier, 11); // a cheap after a cheap takes one back, down to the configured 10
  });

  it('windows between min and max push the cheap timer back one window, and after 3 in a row restart it', () => {
    // one of 4 workers stuck in a long request: 25 %, not below min, not above max
    const rows = seconds(0, 9000, { slots: 'BIII....' });
    const r = run(rows);
    const nextCheap = r.states.map((s) => s.nextCheap);
    assert.equal(nextCheap[0], 30000);
    assert.equal(nextCheap[3], 33000); // window 1: +3 s
    assert.equal(nextCheap[6], 36000); // window 2: +3 s
    assert.equal(nextCheap[9], 9000 + 30000); // window 3: restarted from now
    assert.deepEqual(
      r.states.map((s) => s.tolerance).filter((_, i) => i % 3 === 0),
      [0, 1, 2, 3],
    );
  });

  it('between windows, a queue > backlog-alert spawns backlog-step emergency workers every check', () => {
    const rows: Row[] = [
      { slots: 'BBBB....', now: 0, queue: 34, expect: 'spawn 1' },
      { slots: 'BBBBL...', now: 1000, queue: 35, expect: 'spawn 1' }, // 34 unclaimed > 33
      { slots: 'BBBBLL..', now: 2000, queue: 35, expect: 'hold' }, // 33 unclaimed: no
    ];
    const r = run(rows);
    assert.deepEqual(r.got, r.want);
    assert.equal(r.states[1]!.emergencyWorkers, 2);
    assert.match(r.steps[0]!.decision.reason, /34 requests waiting > 33: emergency spawn/);
  });

  it('backlog-step 0 (tidepool) spawns one worker per unclaimed waiting request', () => {
    const q = params({ cheaper: 1, overload: 3, backlogAlert: 0, backlogStep: 0 });
    const rows: Row[] = [
      { slots: 'BB......', now: 0, queue: 5, expect: 'spawn 5' },
      { slots: 'BBLLLLL.', now: 100, queue: 5, expect: 'hold' },
      { slots: 'BBLLLLL.', now: 200, queue: 7, expect: 'spawn 1' }, // 2 unclaimed, 1 free slot
    ];
    const r = run(rows, q);
    assert.deepEqual(r.got, r.want);
  });

  it('an emergency spawn resets the multiplier and, with emergency workers running, cheaps every 3 windows', () => {
    const start: BusynessState = { ...run([{ slots: 'IIII....', now: 0, expect: '' }]).states[0]!, multiplier: 14 };
    const rows: Row[] = [
      { slots: 'BBBB....', now: 1000, queue: 34, expect: 'spawn 1' }, // next cheap 1 + 30 s (no emergency worker yet)
      { slots: 'BBBBB...', now: 2000, queue: 34, expect: 'spawn 1' }, // next cheap 2 + 9 s
      // the busy workers each finished a short request: the first window is idle, not stuck
      ...seconds(3000, 12000, { slots: 'IIIIII..', busyMs: { 1: 100, 2: 100, 3: 100, 4: 100 } }, (t) => (t === 12000 ? 'cheap' : 'hold')),
    ];
    const r = run(rows, p, start);
    assert.deepEqual(r.got, r.want);
    assert.equal(r.states[0]!.multiplier, 10);
    assert.equal(r.states[0]!.nextCheap, 31000);
    assert.equal(r.states[1]!.nextCheap, 11000);
    assert.equal(r.states.at(-1)!.emergencyWorkers, 1);
    assert.equal(r.states.at(-1)!.nextCheap, 12000 + 9000);
  });

  it('a queue non-empty for backlog-nonzero seconds spawns, then the timer starts over', () => {
    const rows: Row[] = [
      { slots: 'BBBB....', now: 500, queue: 1, expect: 'hold' }, // timer starts
      { slots: 'BBBB....', now: 60400, queue: 2, expect: 'hold' },
      { slots: 'BBBB....', now: 60500, queue: 2, expect: 'spawn 1' },
      { slots: 'BBBBL...', now: 60600, queue: 2, expect: 'hold' }, // 1 unclaimed, timer from 60.5 s
      { slots: 'BBBBL...', now: 60700, queue: 0, expect: 'hold' },
    ];
    const r = run(rows, params({ cheaper: 1, overload: 1000 }));
    assert.deepEqual(r.got, r.want);
    assert.equal(r.states[0]!.nonzeroSince, 500);
    assert.equal(r.states[3]!.nonzeroSince, 60500);
    assert.equal(r.states[4]!.nonzeroSince, null);
  });

  it('an unapplied cheap keeps the timer, so the next window end retries', () => {
    const r = run(seconds(0, 30000, { slots: 'IIII....' }));
    const last = r.steps.at(-1)!;
    assert.equal(last.decision.action, 'cheap');
    assert.equal(last.unapplied.lastAction, 'none');
    assert.equal(last.unapplied.nextCheap, 30000);
    assert.equal(last.unapplied.windowStart, 30000); // the window moves on either way
    const retry = run(seconds(31000, 33000, { slots: 'IIII....' }), p, last.unapplied);
    assert.deepEqual(retry.got, ['hold', 'hold', 'cheap']);
  });

  it('an unapplied nonzero spawn keeps the timer running', () => {
    const q = params({ cheaper: 1, overload: 1000 });
    const r = run(
      [
        { slots: 'BBBB....', now: 0, queue: 1, expect: '' },
        { slots: 'BBBB....', now: 60000, queue: 1, expect: '' },
      ],
      q,
    );
    const step = r.steps[1]!;
    assert.equal(step.decision.action, 'spawn');
    assert.equal(step.unapplied.nonzeroSince, 0);
    assert.equal(step.state.nonzeroSince, 60000);
  });
});
