import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spare, spareInitial, type SpareState } from '../../server/scaling/spare.js';
import { itReplays, params, pool, replay, type Table } from './fixtures.js';

// cheaper 2, overload 3 checks, step 2; slots: B busy, I idle, L loading, . free
const p = params({ cheaper: 2, overload: 3, step: 2 });

describe('spare (spec 3 pseudo-code)', () => {
  const tables: Table[] = [
    {
      name: 'spawns `step` on the 3rd all-busy check (uWSGI 2.1 `>=`, 2.0 would wait a 4th)',
      rows: [
        { slots: 'BBB...', expect: 'hold' },
        { slots: 'BBB...', expect: 'hold' },
        { slots: 'BBB...', expect: 'spawn 2' },
        { slots: 'BBBBB.', expect: 'hold' }, // overload starts over after a spawn
      ],
    },
    {
      name: 'a check with a free worker takes one back from the overload count',
      rows: [
        { slots: 'BBB...', expect: 'hold' }, // 1
        { slots: 'BBB...', expect: 'hold' }, // 2
        { slots: 'BBI...', expect: 'hold' }, // 1
        { slots: 'BBB...', expect: 'hold' }, // 2
        { slots: 'BBB...', expect: 'spawn 2' }, // 3
      ],
    },
    {
      name: 'exactly one idle worker is the stable state: nothing is counted, nothing cheaped',
      rows: Array.from({ length: 7 }, () => ({ slots: 'BBBI..', expect: 'hold' })),
    },
    {
      name: 'with more than one idle, cheaps every `overload` idle checks while running > cheaper',
      rows: [
        { slots: 'BIII..', expect: 'hold' },
        { slots: 'BIII..', expect: 'hold' },
        { slots: 'BIII..', expect: 'cheap' },
        { slots: 'BII...', expect: 'hold' },
        { slots: 'BII...', expect: 'hold' },
        { slots: 'BII...', expect: 'cheap' },
        { slots: 'BI....', expect: 'hold' }, // one idle: stable
      ],
    },
    {
      name: 'never cheaps at `cheaper` running workers',
      rows: Array.from({ length: 6 }, () => ({ slots: 'II....', expect: 'hold' })),
    },
    {
      name: 'an all-busy check resets the idle count',
      rows: [
        { slots: 'BIII..', expect: 'hold' },
        { slots: 'BIII..', expect: 'hold' },
        { slots: 'BBBB..', expect: 'hold' }, // overload 1, idle checks 0
        { slots: 'BIII..', expect: 'hold' }, // overload back to 0 and, in the same check, idle 1
        { slots: 'BIII..', expect: 'hold' }, // idle 2
        { slots: 'BIII..', expect: 'cheap' }, // idle 3
      ],
    },
    {
      name: 'spawn count is clamped to free slots, and at max the overload still starts over',
      rows: [
        { slots: 'BBBBB.', expect: 'hold' },
        { slots: 'BBBBB.', expect: 'hold' },
        { slots: 'BBBBB.', expect: 'spawn 1' },
        { slots: 'BBBBBB', expect: 'hold' },
        { slots: 'BBBBBB', expect: 'hold' },
        { slots: 'BBBBBB', expect: 'hold' },
      ],
    },
    {
      name: 'no running worker at all counts as every worker busy: spawn',
      rows: [
        { slots: '......', expect: 'hold' },
        { slots: '......', expect: 'hold' },
        { slots: '......', expect: 'spawn 2' },
      ],
    },
    {
      // tidepool's choice: a loading worker is ordered capacity, neither busy nor idle; spare judges nothing until it is ready.
      name: 'while a spawned worker loads, spare neither counts toward a spawn nor cheaps',
      rows: [
        { slots: 'BBB...', expect: 'hold' },
        { slots: 'BBB...', expect: 'hold' },
        { slots: 'BBB...', expect: 'spawn 2' },
        { slots: 'BBBLL.', expect: 'hold' },
        { slots: 'BBBLL.', expect: 'hold' },
        { slots: 'BBBLL.', expect: 'hold' }, // uWSGI counting loading as busy would spawn again here
        { slots: 'BBBBB.', expect: 'hold' }, // ready and busy: counting starts over from 0
        { slots: 'BBBBB.', expect: 'hold' },
        { slots: 'BBBBB.', expect: 'spawn 1' },
      ],
    },
    {
      name: 'a loading worker blocks cheaping too',
      rows: [
        { slots: 'IIIL..', expect: 'hold' },
        { slots: 'IIIL..', expect: 'hold' },
        { slots: 'IIIL..', expect: 'hold' },
        { slots: 'IIII..', expect: 'hold' },
      ],
    },
  ];
  itReplays(spare, spareInitial, tables, p);

  it('a loading worker leaves the counters exactly as they were', () => {
    const before: SpareState = { algo: 'spare', overload: 2, idleChecks: 0 };
    const step = spare(before, pool('BBL...'), p);
    assert.equal(step.state, before);
    assert.match(step.decision.reason, /1 loading worker/);
  });

  it('an unapplied spawn keeps the overload count, so spare spawns as soon as it may', () => {
    const step = spare({ algo: 'spare', overload: 2, idleChecks: 0 }, pool('BBB...'), p);
    assert.equal(step.decision.action, 'spawn');
    assert.equal(step.state.overload, 0);
    assert.equal(step.unapplied.overload, 3);
    assert.equal(spare(step.unapplied, pool('BBB...'), p).decision.action, 'spawn');
  });

  it('an unapplied cheap is retried on the very next check', () => {
    const step = spare({ algo: 'spare', overload: 0, idleChecks: 2 }, pool('BIII..'), p);
    assert.equal(step.decision.action, 'cheap');
    assert.equal(spare(step.unapplied, pool('BIII..'), p).decision.action, 'cheap');
    assert.equal(spare(step.state, pool('BIII..'), p).decision.action, 'hold');
  });

  it('says why in words', () => {
    const r = replay(
      spare,
      spareInitial,
      Array.from({ length: 3 }, () => ({ slots: 'BBBBB.....', expect: '' })),
      params({ overload: 3, step: 3 }),
    );
    assert.equal(r.steps[2]!.decision.reason, 'spare: all 5 workers busy for 3 checks');
  });
});
