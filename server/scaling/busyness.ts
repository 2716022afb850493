import { cheapStep, hold, spawnStep } from './algoStep.js';
import { countPool, isActive, plural, unclaimedQueue, type PoolCounts } from './poolCounts.js';
import type { AlgoStep, Observation, ScalingParams } from './types.js';

/**
 * busyness (uWSGI's cheaper_busyness plugin): every `cheaper-overload` SECONDS, the average share of
 * that window the running workers spent in requests decides; in between, a long queue triggers
 * emergency spawns. Everything is timed with `obs.now`, so any check interval gives the same windows.
 */
export interface BusynessState {
  readonly algo: 'busyness';
  readonly windowStart: number | null; // epoch ms the current window began; null before the first check
  readonly lastBusyMs: readonly number[]; // per slot (index id - 1): busyMs at the last window end
  readonly busyChecks: readonly number[]; // per slot: checks of this window that saw it busy (uWSGI was_busy)
  readonly multiplier: number; // current cheap multiplier; 0 before the first check
  readonly nextCheap: number; // epoch ms before which no worker is cheaped
  readonly lastCheap: number | null; // epoch ms of the last cheap
  readonly lastAction: 'none' | 'spawn' | 'cheap';
  readonly tolerance: number; // consecutive windows between min and max
  readonly emergencyWorkers: number; // workers spawned by queue alerts and not cheaped since
  readonly nonzeroSince: number | null; // epoch ms since which requests wait unclaimed
}

export const busynessInitial: BusynessState = {
  algo: 'busyness',
  windowStart: null,
  lastBusyMs: [],
  busyChecks: [],
  multiplier: 0,
  nextCheap: 0,
  lastCheap: null,
  lastAction: 'none',
  tolerance: 0,
  emergencyWorkers: 0,
  nonzeroSince: null,
};

/**
 * uWSGI's cheaper-busyness-backlog-multiplier default: while emergency workers run, a worker may be
 * cheaped every 3 windows instead of `multiplier` windows, to recover fast from a short spike.
 * Not one of tidepool's options (spec 3 does not list it), so fixed here.
 */
export const EMERGENCY_CHEAP_MULTIPLIER = 3;

/** A window's percentage for the master's log and the dashboard, and the spawn/cheap thresholds. */
export function busynessPercent(deltaMs: number, windowMs: number, sawBusy: boolean): number {
  const percent = Math.floor((deltaMs * 100) / windowMs);
  if (percent > 100) return 100;
  // No request finished in the window but the worker was seen busy: one request longer than the window.
  if (deltaMs === 0 && sawBusy) return 100;
  return percent;
}

function nextCheapTime(now: number, emergencyWorkers: number, multiplier: number, params: ScalingParams): number {
  const windows = emergencyWorkers > 0 ? EMERGENCY_CHEAP_MULTIPLIER : multiplier;
  return now + params.overload * 1000 * windows;
}

function firstCheck(obs: Observation, params: ScalingParams): BusynessState {
  return {
    ...busynessInitial,
    windowStart: obs.now,
    lastBusyMs: slotValues(obs, (w) => w.busyMs),
    busyChecks: slotValues(obs, () => 0),
    multiplier: params.busynessMultiplier,
    nextCheap: nextCheapTime(obs.now, 0, params.busynessMultiplier, params),
  };
}

function slotValues(obs: Observation, f: (w: Observation['workers'][number]) => number): number[] {
  const out = new Array<number>(obs.max).fill(0);
  for (const w of obs.workers) out[w.id - 1] = f(w);
  return out;
}

export function busyness(state: BusynessState, obs: Observation, params: ScalingParams): AlgoStep<BusynessState> {
  const start = state.windowStart === null ? firstCheck(obs, params) : state;
  const pool = countPool(obs);
  const s: BusynessState = {
    ...start,
    busyChecks: slotValues(obs, (w) => (isActive(w) ? (start.busyChecks[w.id - 1] ?? 0) + (w.busy ? 1 : 0) : 0)),
  };
  const windowStart = s.windowStart ?? obs.now;
  if (obs.now - windowStart >= params.overload * 1000) return windowEnd(s, windowStart, pool, obs, params);
  return betweenWindows(s, pool, obs, params);
}

function windowEnd(s0: BusynessState, windowStart: number, pool: PoolCounts, obs: Observation, params: ScalingParams): AlgoStep<BusynessState> {
  // The real elapsed time, not the nominal window: a check interval that does not divide the window
  // makes windows a little longer, and dividing by the nominal length would overstate busyness.
  const elapsed = obs.now - windowStart;
  let total = 0;
  for (const w of obs.workers) {
    if (!isActive(w)) continue;
    const last = s0.lastBusyMs[w.id - 1] ?? 0;
    // A respawned slot may restart its counter: then all of it is this window's.
    const delta = w.busyMs >= last ? w.busyMs - last : w.busyMs;
    total += busynessPercent(delta, elapsed, (s0.busyChecks[w.id - 1] ?? 0) > 0);
  }
  const avg = pool.running > 0 ? Math.floor(total / pool.running) : 0;
  const s: BusynessState = {
    ...s0,
    windowStart: obs.now,
    lastBusyMs: slotValues(obs, (w) => w.busyMs),
    busyChecks: slotValues(obs, () => 0),
  };
  const seconds = `${params.overload} s`;
  const waiting = unclaimedQueue(obs, pool);

  if (avg > params.busynessMax) {
    const base: BusynessState = { ...s, tolerance: 0 };
    const count = Math.min(params.step, pool.free);
    const why = `busyness: ${seconds} average busyness ${avg}% > ${params.busynessMax}%`;
    if (count === 0) return hold(base, `${why}, but all ${obs.max} slots run`);
    // A spawn soon after a cheap means the cheap was a mistake: wait longer before the next one.
    const sinceCheap = s.lastCheap === null ? Infinity : Math.floor((obs.now - s.lastCheap) / 1000 / params.overload);
    const multiplier = sinceCheap <= s.multiplier ? s.multiplier + params.busynessPenalty : decreased(s.multiplier, params);
    const spawned: BusynessState = {
      ...base,
      lastAction: 'spawn',
      multiplier,
      nextCheap: nextCheapTime(obs.now, s.emergencyWorkers, multiplier, params),
    };
    return spawnStep(spawned, base, count, why);
  }
  if (waiting > params.backlogAlert && pool.free > 0) {
    return emergencySpawn(s, s, waiting, obs, pool, params, `busyness: ${plural(waiting, 'request')} waiting > ${params.backlogAlert}`);
  }
  if (avg < params.busynessMin) {
    const why = `busyness: ${seconds} average busyness ${avg}% < ${params.busynessMin}%`;
    if (pool.running === 1) return hold(s, `${why}, one worker runs`);
    const base: BusynessState = { ...s, tolerance: 0 };
    if (pool.running <= params.cheaper) return hold(base, `${why}, ${pool.running} running = cheaper`);
    if (obs.now < s.nextCheap) {
      return hold(base, `${why}, may cheap in ${Math.ceil((s.nextCheap - obs.now) / 1000)} s`);
    }
    const multiplier = s.lastAction === 'cheap' ? decreased(s.multiplier, params) : s.multiplier;
    const cheaped: BusynessState = {
      ...base,
      multiplier,
      lastCheap: obs.now,
      lastAction: 'cheap',
      nextCheap: nextCheapTime(obs.now, s.emergencyWorkers, multiplier, params),
      emergencyWorkers: Math.max(0, s.emergencyWorkers - 1),
    };
    return cheapStep(cheaped, base, why);
  }
  const why = `busyness: ${seconds} average busyness ${avg}% within ${params.busynessMin}-${params.busynessMax}%`;
  if (pool.running === 1) return hold(s, why);
  const emergencyWorkers = Math.max(0, s.emergencyWorkers - 1);
  const tolerance = s.tolerance + 1;
  // Three busy-enough windows in a row restart the idle timer; fewer only push it back one window,
  // so a short lull inside a long idle stretch does not keep workers forever.
  const nextCheap = tolerance >= 3 ? nextCheapTime(obs.now, emergencyWorkers, s.multiplier, params) : s.nextCheap + params.overload * 1000;
  return hold({ ...s, emergencyWorkers, tolerance, nextCheap }, why);
}

function betweenWindows(s: BusynessState, pool: PoolCounts, obs: Observation, params: ScalingParams): AlgoStep<BusynessState> {
  const waiting = unclaimedQueue(obs, pool);
  if (waiting > params.backlogAlert && pool.free > 0) {
    return emergencySpawn(s, s, waiting, obs, pool, params, `busyness: ${plural(waiting, 'request')} waiting > ${params.backlogAlert}`);
  }
  if (waiting > 0) {
    if (s.nonzeroSince === null) return hold({ ...s, nonzeroSince: obs.now }, `busyness: queue starting to fill (${waiting})`);
    const forMs = obs.now - s.nonzeroSince;
    if (forMs >= params.backlogNonzeroS * 1000) {
      // Not spawned (memory limit): keep the timer running, so the spawn comes as soon as it may.
      return emergencySpawn(
        { ...s, nonzeroSince: obs.now },
        s,
        waiting,
        obs,
        pool,
        params,
        `busyness: requests waiting for ${Math.floor(forMs / 1000)} s >= ${params.backlogNonzeroS} s`,
      );
    }
    return hold(s, `busyness: ${plural(waiting, 'request')} waiting for ${Math.floor(forMs / 1000)} s`);
  }
  const next = s.nonzeroSince === null ? s : { ...s, nonzeroSince: null };
  const closesIn = (s.windowStart ?? obs.now) + params.overload * 1000 - obs.now;
  return hold(next, `busyness: window closes in ${(closesIn / 1000).toFixed(1)} s`);
}

function emergencySpawn(
  applied: BusynessState,
  unapplied: BusynessState,
  waiting: number,
  obs: Observation,
  pool: PoolCounts,
  params: ScalingParams,
  why: string,
): AlgoStep<BusynessState> {
  const count = Math.min(params.backlogStep === 0 ? waiting : params.backlogStep, pool.free);
  // An emergency is likely a short spike: start the cheap multiplier over, so the extra workers go sooner.
  const multiplier = params.busynessMultiplier;
  const next: BusynessState = {
    ...applied,
    multiplier,
    lastAction: 'spawn',
    nextCheap: nextCheapTime(obs.now, applied.emergencyWorkers, multiplier, params),
    emergencyWorkers: applied.emergencyWorkers + count,
  };
  if (count === 0) return hold(next, `${why}, but all ${obs.max} slots run`);
  return spawnStep(next, unapplied, count, `${why}: emergency spawn`);
}

function decreased(multiplier: number, params: ScalingParams): number {
  return multiplier > params.busynessMultiplier ? multiplier - 1 : multiplier;
}
