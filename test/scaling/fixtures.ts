import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AlgoStep, Observation, ScalingParams, WorkerObservation } from '../../server/scaling/types.js';

/** uWSGI's defaults (spec 3), with scaling on: the baseline every table starts from. */
export const UWSGI_PARAMS: ScalingParams = {
  cheaper: 2,
  step: 1,
  overload: 3,
  idle: 10,
  checkIntervalMs: 1000,
  busynessMax: 50,
  busynessMin: 25,
  busynessMultiplier: 10,
  busynessPenalty: 2,
  backlogAlert: 33,
  backlogStep: 1,
  backlogNonzeroS: 60,
  rssLimitSoft: 0,
  rssLimitHard: 0,
};

export function params(overrides: Partial<ScalingParams> = {}): ScalingParams {
  return { ...UWSGI_PARAMS, ...overrides };
}

export interface PoolOptions {
  now?: number;
  queue?: number;
  lastSpawn?: Record<number, number>; // by slot id; default: all spawned at 0
  busyMs?: Record<number, number>; // by slot id; default 0
  rss?: number | Record<number, number>; // bytes of every running worker, or by slot id
}

/**
 * A pool written as one character per slot, so a table row shows it at a glance:
 * `B` busy, `I` idle, `L` loading, `C` cheaping (idle), `X` cheaping while busy, `.` no process.
 */
export function pool(slots: string, o: PoolOptions = {}): Observation {
  const workers: WorkerObservation[] = [...slots].map((ch, i) => {
    const id = i + 1;
    if (!'BILCX.'.includes(ch)) throw new Error(`pool(): unknown slot character ${JSON.stringify(ch)} in ${JSON.stringify(slots)}`);
    const running = ch !== '.';
    const rss = typeof o.rss === 'number' ? o.rss : (o.rss?.[id] ?? 0);
    return {
      id,
      running,
      ready: ch === 'B' || ch === 'I' || ch === 'C',
      busy: ch === 'B' || ch === 'X',
      cheaping: ch === 'C' || ch === 'X',
      lastSpawn: o.lastSpawn?.[id] ?? 0,
      busyMs: o.busyMs?.[id] ?? 0,
      rss: running ? rss : 0,
    };
  });
  return { now: o.now ?? 0, workers, queue: o.queue ?? 0, max: workers.length };
}

export type Row = { slots: string; expect: string } & PoolOptions;

/**
 * Runs an algorithm over a sequence of pools, carrying its state, and returns each decision as
 * short text (`spawn 2`, `cheap`, `hold`), so a table compares a whole sequence at once.
 */
export function replay<S>(
  algo: (s: S, obs: Observation, p: ScalingParams) => AlgoStep<S>,
  initial: S,
  rows: Row[],
  p: ScalingParams,
): { got: string[]; want: string[]; states: S[]; steps: AlgoStep<S>[] } {
  let state = initial;
  const got: string[] = [];
  const states: S[] = [];
  const steps: AlgoStep<S>[] = [];
  for (const row of rows) {
    const step = algo(state, pool(row.slots, row), p);
    state = step.state;
    states.push(state);
    steps.push(step);
    got.push(short(step.decision));
  }
  return { got, want: rows.map((r) => r.expect), states, steps };
}

export interface Table {
  name: string;
  rows: Row[];
  p?: ScalingParams;
}

/** One test per table: the algorithm, run over the rows, decides what each row expects. */
export function itReplays<S>(algo: (s: S, obs: Observation, p: ScalingParams) => AlgoStep<S>, initial: S, tables: Table[], p: ScalingParams): void {
  for (const t of tables) {
    it(t.name, () => {
      const r = replay(algo, initial, t.rows, t.p ?? p);
      assert.deepEqual(r.got, r.want);
    });
  }
}

export function short(d: { action: string; count?: number; workerId?: number }): string {
  if (d.action === 'spawn') return `spawn ${d.count}`;
  if (d.action === 'cheap') return d.workerId === undefined ? 'cheap' : `cheap ${d.workerId}`;
  return 'hold';
}
