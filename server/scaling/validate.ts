import type { CheaperAlgo, Observation, ScalingParams } from './types.js';

/** The master handed the scaling code something it cannot reason about: a bug in the caller or a bad option. */
export class ScalingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScalingInputError';
  }
}

function describe(v: unknown): string {
  return `\`${String(v)}\` (${typeof v})`;
}

function expectInt(v: unknown, min: number, what: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ScalingInputError(`Expected ${what} to be an integer >= ${min}, got ${describe(v)}`);
  }
}

function expectNumber(v: unknown, min: number, what: string, exclusive = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (exclusive && v === min)) {
    throw new ScalingInputError(`Expected ${what} to be a number ${exclusive ? '>' : '>='} ${min}, got ${describe(v)}`);
  }
}

export function validateParams(p: ScalingParams, algo: CheaperAlgo): void {
  expectInt(p.cheaper, 0, '`cheaper`');
  expectInt(p.step, 0, '`cheaper-step`');
  // spare counts overload checks modulo this value, busyness divides by it: 0 would never fire or divide by zero.
  expectInt(p.overload, 1, '`cheaper-overload`');
  expectInt(p.idle, 1, '`cheaper-idle`');
  expectNumber(p.checkIntervalMs, 0, 'the check interval (ms)', true);
  expectNumber(p.busynessMax, 0, '`cheaper-busyness-max`');
  expectNumber(p.busynessMin, 0, '`cheaper-busyness-min`');
  if (p.busynessMax > 100 || p.busynessMin > p.busynessMax) {
    throw new ScalingInputError(`Expected 0 <= \`cheaper-busyness-min\` <= \`cheaper-busyness-max\` <= 100, got min ${p.busynessMin} and max ${p.busynessMax}`);
  }
  expectInt(p.busynessMultiplier, 1, '`cheaper-busyness-multiplier`');
  expectInt(p.busynessPenalty, 0, '`cheaper-busyness-penalty`');
  expectInt(p.backlogAlert, 0, '`cheaper-busyness-backlog-alert`');
  expectInt(p.backlogStep, 0, '`cheaper-busyness-backlog-step`');
  expectNumber(p.backlogNonzeroS, 0, '`cheaper-busyness-backlog-nonzero`');
  expectNumber(p.rssLimitSoft, 0, '`cheaper-rss-limit-soft`');
  expectNumber(p.rssLimitHard, 0, '`cheaper-rss-limit-hard`');
  if (p.step === 0 && algo !== 'backlog' && algo !== 'manual') {
    throw new ScalingInputError(
      `\`cheaper-step = 0\` (spawn as many workers as requests wait) only applies to cheaper-algo backlog, got cheaper-algo ${algo}: set cheaper-step >= 1 or use backlog`,
    );
  }
}

export function validateObservation(obs: Observation): void {
  expectNumber(obs.now, 0, '`obs.now` (epoch ms)');
  expectInt(obs.max, 1, '`obs.max` (the `workers` option)');
  expectInt(obs.queue, 0, '`obs.queue`');
  if (!Array.isArray(obs.workers) || obs.workers.length !== obs.max) {
    const got = Array.isArray(obs.workers) ? `${obs.workers.length} entries` : describe(obs.workers);
    throw new ScalingInputError(`Expected \`obs.workers\` to hold one entry per slot 1..${obs.max}, got ${got}`);
  }
  const seen = new Set<number>();
  for (const w of obs.workers) {
    if (!Number.isInteger(w.id) || w.id < 1 || w.id > obs.max || seen.has(w.id)) {
      throw new ScalingInputError(`Expected worker ids to be 1..${obs.max}, each once, got ${describe(w.id)}`);
    }
    seen.add(w.id);
    expectNumber(w.busyMs, 0, `\`busyMs\` of worker ${w.id}`);
    expectNumber(w.rss, 0, `\`rss\` of worker ${w.id}`);
    expectNumber(w.lastSpawn, 0, `\`lastSpawn\` of worker ${w.id}`);
    if (!w.running && (w.ready || w.busy || w.cheaping)) {
      throw new ScalingInputError(`Expected worker ${w.id}, which is not running, to be neither ready, busy nor cheaping`);
    }
  }
}
