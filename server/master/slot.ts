import type { ChildProcess } from 'node:child_process';
import type { ExitReason, SpawnKind, WorkerExit } from '../../core/stats/schema.js';
import { emptyHistogram, type MasterMessage, type RecycleReason } from '../ipc/messages.js';

/**
 * One worker slot (uWSGI's word): a numbered place in the pool that holds at most one worker
 * process at a time. What the slot is doing is its `state`; what uWSGI keeps across respawns
 * (the counters, the latest spawn and exit) lives beside it and outlives every process.
 */
export interface Slot {
  readonly id: number;
  state: SlotState;
  readonly counters: SlotCounters;
  /** The latest process's spawn, kept after it exits (the stats show it). */
  lastSpawn: SpawnRecord | null;
  lastExit: WorkerExit | null;
  /** Consecutive deaths soon after a spawn: drives the respawn backoff. */
  fastDeaths: number;
}

/**
 * - cheap: empty on purpose (never spawned, cheaped, or handed over to a replacement): not respawned.
 * - down: empty after an exit during shutdown, or a spawn that shutdown cancelled.
 * - respawn-wait: empty, respawned when `timer` fires (the backoff of a worker dying young).
 * - pending: a spawn decided, waiting for its turn to load (spawn-concurrency); no process yet.
 * - loading: the process loads the model; not capacity yet.
 * - ready: the process takes requests.
 * - stopping: asked to leave (or killed), for `stop.reason`; it finishes what it holds.
 */
export type SlotState =
  | { phase: 'cheap' }
  | { phase: 'down' }
  | { phase: 'respawn-wait'; order: SpawnOrder; timer: NodeJS.Timeout }
  | { phase: 'pending'; order: SpawnOrder }
  | { phase: 'loading'; proc: WorkerProcess; order: SpawnOrder }
  | { phase: 'ready'; proc: WorkerProcess; readyAt: number }
  | StoppingState;

export interface StoppingState {
  phase: 'stopping';
  proc: WorkerProcess;
  stop: StopOrder;
  /** When the process became ready; null when it was stopped while loading. */
  readyAt: number | null;
  /** A replacement stopped while loading still owes the worker it was to replace an answer. */
  replaces: Replacement | null;
  /** Kills the process once it has had its time to leave. */
  killTimer: NodeJS.Timeout | null;
}

export type SlotPhase = SlotState['phase'];

/** A worker process, from fork to exit, with what dispatch knows of it. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Epoch ms of the fork. */
  readonly spawnedAt: number;
  /** Connections handed over, and how many the worker said it received. */
  handed: number;
  acked: number;
  inRequest: boolean;
  /** Kept-alive connections the worker holds. */
  open: number;
  request: RequestInProgress | null;
  /** Requests of this process (uWSGI's delta_requests). */
  deltaRequests: number;
  rss: number;
  vsz: number;
  /** Epoch ms of the latest message from the process (accept = workers: its tallies are a heartbeat). */
  lastHeard: number;
  /** accept = workers: connections the worker took whose first request has not started. */
  waiting: number;
  /** accept = workers: epoch ms of its latest tally (its busy share is measured since). */
  lastTallyAt: number;
}

export interface RequestInProgress {
  /** Epoch ms the request started. */
  at: number;
  method: string;
  path: string;
}

/** What a spawn is for. `backoffMs` and `replaces` are told in the spawn event's detail. */
export interface SpawnOrder {
  kind: SpawnKind;
  reason: string;
  /** The worker this one replaces: it leaves once this one is ready. */
  replaces: Replacement | null;
  /** The respawn waited this long (a worker dying young). */
  backoffMs: number | null;
}

export interface Replacement {
  /** The recycling worker's slot and pid (the pid guards against a slot that moved on). */
  id: number;
  pid: number;
  reason: RecycleReason;
  detail: string;
}

/** Exit reasons a worker is asked to stop for; `crash` and `signal` are the ones nobody asked for. */
export type StopReason = Exclude<ExitReason, 'crash' | 'signal'>;

export interface StopOrder {
  reason: StopReason;
  detail: string;
  /** The slot stays empty afterwards (cheaped, or replaced by a worker in another slot). */
  thenCheap: boolean;
}

export interface SpawnRecord {
  /** Epoch ms. */
  at: number;
  kind: SpawnKind;
  reason: string;
  /** Spawn to ready, once ready. */
  loadMs: number | null;
}

/** uWSGI's per-slot counters: they survive respawns. */
export interface SlotCounters {
  requests: number;
  exceptions: number;
  harakiriCount: number;
  tx: number;
  runningTimeUs: number;
  avgRtUs: number;
  /** Request-duration histogram across the slot's lives (see DURATION_BUCKETS_S). */
  hist: number[];
  /** Dynamic batching: batches predicted and the texts in them (see batch-max-size). */
  batches: number;
  batchedTexts: number;
  /** Spawns of the slot, the first included. */
  respawnCount: number;
}

export function emptySlot(id: number): Slot {
  return {
    id,
    state: { phase: 'cheap' },
    counters: {
      requests: 0,
      exceptions: 0,
      harakiriCount: 0,
      tx: 0,
      runningTimeUs: 0,
      avgRtUs: 0,
      hist: emptyHistogram(),
      batches: 0,
      batchedTexts: 0,
      respawnCount: 0,
    },
    lastSpawn: null,
    lastExit: null,
    fastDeaths: 0,
  };
}

export function newProcess(child: ChildProcess, now = Date.now()): WorkerProcess {
  return {
    child,
    pid: child.pid ?? 0,
    spawnedAt: now,
    handed: 0,
    acked: 0,
    inRequest: false,
    open: 0,
    request: null,
    deltaRequests: 0,
    rss: 0,
    vsz: 0,
    lastHeard: now,
    waiting: 0,
    lastTallyAt: now,
  };
}

/** A slot state with a process in it. */
export type LiveState = Extract<SlotState, { proc: WorkerProcess }>;

/**
 * The process of `st`, now leaving for `stop`. A replacement stopped while loading keeps its
 * promise to the worker it was to replace; a process stopped after it was ready keeps when that was.
 */
export function stoppingState(st: LiveState, stop: StopOrder, killTimer: NodeJS.Timeout | null): StoppingState {
  const readyAt = st.phase === 'loading' ? null : st.readyAt;
  const replaces = st.phase === 'loading' ? st.order.replaces : st.phase === 'stopping' ? st.replaces : null;
  return { phase: 'stopping', proc: st.proc, stop, readyAt, replaces, killTimer };
}

export type ReadySlot = Slot & { state: Extract<SlotState, { phase: 'ready' }> };

export function isReady(s: Slot): s is ReadySlot {
  return s.state.phase === 'ready';
}

/** The slot's process, if it has one (loading, ready or stopping). */
export function processOf(s: Slot): WorkerProcess | null {
  return 'proc' in s.state ? s.state.proc : null;
}

/** A process, or a spawn waiting for its turn: the slot counts against the pool's maximum. */
export function isRunning(s: Slot): boolean {
  const p = s.state.phase;
  return p === 'pending' || p === 'loading' || p === 'ready' || p === 'stopping';
}

/** A request is in progress, or a connection was handed over and not yet acknowledged. */
export function isBusy(s: Slot): boolean {
  const p = processOf(s);
  return p !== null && (p.inRequest || p.handed > p.acked);
}

/** Connections handed over and not yet acknowledged, plus the request in progress. */
export function load(p: WorkerProcess): number {
  return p.handed - p.acked + (p.inRequest ? 1 : 0);
}

/** Requests at most this long (µs, the worker's average) are worth batching; longer ones spread. */
export const BATCHABLE_RT_US = 5000;

/** A worker's average says its requests are short enough to batch (unknown, 0, is not). */
export function batchable(avgRtUs: number): boolean {
  return avgRtUs > 0 && avgRtUs <= BATCHABLE_RT_US;
}

/**
 * Can take a new connection now. An idle worker always can. When workers batch (capacity > 1),
 * a busy one can too, up to its capacity, but only while its requests are short (its average,
 * and the one running now): then the new request joins the next batch within microseconds. A
 * worker with long or unknown requests never takes a second one, so long requests spread over
 * idle workers, and wait in the master's queue (which drives scaling) rather than behind one.
 */
export function isAvailable(s: Slot, capacity = 1, now = Date.now()): boolean {
  if (!isReady(s)) return false;
  if (!isBusy(s)) return true;
  const p = s.state.proc;
  const short = batchable(s.counters.avgRtUs) && !(p.inRequest && p.request && (now - p.request.at) * 1000 > BATCHABLE_RT_US);
  return capacity > 1 && short && load(p) < capacity;
}

/** The request the process is running now, if the master knows it. */
export function currentRequest(s: Slot): RequestInProgress | null {
  const p = processOf(s);
  return p?.inRequest ? p.request : null;
}

/** Send a message to a worker; one that is exiting is left to its exit handler. */
export function sendTo(p: WorkerProcess, m: MasterMessage): void {
  try {
    if (p.child.connected) p.child.send(m);
  } catch {
    // the worker is exiting; its exit handler deals with it
  }
}
