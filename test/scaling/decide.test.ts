import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialState, type AlgoState } from '../../server/scaling/algorithms.js';
import { chooseSpawnSlots, decide, type ManualCommand } from '../../server/scaling/decide.js';
import type { BusynessState } from '../../server/scaling/busyness.js';
import type { SpareState } from '../../server/scaling/spare.js';
import type { CheaperAlgo, ScalingParams } from '../../server/scaling/types.js';
import { ScalingInputError } from '../../server/scaling/validate.js';
import { params, pool, short, type PoolOptions } from './fixtures.js';

const MiB = 1048576;

interface Case {
  name: string;
  algo: CheaperAlgo;
  slots: string;
  opts?: PoolOptions;
  p?: Partial<ScalingParams>;
  state?: AlgoState;
  manual?: ManualCommand;
  expect: string; // `spawn N`, `cheap ID`, `hold`
  reason?: RegExp;
  manualPending?: boolean;
  /** The decision carries out the FIFO request (the master tells such spawns apart: kind `manual`). */
  byHand?: boolean;
}

const overloaded: SpareState = { algo: 'spare', overload: 2, idleChecks: 0 }; // spawns this check if all busy
const aboutToCheap: SpareState = { algo: 'spare', overload: 0, idleChecks: 2 }; // cheaps this check if 2+ idle

describe('decide: the driver (spec 3, once per check)', () => {
  const cases: Case[] = [
    // 1. memory guard
    {
      name: 'hard RSS limit cheaps the oldest idle worker, even below cheaper',
      algo: 'spare',
      slots: 'BIIB',
      p: { cheaper: 4, rssLimitHard: 400 * MiB },
      opts: { rss: 100 * MiB, lastSpawn: { 2: 50, 3: 20 } },
      expect: 'cheap 3',
      reason: /memory: workers use 400\.0 MiB >= cheaper-rss-limit-hard 400\.0 MiB/,
    },
    {
      name: 'hard RSS limit never cheaps the last worker',
      algo: 'spare',
      slots: 'I...',
      p: { cheaper: 0, rssLimitHard: 100 * MiB },
      opts: { rss: 200 * MiB },
      expect: 'hold',
      reason: /never the last worker/,
    },
    {
      name: 'hard RSS limit with every worker busy waits for an idle one',
      algo: 'spare',
      slots: 'BBBB',
      p: { rssLimitHard: 100 * MiB },
      opts: { rss: 100 * MiB },
      expect: 'hold',
      reason: /no idle worker to cheap; retry next check/,
    },
    {
      name: 'workers already being cheaped do not count toward the RSS limits',
      algo: 'spare',
      slots: 'IICC',
      p: { rssLimitHard: 300 * MiB },
      opts: { rss: 100 * MiB },
      expect: 'hold',
    },
    {
      name: 'hard RSS limit outranks a manual +',
      algo: 'manual',
      slots: 'IIB.',
      p: { rssLimitHard: 300 * MiB },
      opts: { rss: 100 * MiB },
      manual: '+',
      expect: 'cheap 1',
      manualPending: false,
      byHand: false,
    },
    {
      name: "soft RSS limit turns the algorithm's spawn into a hold that says why",
      algo: 'spare',
      state: overloaded,
      slots: 'BBB.',
      p: { rssLimitSoft: 300 * MiB },
      opts: { rss: 100 * MiB },
      expect: 'hold',
      reason: /^spare: all 3 workers busy for 3 checks; not spawning: workers use 300\.0 MiB >= cheaper-rss-limit-soft 300\.0 MiB$/,
    },
    {
      name: 'soft RSS limit still lets the algorithm cheap',
      algo: 'spare',
      state: aboutToCheap,
      slots: 'BII.',
      p: { cheaper: 1, rssLimitSoft: 100 * MiB },
      opts: { rss: 100 * MiB },
      expect: 'cheap 2',
    },
    {
      name: 'soft RSS limit refuses a manual +, and it is used up',
      algo: 'manual',
      slots: 'II..',
      p: { rssLimitSoft: 100 * MiB },
      opts: { rss: 100 * MiB },
      manual: '+',
      expect: 'hold',
      reason: /manual: \+ on the master FIFO; not spawning/,
      manualPending: false,
    },
    // 2. manual requests replace the algorithm
    { name: 'manual + spawns one even when the algorithm holds', algo: 'spare', slots: 'BI..', manual: '+', expect: 'spawn 1', byHand: true },
    {
      name: 'manual + replaces a spawn of the algorithm',
      algo: 'spare',
      state: overloaded,
      slots: 'BBB.....',
      p: { step: 3 },
      manual: '+',
      expect: 'spawn 1',
    },
    {
      name: 'manual - cheaps even when the algorithm would spawn',
      algo: 'spare',
      state: overloaded,
      slots: 'BBBI',
      p: { cheaper: 1 },
      manual: '-',
      expect: 'cheap 4',
      byHand: true,
    },
    { name: 'manual + with every slot running', algo: 'manual', slots: 'IIII', manual: '+', expect: 'hold', reason: /no free slot: all 4 run/ },
    {
      name: 'manual - never below cheaper, and it is used up',
      algo: 'manual',
      slots: 'II..',
      p: { cheaper: 2 },
      manual: '-',
      expect: 'hold',
      reason: /never below cheaper = 2/,
      manualPending: false,
    },
    {
      name: 'manual - with nobody idle stays pending for the next check',
      algo: 'manual',
      slots: 'BBL.',
      p: { cheaper: 1 },
      manual: '-',
      expect: 'hold',
      reason: /no idle worker/,
      manualPending: true,
    },
    { name: 'manual alone never decides', algo: 'manual', slots: 'BBBB....', opts: { queue: 50 }, expect: 'hold', reason: /waiting for \+ or -/ },
    // 3. the algorithm, clamped; 4. the victim
    {
      name: 'victim: the oldest lastSpawn among idle workers',
      algo: 'spare',
      state: aboutToCheap,
      slots: 'IBII',
      p: { cheaper: 1 },
      opts: { lastSpawn: { 1: 300, 2: 100, 3: 200, 4: 250 } },
      expect: 'cheap 3',
      byHand: false,
    },
    {
      name: 'victim: ties go to the lowest id',
      algo: 'spare',
      state: aboutToCheap,
      slots: 'BIII',
      p: { cheaper: 1 },
      opts: { lastSpawn: { 2: 100, 3: 100, 4: 100 } },
      expect: 'cheap 2',
    },
    {
      name: 'victim: never busy, loading or already cheaping, however old',
      algo: 'manual',
      slots: 'BLCXI',
      p: { cheaper: 1 },
      opts: { lastSpawn: { 1: 1, 2: 2, 3: 3, 4: 4, 5: 500 } },
      manual: '-',
      expect: 'cheap 5',
    },
    {
      name: 'never the last worker, even with cheaper 0',
      algo: 'manual',
      slots: 'I...',
      p: { cheaper: 0 },
      manual: '-',
      expect: 'hold',
      reason: /never the last worker/,
    },
    {
      name: 'cheaping workers do not count as running for the cheaper floor',
      algo: 'manual',
      slots: 'IICC',
      p: { cheaper: 2 },
      manual: '-',
      expect: 'hold',
      reason: /2 workers running: never below cheaper = 2/,
    },
    {
      name: 'a spawn is clamped to free slots; a cheaping worker still holds its slot',
      algo: 'backlog',
      slots: 'BBBC..',
      p: { step: 0, overload: 1 },
      opts: { queue: 9 },
      expect: 'spawn 2',
    },
    {
      name: 'loading workers: spare holds while a spawn loads instead of spawning again',
      algo: 'spare',
      state: overloaded,
      slots: 'BBBL',
      expect: 'hold',
      reason: /waiting for 1 loading worker/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const r = decide(c.algo, c.state ?? initialState(c.algo), pool(c.slots, c.opts), params(c.p), c.manual);
      assert.equal(short(r.decision), c.expect, r.decision.reason);
      if (c.reason) assert.match(r.decision.reason, c.reason);
      if (c.manualPending !== undefined) assert.equal(r.manualPending, c.manualPending);
      if (c.byHand !== undefined) assert.equal(r.manual, c.byHand);
    });
  }

  it('a spawn refused by the soft limit is retried as soon as memory allows (the algorithm was told)', () => {
    const p = params({ rssLimitSoft: 300 * MiB });
    const refused = decide('spare', overloaded, pool('BBB.', { rss: 100 * MiB }), p);
    assert.equal(refused.decision.action, 'hold');
    assert.deepEqual(refused.state, { algo: 'spare', overload: 3, idleChecks: 0 });
    const later = decide('spare', refused.state, pool('BBB.', { rss: 90 * MiB }), p);
    assert.equal(short(later.decision), 'spawn 1');
    assert.deepEqual(later.state, { algo: 'spare', overload: 0, idleChecks: 0 });
  });

  it('a cheap with no idle victim is retried at the next chance (the algorithm was told)', () => {
    const p = params({ cheaper: 1, overload: 3 });
    // busyness at a window end, allowed to cheap: every worker finished only 0.1 s of work (3 %), but all just took a request
    const due: BusynessState = {
      ...(initialState('busyness') as BusynessState),
      windowStart: 27000,
      lastBusyMs: [0, 0, 0, 0],
      busyChecks: [0, 0, 0, 0],
      multiplier: 10,
      nextCheap: 30000,
    };
    const busyMs = { 1: 100, 2: 100, 3: 100, 4: 100 };
    const refused = decide('busyness', due, pool('BBBB', { now: 30000, busyMs }), p);
    assert.equal(short(refused.decision), 'hold');
    assert.match(refused.decision.reason, /average busyness 3% < 25%; no idle worker to cheap; retry next check/);
    const s = refused.state as BusynessState;
    assert.equal(s.lastAction, 'none');
    assert.equal(s.nextCheap, 30000);
    const retried = decide('busyness', s, pool('IIII', { now: 33000, busyMs }), p);
    assert.equal(short(retried.decision), 'cheap 1');
    assert.equal((retried.state as BusynessState).lastAction, 'cheap');
  });

  it('the algorithm keeps its clock while a manual request overrides it', () => {
    const p = params({ cheaper: 1, overload: 3 });
    let state: AlgoState = initialState('busyness');
    state = decide('busyness', state, pool('IIII', { now: 0 }), p).state;
    const r = decide('busyness', state, pool('IIII', { now: 3000 }), p, '+');
    assert.equal(short(r.decision), 'hold');
    assert.equal((r.state as BusynessState).windowStart, 3000);
  });

  it('chooseSpawnSlots takes the lowest free slot ids, at most count', () => {
    const obs = pool('B.I..C.');
    assert.deepEqual(chooseSpawnSlots(obs, 2), [2, 4]);
    assert.deepEqual(chooseSpawnSlots(obs, 10), [2, 4, 5, 7]);
    assert.deepEqual(chooseSpawnSlots(obs, 0), []);
  });

  it('bad input names what was expected and what came', () => {
    const table: [() => unknown, RegExp][] = [
      [
        () => decide('spare', initialState('backlog'), pool('II'), params()),
        /Expected the state of cheaper-algo spare, got the state of backlog: start from initialState\('spare'\)/,
      ],
      [
        () => decide('spare', initialState('spare'), { ...pool('II'), max: 3 }, params()),
        /Expected `obs.workers` to hold one entry per slot 1..3, got 2 entries/,
      ],
      [() => decide('spare', initialState('spare'), { ...pool('II'), queue: -1 }, params()), /Expected `obs.queue` to be an integer >= 0, got `-1` \(number\)/],
      [() => decide('spare', initialState('spare'), pool('II'), params({ overload: 0 })), /Expected `cheaper-overload` to be an integer >= 1, got `0`/],
      [
        () => decide('spare', initialState('spare'), pool('II'), params({ step: 0 })),
        /`cheaper-step = 0` .* only applies to cheaper-algo backlog, got cheaper-algo spare/,
      ],
      [
        () => decide('busyness', initialState('busyness'), pool('II'), params({ busynessMin: 60, busynessMax: 50 })),
        /cheaper-busyness-min.*got min 60 and max 50/,
      ],
      [() => decide('spare', initialState('spare'), pool('II'), params(), '*' as ManualCommand), /Expected a manual request of '\+' or '-', got "\*"/],
      [() => initialState('fast' as CheaperAlgo), /Expected cheaper-algo to be one of spare, spare2, backlog, busyness, manual, got "fast"/],
    ];
    for (const [f, message] of table) assert.throws(f, (e: unknown) => e instanceof ScalingInputError && message.test(e.message));
  });
});
