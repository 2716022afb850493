import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../server/config/index.js';
import { scalingParams } from '../../server/scaling/params.js';
import { simulate, type ClientGroup, type SimConfig } from '../../server/scaling/simulate.js';
import type { CheaperAlgo, ScalingParams } from '../../server/scaling/types.js';
import { ScalingInputError } from '../../server/scaling/validate.js';
import { params } from './fixtures.js';

// The lead's case: min 5 / max 50 workers, requests that block their worker 3 s.
const SERVICE_MS = 3000;
const LOADS: Record<string, ClientGroup[]> = {
  'burst: 40 clients, one request each': [{ clients: 40, startMs: 0, serviceMs: SERVICE_MS, requestsPerClient: 1 }],
  'closed loop: 40 clients for 30 s': [{ clients: 40, startMs: 0, serviceMs: SERVICE_MS, stopMs: 30000 }],
  'bursts 15 s apart': [0, 15000, 30000].map((startMs) => ({ clients: 40, startMs, serviceMs: SERVICE_MS, requestsPerClient: 1 })),
  'short requests: 40 clients, 50 ms +-50 %, 5 ms think, 60 s': [{ clients: 40, startMs: 0, serviceMs: 50, thinkMs: 5, jitter: 0.5, stopMs: 60000 }],
};

function scenario(algo: CheaperAlgo, p: Partial<ScalingParams>, load: ClientGroup[], spawnDelayMs: number): SimConfig {
  const full = params({ ...p, cheaper: 5 });
  // The worst phase: the burst comes right after a check, so the first reaction waits a whole interval.
  return { algo, params: full, max: 50, initialWorkers: 5, spawnDelayMs, load, endMs: 150000, firstCheckMs: full.checkIntervalMs };
}

/** What `tidepool serve` runs with when nothing is configured: the options table's defaults, read as the master reads them. */
const shipped = loadConfig([], {}, tmpdir()).config;
const recommendedAlgo = shipped['cheaper-algo'];
const recommended = scalingParams(shipped);

describe("simulate: the recommended defaults against the lead's case", () => {
  for (const spawnDelayMs of [300, 1000]) {
    for (const [name, load] of Object.entries(LOADS).slice(0, 3)) {
      it(`${name}, model load ${spawnDelayMs} ms: median under 1.5x the service time`, () => {
        const s = simulate(scenario(recommendedAlgo, recommended, load, spawnDelayMs)).summary;
        assert.equal(s.unfinished, 0);
        assert.ok(s.medianMs < 1.5 * SERVICE_MS, `median ${s.medianMs} ms`);
        assert.equal(s.firstSpawnMs, recommended.checkIntervalMs, 'spawns at the first check after the burst');
        assert.ok(s.peakWorkers <= 40, `no overshoot past the 40 needed, got ${s.peakWorkers}`);
      });
    }
    for (const [name, load] of Object.entries(LOADS)) {
      it(`${name}, model load ${spawnDelayMs} ms: does not oscillate`, () => {
        const s = simulate(scenario(recommendedAlgo, recommended, load, spawnDelayMs)).summary;
        assert.equal(s.respawnsAfterLoad, 0, 'no spawn after a cheap once the load stopped');
        assert.ok(s.flipsAfterLoad <= 1, `after the load: at most spawn then cheap, got ${s.flipsAfterLoad} flips`);
        assert.equal(s.respawns, 0, 'never spawns a worker back after cheaping one');
        assert.ok(s.cheaped > 0, 'gives workers back once the load is gone');
      });
    }
  }

  it("the tutorial's uWSGI spare with step 3 reacts late in the same model (what the lead measured: ~9 s median)", () => {
    const s = simulate(scenario('spare', { step: 3 }, LOADS['burst: 40 clients, one request each']!, 1000)).summary;
    assert.equal(s.firstSpawnMs, 3000, 'the third all-busy check');
    assert.ok(s.medianMs >= 2 * SERVICE_MS, `median ${s.medianMs} ms`);
  });

  it('the undamped backlog cheap side oscillates on short requests, which is why busyness cheaps', () => {
    const s = simulate(
      scenario('backlog', { step: 0, overload: 1, checkIntervalMs: 100 }, LOADS['short requests: 40 clients, 50 ms +-50 %, 5 ms think, 60 s']!, 1000),
    ).summary;
    assert.ok(s.respawns > 10, `respawns ${s.respawns}`);
  });
});

describe('simulate: the model', () => {
  it('a fixed pool serves in FIFO order: 10 one-second requests on 5 workers', () => {
    const r = simulate({
      algo: 'manual',
      params: params({ cheaper: 5 }),
      max: 5,
      initialWorkers: 5,
      spawnDelayMs: 0,
      endMs: 5000,
      load: [{ clients: 10, startMs: 0, serviceMs: 1000, requestsPerClient: 1 }],
    });
    assert.deepEqual(r.latenciesMs, [1000, 1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000, 2000]);
    assert.equal(r.summary.medianMs, 1500);
    assert.equal(r.timeline.length, 5);
    assert.ok(r.timeline.every((c) => c.decision.action === 'hold'));
  });

  it('a spawned worker serves only after the model load', () => {
    const r = simulate({
      algo: 'busyness',
      params: params({ cheaper: 1, backlogAlert: 0, backlogStep: 0, checkIntervalMs: 100 }),
      max: 2,
      initialWorkers: 1,
      spawnDelayMs: 500,
      endMs: 3000,
      load: [{ clients: 2, startMs: 0, serviceMs: 1000, requestsPerClient: 1 }],
    });
    // the second request waits for the check at 100 ms and the 500 ms load, then 1 s of work
    assert.deepEqual(r.latenciesMs, [1000, 1600]);
    assert.deepEqual(r.timeline[0], { t: 100, running: 1, loading: 0, busy: 1, queue: 1, decision: r.timeline[0]!.decision });
    assert.equal(r.timeline[0]!.decision.action, 'spawn');
    assert.equal(r.timeline[1]!.loading, 1);
  });

  it('is deterministic: the same config gives the same run, another seed another jitter', () => {
    const config = scenario('busyness', recommended, LOADS['short requests: 40 clients, 50 ms +-50 %, 5 ms think, 60 s']!, 300);
    const a = simulate({ ...config, endMs: 5000 });
    assert.deepEqual(simulate({ ...config, endMs: 5000 }), a);
    assert.notDeepEqual(simulate({ ...config, endMs: 5000, seed: 2 }).latenciesMs, a.latenciesMs);
  });

  it('bad config names what was expected and what came', () => {
    const base = scenario('spare', {}, [], 0);
    assert.throws(
      () => simulate({ ...base, initialWorkers: 51 }),
      (e: unknown) => e instanceof ScalingInputError && /Expected `initialWorkers` to be an integer in 0..50, got `51` \(number\)/.test(e.message),
    );
    assert.throws(
      () => simulate({ ...base, load: [{ clients: 1, startMs: 0, serviceMs: 0 }] }),
      (e: unknown) => e instanceof ScalingInputError && /Expected `load\[0\].serviceMs` to be a number > 0, got `0`/.test(e.message),
    );
  });
});
