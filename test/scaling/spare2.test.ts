import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spare2, spare2Initial } from '../../server/scaling/spare2.js';
import { itReplays, params, replay, type Row, type Table } from './fixtures.js';

// keep cheaper = 2 idle workers; cheap a surplus after idle = 3 checks; step 5
const p = params({ cheaper: 2, idle: 3, step: 5 });

describe('spare2 (spec 3 pseudo-code)', () => {
  const tables: Table[] = [
    {
      name: 'fewer idle than cheaper: spawn the difference at once',
      rows: [
        { slots: 'BBBB....', expect: 'spawn 2' },
        { slots: 'BBBI....', expect: 'spawn 1' },
      ],
    },
    {
      name: 'the spawn is clamped by step and by free slots',
      rows: [{ slots: 'BBBB....', expect: 'spawn 1' }],
      p: params({ cheaper: 2, idle: 3, step: 1 }),
    },
    {
      name: 'free-slot clamp',
      rows: [
        { slots: 'BBBBBBB.', expect: 'spawn 1' },
        { slots: 'BBBBBBBB', expect: 'hold' },
      ],
    },
    {
      // tidepool's choice: a loading worker is idle within one model load; spawning for it again would overshoot.
      name: 'loading workers count toward the idle target on the spawn side',
      rows: [
        { slots: 'BBBB....', expect: 'spawn 2' },
        { slots: 'BBBBLL..', expect: 'hold' },
        { slots: 'BBBBLL..', expect: 'hold' },
        { slots: 'BBBBBL..', expect: 'spawn 1' }, // one took a request: one idle short again
      ],
    },
    {
      name: 'loading workers never count toward a surplus',
      rows: Array.from({ length: 5 }, () => ({ slots: 'BIILLL..', expect: 'hold' })),
    },
    {
      name: 'idle == cheaper: stable',
      rows: Array.from({ length: 5 }, () => ({ slots: 'BBII....', expect: 'hold' })),
    },
    {
      name: 'idle > cheaper for `cheaper-idle` checks: cheap one, then count again',
      rows: [
        { slots: 'BIIII...', expect: 'hold' },
        { slots: 'BIIII...', expect: 'hold' },
        { slots: 'BIIII...', expect: 'cheap' },
        { slots: 'BIII....', expect: 'hold' },
        { slots: 'BIII....', expect: 'hold' },
        { slots: 'BIII....', expect: 'cheap' },
        { slots: 'BII.....', expect: 'hold' },
      ],
    },
    {
      name: 'a check at the target interrupts the count',
      rows: [
        { slots: 'BIIII...', expect: 'hold' },
        { slots: 'BIIII...', expect: 'hold' },
        { slots: 'BBBII...', expect: 'hold' },
        { slots: 'BIIII...', expect: 'hold' },
        { slots: 'BIIII...', expect: 'hold' },
        { slots: 'BIIII...', expect: 'cheap' },
      ],
    },
  ];
  itReplays(spare2, spare2Initial, tables, p);

  it('an unapplied cheap keeps the count at the threshold, so the next check retries', () => {
    const rows: Row[] = Array.from({ length: 3 }, () => ({ slots: 'BIIII...', expect: '' }));
    const r = replay(spare2, spare2Initial, rows, p);
    const third = r.steps[2]!;
    assert.equal(third.decision.action, 'cheap');
    assert.equal(third.state.idleChecks, 0);
    assert.equal(third.unapplied.idleChecks, 3);
    assert.equal(replay(spare2, third.unapplied, [{ slots: 'BIIII...', expect: '' }], p).got[0], 'cheap');
  });

  it('says why in words', () => {
    const r = replay(spare2, spare2Initial, [{ slots: 'BBBL....', expect: '' }], p);
    assert.equal(r.steps[0]!.decision.reason, 'spare2: 0 idle workers and 1 loading, want 2');
  });
});
