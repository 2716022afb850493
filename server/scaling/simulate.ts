import { initialState } from './algorithms.js';
import { chooseSpawnSlots, decide } from './decide.js';
import { countPool } from './poolCounts.js';
import type { CheaperAlgo, Observation, ScalingDecision, ScalingParams, WorkerObservation } from './types.js';
import { ScalingInputError } from './validate.js';

/**
 * Replays a synthetic load against a scaling algorithm, with the real `decide` driver, to compare
 * algorithms and defaults without processes or clocks. Pure and deterministic: the same config
 * gives the same timeline. The model: closed-loop clients (each sends a request, waits for the
 * answer, thinks, sends the next), one FIFO queue in front of the workers, a worker serves one
 * request at a time, a spawned worker takes `spawnDelayMs` to load the model, a cheaped worker
 * (always idle) leaves at once.
 */
export interface ClientGroup {
  clients: number;
  startMs: number; // every client of the group sends its first request then
  serviceMs: number; // how long one request blocks its worker
  requestsPerClient?: number; // then the client stops (default: no limit)
  stopMs?: number; // no request is sent at or after this time (default: never)
  thinkMs?: number; // pause between an answer and the next request (default 0)
  jitter?: number; // 0..1: service and think times vary by up to ± this fraction (seeded)
}

export interface SimConfig {
  algo: CheaperAlgo;
  params: ScalingParams;
  max: number; // `workers`
  initialWorkers: number; // running and ready at t = 0 (`cheaper-initial`)
  spawnDelayMs: number; // spawn -> ready: the model load
  load: ClientGroup[];
  endMs: number;
  firstCheckMs?: number; // default: one check interval
  seed?: number; // for the jitter (default 1)
  rssPerWorker?: number; // bytes each running worker reports (default 0)
}

export interface SimCheck {
  t: number;
  running: number;
  loading: number;
  busy: number;
  queue: number;
  decision: ScalingDecision;
}

export interface SimSummary {
  requests: number; // answered by endMs
  unfinished: number; // sent but not answered by endMs
  medianMs: number; // latency: sent -> answered, queueing included
  p90Ms: number;
  maxMs: number;
  firstSpawnMs: number | null;
  peakWorkers: number;
  workersAtEnd: number;
  spawned: number; // workers
  cheaped: number;
  lastArrivalMs: number; // when the load stopped: the last request was sent
  flips: number; // spawn <-> cheap direction changes over the run
  flipsAfterLoad: number; // the same, among decisions at or after lastArrivalMs (spawn then cheap is 1)
  respawns: number; // spawns that follow a cheap: each pays a model load for a worker just let go
  respawnsAfterLoad: number; // the same, at or after lastArrivalMs: always oscillation, no new load came
}

export interface SimResult {
  timeline: SimCheck[];
  latenciesMs: number[]; // in the order requests were answered
  summary: SimSummary;
}

interface Request {
  client: number;
  sentAt: number;
  serviceMs: number;
}
interface Slot {
  id: number;
  phase: 'free' | 'loading' | 'ready';
  readyAt: number;
  req: Request | null;
  busyUntil: number;
  busyMs: number;
  lastSpawn: number;
}
interface Client {
  group: ClientGroup;
  sent: number;
  nextAt: number | null;
}

export function simulate(config: SimConfig): SimResult {
  validateSimConfig(config);
  const { params, max, spawnDelayMs, endMs } = config;
  const random = mulberry32(config.seed ?? 1);
  const vary = (ms: number, jitter: number): number => (jitter > 0 ? ms * (1 + jitter * (2 * random() - 1)) : ms);

  const slots: Slot[] = Array.from({ length: max }, (_, i) => ({
    id: i + 1,
    phase: i < config.initialWorkers ? 'ready' : 'free',
    readyAt: 0,
    req: null,
    busyUntil: 0,
    busyMs: 0,
    lastSpawn: 0,
  }));
  const clients: Client[] = config.load.flatMap((group) => Array.from({ length: group.clients }, () => ({ group, sent: 0, nextAt: startOf(group) })));
  const queue: Request[] = [];
  const timeline: SimCheck[] = [];
  const latenciesMs: number[] = [];
  let lastArrivalMs = 0;
  let state = initialState(config.algo);
  let checks = 0;
  const firstCheck = config.firstCheckMs ?? params.checkIntervalMs;
  const checkAt = (k: number): number => firstCheck + k * params.checkIntervalMs;

  const start = (slot: Slot, req: Request, t: number): void => {
    slot.req = req;
    slot.busyUntil = t + req.serviceMs;
  };
  const takeNext = (slot: Slot, t: number): void => {
    const req = queue.shift();
    if (req) start(slot, req, t);
  };

  for (;;) {
    const t = Math.min(
      checkAt(checks),
      ...slots.map((s) => (s.phase === 'loading' ? s.readyAt : s.req ? s.busyUntil : Infinity)),
      ...clients.map((c) => c.nextAt ?? Infinity),
    );
    if (t > endMs) break;
    // Same-time events in a fixed order: loads finish, answers go out, requests come in, then the check sees the result.
    for (const s of slots) {
      if (s.phase === 'loading' && s.readyAt <= t) {
        s.phase = 'ready';
        takeNext(s, t);
      }
    }
    for (const s of slots) {
      if (!s.req || s.busyUntil > t) continue;
      const req = s.req;
      s.req = null;
      s.busyMs += req.serviceMs;
      latenciesMs.push(t - req.sentAt);
      const c = clients[req.client]!;
      const next = t + vary(c.group.thinkMs ?? 0, c.group.jitter ?? 0);
      const more = c.group.requestsPerClient === undefined || c.sent < c.group.requestsPerClient;
      c.nextAt = more && (c.group.stopMs === undefined || next < c.group.stopMs) ? next : null;
      takeNext(s, t);
    }
    clients.forEach((c, i) => {
      if (c.nextAt === null || c.nextAt > t) return;
      c.nextAt = null;
      c.sent++;
      lastArrivalMs = t;
      const req: Request = { client: i, sentAt: t, serviceMs: vary(c.group.serviceMs, c.group.jitter ?? 0) };
      const idle = slots.find((s) => s.phase === 'ready' && !s.req);
      if (idle) start(idle, req, t);
      else queue.push(req);
    });
    if (checkAt(checks) <= t) {
      checks++;
      const obs = observe(slots, queue.length, t, max, config.rssPerWorker ?? 0);
      const result = decide(config.algo, state, obs, params);
      state = result.state;
      const pool = countPool(obs);
      timeline.push({ t, running: pool.running, loading: pool.loading, busy: pool.busy, queue: obs.queue, decision: result.decision });
      const d = result.decision;
      if (d.action === 'spawn') {
        for (const id of chooseSpawnSlots(obs, d.count)) {
          const s = slots[id - 1]!;
          s.phase = 'loading';
          s.readyAt = t + spawnDelayMs;
          s.lastSpawn = t;
        }
      } else if (d.action === 'cheap') {
        slots[d.workerId - 1]!.phase = 'free';
      }
    }
  }
  const unfinished = queue.length + slots.filter((s) => s.req).length;
  return { timeline, latenciesMs, summary: summarize(timeline, latenciesMs, unfinished, lastArrivalMs) };
}

function startOf(group: ClientGroup): number | null {
  return group.stopMs !== undefined && group.startMs >= group.stopMs ? null : group.startMs;
}

function observe(slots: Slot[], queue: number, now: number, max: number, rss: number): Observation {
  const workers: WorkerObservation[] = slots.map((s) => ({
    id: s.id,
    running: s.phase !== 'free',
    ready: s.phase === 'ready',
    busy: s.req !== null,
    cheaping: false,
    lastSpawn: s.lastSpawn,
    busyMs: s.busyMs,
    rss: s.phase === 'free' ? 0 : rss,
  }));
  return { now, workers, queue, max };
}

function summarize(timeline: SimCheck[], latencies: number[], unfinished: number, lastArrivalMs: number): SimSummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const actions = timeline.filter((c) => c.decision.action !== 'hold');
  const after = actions.filter((c) => c.t >= lastArrivalMs);
  let spawned = 0;
  let cheaped = 0;
  let respawns = 0;
  let respawnsAfterLoad = 0;
  actions.forEach((c, i) => {
    if (c.decision.action === 'spawn') {
      spawned += c.decision.count;
      if (i > 0 && actions[i - 1]!.decision.action === 'cheap') {
        respawns++;
        if (c.t >= lastArrivalMs) respawnsAfterLoad++;
      }
    } else cheaped++;
  });
  const firstSpawn = actions.find((c) => c.decision.action === 'spawn');
  const last = timeline.at(-1);
  return {
    requests: latencies.length,
    unfinished,
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    maxMs: sorted.at(-1) ?? 0,
    firstSpawnMs: firstSpawn ? firstSpawn.t : null,
    peakWorkers: Math.max(0, ...timeline.map((c) => c.running + spawnedAt(c))),
    workersAtEnd: last ? last.running + spawnedAt(last) - (last.decision.action === 'cheap' ? 1 : 0) : 0,
    spawned,
    cheaped,
    lastArrivalMs,
    flips: directionChanges(actions),
    flipsAfterLoad: directionChanges(after),
    respawns,
    respawnsAfterLoad,
  };
}

function spawnedAt(c: SimCheck): number {
  return c.decision.action === 'spawn' ? c.decision.count : 0;
}

function directionChanges(actions: SimCheck[]): number {
  let n = 0;
  for (let i = 1; i < actions.length; i++) if (actions[i]!.decision.action !== actions[i - 1]!.decision.action) n++;
  return n;
}

/** Linear interpolation between the closest ranks; 0 for no data. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** A small seeded generator: the jitter must be the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validateSimConfig(c: SimConfig): void {
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new ScalingInputError(`Expected ${what} to be ${expected}, got \`${String(got)}\` (${typeof got})`);
  };
  if (!Number.isInteger(c.max) || c.max < 1) bad('`max`', 'an integer >= 1', c.max);
  if (!Number.isInteger(c.initialWorkers) || c.initialWorkers < 0 || c.initialWorkers > c.max) {
    bad('`initialWorkers`', `an integer in 0..${c.max}`, c.initialWorkers);
  }
  if (!(c.spawnDelayMs >= 0)) bad('`spawnDelayMs`', 'a number >= 0', c.spawnDelayMs);
  if (!(c.endMs >= 0) || !Number.isFinite(c.endMs)) bad('`endMs`', 'a finite number >= 0', c.endMs);
  c.load.forEach((g, i) => {
    if (!Number.isInteger(g.clients) || g.clients < 0) bad(`\`load[${i}].clients\``, 'an integer >= 0', g.clients);
    if (!(g.serviceMs > 0)) bad(`\`load[${i}].serviceMs\``, 'a number > 0', g.serviceMs);
    if (g.jitter !== undefined && !(g.jitter >= 0 && g.jitter < 1)) bad(`\`load[${i}].jitter\``, 'a number in [0, 1)', g.jitter);
  });
}
