/**
 * The workers' lives: spawning (in turns, see spawn-concurrency), readiness, respawns and their
 * backoff, recycling (the replacement first when there is room), cheaping, harakiri, reloads and
 * the stop at shutdown. What to do is decided by pure functions (respawn.ts, chainReload.ts,
 * replacement.ts); this class carries it out on processes and timers, and tells it as events.
 */
import type { Config } from '../../config/index.js';
import type { ExitReason, SpawnKind } from '../../../core/stats/schema.js';
import type net from 'node:net';
import { isWorkerMessage, type ModelShape, type AdminRequest, type Protocol, type RecycleReason, type WorkerMessage } from '../../ipc/messages.js';
import type { AppResponse } from '../../app/types.js';
import { log } from '../../log.js';
import type { Dispatch } from '../dispatch/dispatch.js';
import type { PoolEvents, ToldEvent } from '../events.js';
import {
  isBusy,
  isReady,
  isRunning,
  newProcess,
  processOf,
  sendTo,
  stoppingState,
  type Replacement,
  type Slot,
  type SpawnOrder,
  type StopOrder,
  type WorkerProcess,
} from '../slot.js';
import { startChain, stepChain, type ChainReload, type ChainSlot } from './chainReload.js';
import { exitWords } from './exitWords.js';
import { freeSlot, isBeingReplaced, replacing, stillServing } from './replacement.js';
import { afterExit, exitIsTrouble } from './respawn.js';
import { forkWorker, workerEnv } from './workerLaunch.js';

export interface BackendInfo {
  name: string;
  detail: string;
}

export interface LifecyclePorts {
  events: PoolEvents;
  dispatch: Dispatch;
  /** No worker has ever loaded the model and one failed to: the master stops with code 1. */
  giveUp(why: string): void;
  /** Shutting down, and the last worker is gone. */
  allGone(): void;
  /** A worker became ready (accept = workers: it receives the listening sockets). */
  workerReady(p: WorkerProcess): void;
  /** A worker sent back a copy of listener `index` for the master to keep (accept = workers). */
  keeper(index: number, handle: unknown): void;
  /** A worker forwarded a request for the master's own routes. */
  admin(req: AdminRequest): Promise<AppResponse>;
  /** A worker passed on a connection it accepted and did not read, for the master's queue (accept = workers). */
  spilled(proto: Protocol, socket: net.Socket): void;
}

/** What a spawn event tells beside its kind: the worker it replaces, the backoff it waited. */
function spawnDetail(order: SpawnOrder): ToldEvent['detail'] {
  if (order.replaces !== null) return { replaces: order.replaces.id };
  if (order.backoffMs !== null) return { backoff_ms: order.backoffMs };
  return undefined;
}

function chainView(s: Slot): ChainSlot {
  return { phase: s.state.phase, pid: processOf(s)?.pid ?? null };
}

function closeHandle(handle: unknown): void {
  const h = handle as { destroy?: () => void; close?: () => void };
  if (h.destroy) h.destroy();
  else h.close?.();
}

export class Lifecycle {
  backend: BackendInfo = { name: 'unknown', detail: 'no worker has loaded the model yet' };
  /** The model's shape as the latest ready worker loaded it (any format), null before that or for a user's app. */
  modelShape: ModelShape | null = null;
  private everReady = false;
  private shutting = false;
  private chain: ChainReload | null = null;
  private readonly spawnQueue: Slot[] = [];

  constructor(
    private readonly slots: readonly Slot[],
    private readonly config: Config,
    private readonly ports: LifecyclePorts,
    private readonly workerScript: string,
  ) {}

  get shuttingDown(): boolean {
    return this.shutting;
  }

  spawn(s: Slot, kind: SpawnKind, reason: string, more: { replaces?: Replacement; backoffMs?: number } = {}): void {
    if (this.shutting || isRunning(s)) return;
    if (s.state.phase === 'respawn-wait') clearTimeout(s.state.timer);
    const order: SpawnOrder = { kind, reason, replaces: more.replaces ?? null, backoffMs: more.backoffMs ?? null };
    // Loading is CPU-bound: N workers loading at once on fewer cores all become ready late
    // together; taking turns makes the first ones ready early. The slot counts as running
    // (pending) meanwhile, so the scaler does not spawn for it twice.
    if (this.loadingNow() >= this.config['spawn-concurrency']) {
      s.state = { phase: 'pending', order };
      this.spawnQueue.push(s);
      return;
    }
    this.fork(s, order);
  }

  private loadingNow(): number {
    return this.slots.filter((x) => x.state.phase === 'loading').length;
  }

  /** Start waiting spawns while loading turns are free (after a worker got ready or died). */
  private startPendingSpawns(): void {
    while (this.spawnQueue.length > 0 && this.loadingNow() < this.config['spawn-concurrency']) {
      const s = this.spawnQueue.shift()!;
      if (this.shutting || s.state.phase !== 'pending') continue;
      this.fork(s, s.state.order);
    }
  }

  private fork(s: Slot, order: SpawnOrder): void {
    const child = forkWorker(this.workerScript, workerEnv(this.config, s.id, process.env));
    const proc = newProcess(child);
    s.state = { phase: 'loading', proc, order };
    s.lastSpawn = { at: proc.spawnedAt, kind: order.kind, reason: order.reason, loadMs: null };
    s.counters.respawnCount++;
    this.ports.events.record({ type: 'spawn', kind: order.kind, reason: order.reason, worker: s.id, pid: proc.pid, detail: spawnDetail(order) });
    child.on('message', (m: unknown, handle: unknown) => {
      if (isWorkerMessage(m) && processOf(s) === proc) this.onMessage(s, proc, m, handle);
      // A handle from a process the slot no longer holds is closed, not leaked.
      else if (handle) closeHandle(handle);
    });
    child.on('error', (e) => log('warn', `worker ${s.id} (pid ${proc.pid}): ${e.message}`));
    child.once('exit', (code, signal) => this.onExit(s, proc, code, signal));
  }

  private onMessage(s: Slot, proc: WorkerProcess, m: WorkerMessage, handle: unknown): void {
    proc.lastHeard = Date.now();
    switch (m.t) {
      case 'ready':
        this.onReady(s, proc, m);
        return;
      case 'load-failed':
        this.onLoadFailed(s, proc, m.error);
        return;
      case 'recycle':
        this.recycle(s, m.reason, m.detail);
        return;
      case 'keeper':
        this.ports.keeper(m.index, handle);
        return;
      case 'spilled':
        if (handle) this.ports.spilled(m.proto, handle as net.Socket);
        return;
      case 'admin':
        void this.ports.admin(m.req).then(
          (out) => sendTo(proc, { t: 'admin-answer', id: m.id, ...out }),
          (e: Error) => sendTo(proc, { t: 'admin-answer', id: m.id, status: 500, headers: {}, body: JSON.stringify({ error: e.message }) }),
        );
        return;
      default:
        this.ports.dispatch.report(s, proc, m);
    }
  }

  /**
   * At start every worker fails alike: say it once, and stop before any is counted ready. Later
   * (a new model file, a chain reload) the workers that loaded keep serving, and a chain reload
   * stops at the worker that cannot load: the ones not reloaded yet keep what they loaded.
   */
  private onLoadFailed(s: Slot, proc: WorkerProcess, error: string): void {
    const what = this.config.file ? 'the app' : 'the model';
    if (!this.everReady) {
      if (this.shutting) return;
      log('error', `cannot serve ${what}: ${error}`);
      log(
        'error',
        this.config.file
          ? 'no worker has ever loaded the app: stopping. Fix the app, or the `file`, `module` and `callable` options.'
          : 'no worker has ever loaded the model: stopping. Check the `model`, `word-index`, `labels` and `backend` options.',
      );
      this.ports.giveUp(`${what} failed to load`);
      return;
    }
    log('error', `worker ${s.id} (pid ${proc.pid}) could not load ${this.config.file ? 'its app' : 'the model'}: ${error}`);
    if (this.chain?.current?.slot !== s.id) return;
    const rest = this.chain.todo.length;
    log(
      'error',
      `chain reload stopped at worker ${s.id}: the ${rest} worker${rest === 1 ? '' : 's'} not reloaded yet keep serving what they loaded; worker ${s.id} keeps retrying`,
    );
    this.ports.events.record({ type: 'reload', kind: 'chain-stopped', reason: `chain reload stopped: worker ${s.id} cannot load ${what}`, worker: s.id });
    this.chain = null;
  }

  private onReady(s: Slot, proc: WorkerProcess, m: Extract<WorkerMessage, { t: 'ready' }>): void {
    const st = s.state;
    if (st.phase !== 'loading') return;
    const readyAt = Date.now();
    const loadMs = Math.round(readyAt - proc.spawnedAt);
    s.state = { phase: 'ready', proc, readyAt };
    s.lastSpawn = { at: proc.spawnedAt, kind: st.order.kind, reason: st.order.reason, loadMs };
    this.backend = { name: m.backend, detail: m.backendDetail };
    this.modelShape = m.shape;
    if (!this.everReady) log('info', `model: ${m.model}\nmodel backend: ${m.backendDetail}`);
    this.everReady = true;
    const load = Math.round(m.loadMs);
    this.ports.events.record({
      type: 'ready',
      reason: `model loaded in ${load} ms (spawn to ready ${loadMs} ms)`,
      worker: s.id,
      pid: proc.pid,
      detail: { load_ms: load, spawn_to_ready_ms: loadMs },
    });
    if (st.order.replaces !== null) this.releaseReplaced(s, st.order.replaces);
    this.ports.dispatch.workerReady(proc);
    this.ports.workerReady(proc);
    this.startPendingSpawns();
    this.advanceChain();
    this.ports.dispatch.pump();
  }

  /**
   * Graceful stop: the worker takes nothing new, finishes what it holds and exits; past
   * worker-reload-mercy it is killed. Only a loading or ready worker can be asked.
   */
  stopWorker(s: Slot, stop: StopOrder, mercyS = this.config['worker-reload-mercy']): void {
    const st = s.state;
    if (st.phase !== 'loading' && st.phase !== 'ready') return;
    const proc = st.proc;
    const killTimer = setTimeout(() => {
      if (processOf(s) !== proc) return;
      log('warn', `worker ${s.id} (pid ${proc.pid}) still busy ${mercyS} s after being asked to stop (${stop.detail}): killing it`);
      proc.child.kill('SIGKILL');
    }, mercyS * 1000);
    s.state = stoppingState(st, stop, killTimer);
    sendTo(proc, { t: 'stop', reason: stop.detail });
  }

  /**
   * Recycle a worker (max-requests, reload-on-rss, max-worker-lifetime). When the pool has a
   * free slot, the replacement starts there while the old worker keeps serving, and the old
   * one is asked to stop (finishing its request) only once the replacement is ready: capacity
   * never dips. At the pool's maximum there is no room for both, so it is recycled in place:
   * it finishes its request, exits, and its slot respawns.
   */
  recycle(s: Slot, reason: RecycleReason, detail: string): void {
    if (!isReady(s) || isBeingReplaced(this.slots, s.id)) return;
    const pid = s.state.proc.pid;
    const room = this.shutting ? undefined : freeSlot(this.slots);
    if (room === undefined) {
      this.ports.events.record({ type: 'exit', kind: reason, reason: `recycling: ${detail}`, worker: s.id, pid, detail: { phase: 'start', reason } });
      this.stopWorker(s, { reason, detail, thenCheap: false });
      return;
    }
    this.ports.events.record({
      type: 'exit',
      kind: reason,
      reason: `recycling: ${detail}; it serves until worker ${room.id} is ready`,
      worker: s.id,
      pid,
      detail: { phase: 'start', reason, replaced_by: room.id },
    });
    this.spawn(room, 'recycle', `replacing worker ${s.id} (${detail})`, { replaces: { id: s.id, pid, reason, detail } });
  }

  /** A replacement is ready: the worker it replaces finishes its request and leaves its slot cheap. */
  private releaseReplaced(s: Slot, r: Replacement): void {
    const old = stillServing(this.slots, r);
    if (old !== null) this.stopWorker(old, { reason: r.reason, detail: `${r.detail}; replaced by worker ${s.id}`, thenCheap: true });
  }

  /** A replacement died before it was ready: recycle the old worker in place after all. */
  private replacementFailed(s: Slot, r: Replacement): void {
    const old = stillServing(this.slots, r);
    if (old === null || this.shutting) return;
    log('warn', `worker ${s.id}, replacing worker ${r.id}, exited before it was ready: recycling worker ${r.id} in place`);
    this.stopWorker(old, { reason: r.reason, detail: r.detail, thenCheap: false });
  }

  /** Cheap a worker (scale down): it finishes what it holds, then its slot stays empty. */
  cheap(s: Slot, reason: string): void {
    if (!isReady(s) || isBusy(s)) return;
    this.ports.events.record({ type: 'cheap-start', reason, worker: s.id, pid: s.state.proc.pid });
    this.stopWorker(s, { reason: 'cheaped', detail: reason, thenCheap: true });
  }

  /** Kill a worker stuck in one request (harakiri); with harakiri-graceful-timeout, a signal first. */
  harakiri(s: Slot, elapsedMs: number): void {
    const st = s.state;
    if (st.phase !== 'ready' && st.phase !== 'stopping') return;
    const proc = st.proc;
    // A worker that reports on a timer (accept = workers) and went silent may not have told its request.
    const r = proc.request ?? { method: '-', path: '-' };
    s.counters.harakiriCount++;
    const what = proc.request ? `${r.method} ${r.path} running` : 'no word from the worker (its event loop is blocked)';
    const detail = `${what} for ${(elapsedMs / 1000).toFixed(1)} s (harakiri = ${this.config.harakiri} s)`;
    this.ports.events.record(
      { type: 'harakiri', reason: detail, worker: s.id, pid: proc.pid, detail: { method: r.method, path: r.path, elapsed_ms: Math.round(elapsedMs) } },
      'warn',
    );
    proc.request = null;
    if (st.phase === 'stopping' && st.killTimer) clearTimeout(st.killTimer);
    const graceful = this.config['harakiri-graceful-timeout'];
    const killTimer = graceful > 0 ? setTimeout(() => proc.child.kill('SIGKILL'), graceful * 1000) : null;
    // A worker already leaving its slot empty (cheaped, replaced) still does after harakiri.
    const thenCheap = st.phase === 'stopping' && st.stop.thenCheap;
    s.state = stoppingState(st, { reason: 'harakiri', detail, thenCheap }, killTimer);
    proc.child.kill(graceful > 0 ? (this.config['harakiri-graceful-signal'] as NodeJS.Signals) : 'SIGKILL');
  }

  /** evil-reload-on-rss: the master kills the worker; its slot respawns. */
  killForRss(s: Slot, detail: string): void {
    const st = s.state;
    if (st.phase !== 'loading' && st.phase !== 'ready') return;
    s.state = stoppingState(st, { reason: 'rss', detail, thenCheap: false }, null);
    st.proc.child.kill('SIGKILL');
  }

  private onExit(s: Slot, proc: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const st = s.state;
    if (!('proc' in st) || st.proc !== proc) return;
    if (st.phase === 'stopping' && st.killTimer) clearTimeout(st.killTimer);
    const asked = st.phase === 'stopping' ? st.stop : null;
    const reason: ExitReason = asked?.reason ?? (signal ? 'signal' : 'crash');
    const words = exitWords(code, signal);
    const lost = proc.inRequest ? proc.request : null;
    const lostRequest = lost ? ` while serving ${lost.method} ${lost.path}` : '';
    const replaces = replacing(s);
    const wasReady = st.phase === 'ready' || (st.phase === 'stopping' && st.readyAt !== null);
    const after = afterExit(
      { asked, reason, words, wasReady, lifetimeMs: Date.now() - proc.spawnedAt, failedReplacement: replaces !== null },
      { shuttingDown: this.shutting, fastDeaths: s.fastDeaths, forkbombDelayS: this.config['forkbomb-delay'] },
    );
    s.state = after.next === 'cheap' ? { phase: 'cheap' } : { phase: 'down' };
    s.lastExit = { at: Date.now(), reason, detail: asked ? `${asked.detail}; ${words}` : `${words}${lostRequest}` };
    this.ports.events.record(
      {
        type: 'exit',
        kind: reason,
        reason: asked ? `${reason}: ${asked.detail} (${words})` : `${reason}: ${words}${lostRequest}`,
        worker: s.id,
        pid: proc.pid,
        detail: { reason, code: code ?? -1, signal: signal ?? '' },
      },
      exitIsTrouble(asked?.reason ?? null, code, signal) ? 'warn' : 'info',
    );
    if (reason === 'cheaped') this.ports.events.record({ type: 'cheap-done', reason: `slot ${s.id} is now cheap`, worker: s.id, pid: proc.pid });
    if (replaces !== null) this.replacementFailed(s, replaces);
    if (this.shutting) {
      this.finishIfGone();
      return;
    }
    this.startPendingSpawns();
    if (after.next === 'respawn') {
      s.fastDeaths = after.fastDeaths;
      if (after.delayMs === 0) {
        this.spawn(s, after.kind, after.reason);
      } else {
        log('warn', `worker ${s.id} died ${after.fastDeaths} times in a row soon after starting: respawning in ${after.delayMs} ms`);
        const { kind, delayMs } = after;
        const why = `${after.reason}, after a ${delayMs} ms backoff`;
        const order: SpawnOrder = { kind, reason: why, replaces: null, backoffMs: delayMs };
        s.state = { phase: 'respawn-wait', order, timer: setTimeout(() => this.spawn(s, kind, why, { backoffMs: delayMs }), delayMs) };
      }
    }
    this.advanceChain();
    this.ports.dispatch.pump();
  }

  // ---- reloads -----------------------------------------------------------------------------

  /** Graceful reload of every worker at once (SIGHUP, `r`): each finishes its request first. */
  reloadAll(why: string): void {
    this.ports.events.record({ type: 'reload', kind: 'all', reason: `graceful reload of all workers (${why})` });
    for (const s of this.slots) this.stopWorker(s, { reason: 'reload', detail: why, thenCheap: false });
  }

  /** Chain reload (`c`): one worker at a time, the next only when a new worker is ready in the previous one's slot. */
  chainReload(why: string): void {
    if (this.chain !== null) {
      log('warn', 'a chain reload is already running; ignoring the new request');
      return;
    }
    this.chain = startChain(this.slots.map(chainView));
    this.ports.events.record({ type: 'reload', kind: 'chain', reason: `chain reload of ${this.chain.todo.length} workers (${why})` });
    this.advanceChain();
  }

  private advanceChain(): void {
    if (this.chain === null) return;
    const step = stepChain(this.chain, this.slots.map(chainView));
    if (step.action === 'done') {
      this.chain = null;
      this.ports.events.record({ type: 'reload', kind: 'chain-done', reason: 'chain reload complete' });
      return;
    }
    this.chain = step.chain;
    if (step.action === 'stop') this.stopWorker(this.slots[step.slot - 1]!, { reason: 'reload', detail: 'chain reload', thenCheap: false });
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /** From now on nothing is spawned and no reload goes on. */
  beginShutdown(): void {
    this.shutting = true;
    this.chain = null;
  }

  /** Graceful: spawns are cancelled, loading workers killed, the others asked to stop by `deadline` (epoch ms). */
  stopAll(why: string, deadline: number): void {
    this.spawnQueue.length = 0;
    for (const s of this.slots) {
      const st = s.state;
      if (st.phase === 'respawn-wait') clearTimeout(st.timer);
      if (st.phase === 'respawn-wait' || st.phase === 'pending') s.state = { phase: 'down' };
      else if (st.phase === 'loading') st.proc.child.kill('SIGKILL');
      else this.stopWorker(s, { reason: 'shutdown', detail: why, thenCheap: false }, Math.max(0.1, (deadline - Date.now()) / 1000));
    }
    this.finishIfGone();
  }

  /** Brutal (FIFO `Q`): spawns are cancelled and every worker is killed now. */
  killAll(why: string): void {
    this.spawnQueue.length = 0;
    for (const s of this.slots) {
      const st = s.state;
      if (st.phase === 'respawn-wait') clearTimeout(st.timer);
      if (st.phase === 'respawn-wait' || st.phase === 'pending') {
        s.state = { phase: 'down' };
      } else if ('proc' in st) {
        const leaving = st.phase === 'stopping';
        s.state = stoppingState(st, { reason: 'shutdown', detail: why, thenCheap: leaving && st.stop.thenCheap }, leaving ? st.killTimer : null);
        st.proc.child.kill('SIGKILL');
      }
    }
    this.finishIfGone();
  }

  private finishIfGone(): void {
    if (this.shutting && this.slots.every((s) => processOf(s) === null)) this.ports.allGone();
  }
}
