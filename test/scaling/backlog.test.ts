import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backlog, backlogInitial } from '../../server/scaling/backlog.js';
import { itReplays, params, replay, type Table } from './fixtures.js';

// overload 3 (queue length), step 2, cheaper 2
const p = params({ cheaper: 2, overload: 3, step: 2 });

describe('backlog (spec 3 pseudo-code, on the exact queue)', () => {
  const tables: Table[] = [
    {
      name: 'queue > overload spawns step; == overload holds; < overload cheaps every check above cheaper',
      rows: [
        { slots: 'BBBB....', queue: 4, expect: 'spawn 2' },
        { slots: 'BBBB....', queue: 3, expect: 'hold' },
        { slots: 'BBBI....', queue: 2, expect: 'cheap' },
        { slots: 'BBI.....', queue: 0, expect: 'cheap' },
        { slots: 'BI......', queue: 0, expect: 'hold' }, // 2 running = cheaper
      ],
    },
    {
      name: 'free-slot clamp',
      rows: [
        { slots: 'BBBBBBB.', queue: 9, expect: 'spawn 1' },
        { slots: 'BBBBBBBB', queue: 9, expect: 'hold' },
      ],
    },
    {
      // tidepool's choice: each loading worker will take one waiting request; only the rest is unmet demand.
      name: 'loading workers claim waiting requests: no second spawn for the same queue',
      rows: [
        { slots: 'BBBB....', queue: 6, expect: 'spawn 2' },
        { slots: 'BBBBLL..', queue: 6, expect: 'spawn 2' }, // 4 unclaimed > 3
        { slots: 'BBBBLLLL', queue: 6, expect: 'hold' },
        { slots: 'BBBBLL..', queue: 5, expect: 'hold' }, // 3 unclaimed, not > 3
      ],
    },
    {
      name: 'cheaper-step 0 (tidepool): spawn one worker per unclaimed waiting request, clamped to free slots',
      rows: [
        { slots: 'BB........', queue: 5, expect: 'spawn 5' },
        { slots: 'BBLLLLL...', queue: 5, expect: 'hold' },
        { slots: 'BBLL......', queue: 6, expect: 'spawn 4' },
        { slots: 'BBBBBBBB..', queue: 9, expect: 'spawn 2' },
      ],
      p: params({ cheaper: 2, overload: 1, step: 0 }),
    },
  ];
  itReplays(backlog, backlogInitial, tables, p);

  it('says why in words', () => {
    const r = replay(backlog, backlogInitial, [{ slots: 'BBBBLL..', queue: 6, expect: '' }], p);
    assert.equal(r.steps[0]!.decision.reason, 'backlog: 4 requests waiting beyond 2 loading > 3');
  });
});
