/**
 * The master process: owns the listening sockets, the queue of requests waiting for a worker,
 * and the pool of worker processes. It accepts each connection, routes it (admin routes here,
 * the rest to the idle worker that `chooseWorker` picks), and applies what the scaler and the
 * lifecycle rules decide. How a request travels is described in README.md, "How it works".
 */
import { fork, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import type { ExitReason } from '../../core/stats/schema.js';
import { isWorkerMessage, type MasterMessage, type Protocol, type RecycleReason, type WorkerMessage } from '../ipc/messages.js';
import { jsonErrorBytes } from '../protocol/hooks.js';
import { createHttpConnectionServer } from '../protocol/httpConnection.js';
import { createUwsgiConnectionServer } from '../protocol/uwsgiConnection.js';
import type { ServeHooks } from '../protocol/hooks.js';
import { log } from '../log.js';
import { REPORT_EVERY_MS, WORKER_SETTINGS_ENV, type WorkerSettings } from '../worker/settings.js';
import { ADMIN_PATHS, createAdminRoutes, type AdminFacts, type ExtraRoute } from './adminRoutes.js';
import { chooseWorker } from './choose.js';
import { exitWords } from './exitWords.js';
import { PoolEvents } from './events.js';
import { type Accepted, listenOn, readHead, vacuumUnix } from './listeners.js';
import { procMemory } from './procMemory.js';
import { emptySlot, freeSlot, isBusy, isRunning, type Slot } from './slot.js';
import type { Address } from '../../core/net/address.js';

/** how long a request may wait before workers release kept-alive connections (see announceQueue) */
const REBALANCE_AFTER_MS = 100;

const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'worker', 'main.js');

export interface Listener {
  proto: Protocol;
  server: net.Server;
  address: Address;
  bound: string;
}

export interface BackendInfo {
  name: string;
  detail: string;
}

export type StopReason = Extract<ExitReason, 'cheaped' | 'reload' | 'shutdown' | 'max-requests' | 'max-lifetime' | 'rss' | 'harakiri'>;

export class Master {
  readonly slots: Slot[];
  readonly events: PoolEvents;
  readonly startedAt = Date.now();
  readonly listeners: Listener[] = [];
  readonly queue: Accepted[] = [];
  /** requests answered 503 because the queue was full */
  rejected = 0;
  backend: BackendInfo = { name: 'unknown', detail: 'no worker has loaded the model yet' };
  /** extra master routes (/metrics), added by the stats layer */
  readonly extraRoutes = new Map<string, ExtraRoute>();
  /** called once per check interval, after harakiri and memory checks (the scaler) */
  onCheck: (() => void) | null = null;
  /** set by attachScaler; read by the stats and the FIFO */
  scaler: import('./scaler.js').Scaler | null = null;
  /** set by the stats layer: the current uWSGI-format stats document */
  statsDocument: (() => unknown) | null = null;
  /** FIFO `p`: requests wait in the queue instead of reaching workers */
  paused = false;

  private shuttingDown = false;
  private everReady = false;
  private queueAnnounced = false;
  private checkTimer: NodeJS.Timeout | null = null;
  private lastMemoryRead = 0;
  private shutdownCode = 0;
  private readonly admin: ReturnType<typeof createHttpConnectionServer>;
  private readonly adminUwsgi: ReturnType<typeof createUwsgiConnectionServer>;
  private chain: number[] = [];
  private readonly spawnQueue: Slot[] = [];
  private exitResolve: ((code: number) => void) | null = null;
  readonly exited: Promise<number>;

  constructor(
    readonly config: Config,
    private readonly workerScript = WORKER_SCRIPT,
  ) {
    this.slots = Array.from({ length: config.workers }, (_, i) => emptySlot(i + 1));
    this.events = new PoolEvents(config['stats-events']);
    const hooks: ServeHooks = {
      handler: createAdminRoutes(() => this.adminFacts(), this.extraRoutes),
      maxBodySize: config['max-body-size'],
      onStart: () => {},
      onEnd: () => {},
      shouldClose: () => true,
    };
    this.admin = createHttpConnectionServer(hooks);
    this.adminUwsgi = createUwsgiConnectionServer(hooks);
    this.exited = new Promise((resolve) => (this.exitResolve = resolve));
  }

  // ---- start -------------------------------------------------------------------------------

  /** Binds the app listeners, before any worker exists (and, started as root, before privileges are dropped). */
  async listen(): Promise<void> {
    const c = this.config;
    const mode = c['chmod-socket'] ?? undefined;
    for (const [proto, list] of [['http', c.http], ['uwsgi', c.socket]] as const) {
      for (const address of list) {
        // The kernel backlog stays large: `listen` bounds the master's own queue (with 503s), and a
        // small backlog would make UNIX-socket clients fail with EAGAIN before the master sees them.
        const l = await listenOn({ proto, address, mode, backlog: Math.max(c.listen, 1024) }, (socket) => this.accept(socket, proto));
        this.listeners.push({ proto, ...l });
        log('info', `listening on ${l.bound} (${proto === 'http' ? 'HTTP' : 'uwsgi protocol'})`);
      }
    }
  }

  /** Spawns the workers started at boot and starts the periodic checks. */
  startPool(): void {
    const c = this.config;
    const initial = c.cheaper > 0 ? c['cheaper-initial'] : c.workers;
    for (let i = 0; i < initial; i++) this.spawn(this.slots[i]!, 'initial');
    const intervalMs = Math.min(1000, Math.max(100, c['cheaper-check-interval'] * 1000));
    this.checkTimer = setInterval(() => this.check(), intervalMs);
  }

  // ---- accepting and dispatch ----------------------------------------------------------------

  private accept(socket: net.Socket, proto: Protocol): void {
    void readHead(socket, proto).then((a) => {
      if (a === null) return;
      if (a.peek.kind === 'route' && (ADMIN_PATHS.has(a.peek.path) || this.extraRoutes.has(a.peek.path))) {
        (proto === 'http' ? this.admin : this.adminUwsgi).adopt(a.socket, a.head);
        return;
      }
      this.enqueue(a);
    });
  }

  private enqueue(a: Accepted): void {
    if (this.queue.length >= this.config.listen) {
      this.rejected++;
      a.socket.end(jsonErrorBytes(503, `All workers are busy and ${this.queue.length} requests are already waiting (listen = ${this.config.listen}); retry shortly`, { 'Retry-After': '1' }));
      return;
    }
    a.socket.once('close', () => this.dropFromQueue(a));
    a.queuedAt = Date.now();
    this.queue.push(a);
    this.pump();
  }

  private dropFromQueue(a: Accepted): void {
    const i = this.queue.indexOf(a);
    if (i !== -1) this.queue.splice(i, 1);
  }

  /** Hand waiting connections to available workers, as long as both exist. */
  pump(): void {
    while (this.queue.length > 0 && !this.paused) {
      const w = chooseWorker(this.slots, this.config['batch-max-size']);
      if (!w) break;
      const a = this.queue.shift()!;
      a.socket.removeAllListeners('close');
      if (a.socket.destroyed) continue;
      this.handOff(w, a);
    }
    this.announceQueue();
  }

  private handOff(w: Slot, a: Accepted): void {
    const child = w.child!;
    w.handed++;
    const msg: MasterMessage = { t: 'conn', proto: a.proto, head: a.head.toString('base64') };
    try {
      child.send(msg, a.socket, (err) => {
        if (err) this.requeue(w, a);
      });
    } catch {
      this.requeue(w, a);
    }
  }

  private requeue(w: Slot, a: Accepted): void {
    w.handed = Math.max(w.acked, w.handed - 1);
    if (a.socket.destroyed) return;
    this.queue.unshift(a);
    setImmediate(() => this.pump());
  }

  /**
   * Tell workers whether requests wait, so kept-alive connections are released to the queue.
   * Only a request that has waited REBALANCE_AFTER_MS counts: requests that the next idle gap
   * will serve need no rebalancing, and closing connections for them would only turn every
   * kept-alive client into a reconnecting one (each close re-enters the queue, forever).
   */
  private announceQueue(now = Date.now()): void {
    const oldest = this.queue[0];
    const waiting = oldest !== undefined && now - (oldest.queuedAt ?? now) >= REBALANCE_AFTER_MS;
    if (waiting === this.queueAnnounced) return;
    this.queueAnnounced = waiting;
    for (const s of this.slots) if (s.state === 'ready') this.sendTo(s, { t: 'queue', waiting });
  }

  private sendTo(s: Slot, m: MasterMessage): void {
    try {
      if (s.child?.connected) s.child.send(m);
    } catch {
      // the worker is exiting; its exit handler deals with it
    }
  }

  // ---- workers -----------------------------------------------------------------------------

  private workerSettings(slot: number): WorkerSettings {
    const c = this.config;
    return {
      slot,
      modelDir: c.model,
      backend: c.backend,
      simulateLatencyMs: c['simulate-latency'],
      maxBodySize: c['max-body-size'],
      maxBatch: c['max-batch'],
      batchMaxSize: c['batch-max-size'],
      metricsOnAppListener: c.metrics === '',
      batchMaxDelayUs: c['batch-max-delay'],
      accessLog: !c['disable-logging'],
      logFormat: c['log-format'],
      maxRequests: c['max-requests'],
      minWorkerLifetimeS: c['min-worker-lifetime'],
      maxWorkerLifetimeS: c['max-worker-lifetime'],
      reloadOnRssMb: c['reload-on-rss'],
    };
  }

  spawn(s: Slot, reason: string): void {
    if (this.shuttingDown || isRunning(s)) return;
    if (s.respawnTimer) clearTimeout(s.respawnTimer);
    s.respawnTimer = null;
    // Loading is CPU-bound: N workers loading at once on fewer cores all become ready late
    // together; taking turns makes the first ones ready early. The slot counts as loading
    // (running, not ready) meanwhile, so the scaler does not spawn for it twice.
    if (this.loadingNow() >= this.config['spawn-concurrency']) {
      Object.assign(s, { state: 'loading', cheap: false, pendingSpawn: reason });
      this.spawnQueue.push(s);
      return;
    }
    this.fork(s, reason);
  }

  private loadingNow(): number {
    return this.slots.filter((x) => x.state === 'loading' && x.child !== null).length;
  }

  /** Start waiting spawns while loading slots are free (after a worker got ready or died). */
  private startPendingSpawns(): void {
    while (this.spawnQueue.length > 0 && this.loadingNow() < this.config['spawn-concurrency']) {
      const s = this.spawnQueue.shift()!;
      const reason = s.pendingSpawn;
      s.pendingSpawn = null;
      if (reason === null || this.shuttingDown || s.state !== 'loading' || s.child) continue;
      this.fork(s, reason);
    }
  }

  private fork(s: Slot, reason: string): void {
    const env: NodeJS.ProcessEnv = { ...process.env, [WORKER_SETTINGS_ENV]: JSON.stringify(this.workerSettings(s.id)) };
    for (const kv of this.config.env) {
      const i = kv.indexOf('=');
      env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    // execArgv is emptied on purpose: flags given to the master (an inspector, a loader) must
    // not slow down every worker start.
    const child: ChildProcess = fork(this.workerScript, [], { env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    Object.assign(s, {
      child, pid: child.pid ?? 0, state: 'loading', stopReason: null, stopDetail: '', cheap: false, spawnReason: reason,
      spawnedAt: Date.now(), readyAt: 0, loadMs: null, pendingSpawn: null, handed: 0, acked: 0, inRequest: false, open: 0, request: null,
      deltaRequests: 0, respawnCount: s.respawnCount + 1,
    });
    this.events.record('spawn', reason, { worker: s.id, pid: s.pid });
    child.on('message', (m: unknown) => {
      if (isWorkerMessage(m) && s.child === child) this.onWorkerMessage(s, m);
    });
    child.on('error', (e) => log('warn', `worker ${s.id} (pid ${s.pid}): ${e.message}`));
    child.once('exit', (code, signal) => this.onWorkerExit(s, child, code, signal));
  }

  private onWorkerMessage(s: Slot, m: WorkerMessage): void {
    switch (m.t) {
      case 'ready':
        if (s.state !== 'loading') return;
        s.state = 'ready';
        s.readyAt = Date.now();
        s.loadMs = Math.round(s.readyAt - s.spawnedAt);
        this.backend = { name: m.backend, detail: m.backendDetail };
        if (!this.everReady) log('info', `model backend: ${m.backendDetail}`);
        this.everReady = true;
        this.events.record('ready', `model loaded in ${Math.round(m.loadMs)} ms (spawn to ready ${s.loadMs} ms)`, { worker: s.id, pid: s.pid, detail: { load_ms: Math.round(m.loadMs), spawn_to_ready_ms: s.loadMs } });
        this.releaseReplaced(s);
        if (this.queueAnnounced) this.sendTo(s, { t: 'queue', waiting: true });
        this.startPendingSpawns();
        this.continueChain(s);
        this.pump();
        return;
      case 'load-failed':
        log('error', `worker ${s.id} (pid ${s.pid}) could not load the model: ${m.error}`);
        if (!this.everReady) {
          log('error', 'no worker has ever loaded the model: stopping. Check the `model` and `backend` options.');
          void this.shutdown('model failed to load', 1);
        }
        return;
      case 'busy':
        s.inRequest = true;
        s.request = { at: m.at, method: m.method, path: m.path };
        return;
      case 'next':
        s.request = { at: m.at, method: m.method, path: m.path };
        return;
      case 'idle':
        s.acked = m.got;
        s.inRequest = false;
        s.request = null;
        s.open = m.open;
        s.requests += m.n;
        s.deltaRequests += m.n;
        s.tx += m.tx;
        s.runningTimeUs += m.rtUs;
        s.exceptions += m.exc;
        s.avgRtUs = m.avgRtUs;
        for (let i = 0; i < m.hist.length; i++) s.hist[i]! += m.hist[i]!;
        s.batches += m.batches;
        s.batchedTexts += m.batchedTexts;
        this.pump();
        return;
      case 'recycle':
        this.recycle(s, m.reason, m.detail);
        return;
    }
  }

  /**
   * Graceful stop: the worker takes nothing new, finishes what it holds and exits; past
   * worker-reload-mercy it is killed.
   */
  stopWorker(s: Slot, reason: StopReason, detail: string, mercyS = this.config['worker-reload-mercy']): void {
    if (!s.child || s.state === 'empty' || s.state === 'stopping') return;
    s.state = 'stopping';
    s.stopReason = reason;
    s.stopDetail = detail;
    this.sendTo(s, { t: 'stop', reason: detail });
    const pid = s.pid;
    s.killTimer = setTimeout(() => {
      if (s.pid === pid && s.child) {
        log('warn', `worker ${s.id} (pid ${pid}) still busy ${mercyS} s after being asked to stop (${detail}): killing it`);
        s.child.kill('SIGKILL');
      }
    }, mercyS * 1000);
  }

  /**
   * Recycle a worker (max-requests, reload-on-rss, max-worker-lifetime). When the pool has a
   * free slot, the replacement starts there while the old worker keeps serving, and the old
   * one is asked to stop (finishing its request) only once the replacement is ready: capacity
   * never dips. At the pool's maximum there is no room for both, so it is recycled in place:
   * it finishes its request, exits, and its slot respawns.
   */
  recycle(s: Slot, reason: RecycleReason, detail: string): void {
    if (s.state !== 'ready' || this.slots.some((x) => x.replaces?.id === s.id)) return;
    const room = this.shuttingDown ? undefined : freeSlot(this.slots);
    if (room === undefined) {
      this.events.record('exit', `recycling: ${detail}`, { worker: s.id, pid: s.pid, detail: { phase: 'start', reason } });
      this.stopWorker(s, reason, detail);
      return;
    }
    this.events.record('exit', `recycling: ${detail}; it serves until worker ${room.id} is ready`, { worker: s.id, pid: s.pid, detail: { phase: 'start', reason, replaced_by: room.id } });
    room.replaces = { id: s.id, pid: s.pid, reason, detail };
    this.spawn(room, `replacing worker ${s.id} (${detail})`);
  }

  /** A replacement is ready: the worker it replaces finishes its request and leaves its slot cheap. */
  private releaseReplaced(s: Slot): void {
    const r = s.replaces;
    if (r === null) return;
    s.replaces = null;
    const old = this.slots[r.id - 1]!;
    if (old.pid !== r.pid || old.state !== 'ready') return;
    old.cheap = true;
    this.stopWorker(old, r.reason, `${r.detail}; replaced by worker ${s.id}`);
  }

  /** A replacement died before it was ready: recycle the old worker in place after all. */
  private replacementFailed(s: Slot): void {
    const r = s.replaces!;
    s.replaces = null;
    s.cheap = true;
    const old = this.slots[r.id - 1]!;
    if (old.pid !== r.pid || old.state !== 'ready' || this.shuttingDown) return;
    log('warn', `worker ${s.id}, replacing worker ${r.id}, exited before it was ready: recycling worker ${r.id} in place`);
    this.stopWorker(old, r.reason, r.detail);
  }

  /** Cheap a worker (scale down): it finishes what it holds, then its slot stays empty. */
  cheap(s: Slot, reason: string): void {
    if (s.state !== 'ready' || isBusy(s)) return;
    s.cheap = true;
    this.events.record('cheap-start', reason, { worker: s.id, pid: s.pid });
    this.stopWorker(s, 'cheaped', reason);
  }

  private harakiri(s: Slot, elapsedMs: number): void {
    const r = s.request!;
    s.harakiriCount++;
    const detail = `${r.method} ${r.path} running for ${(elapsedMs / 1000).toFixed(1)} s (harakiri = ${this.config.harakiri} s)`;
    this.events.record('harakiri', detail, { worker: s.id, pid: s.pid, detail: { method: r.method, path: r.path, elapsed_ms: Math.round(elapsedMs) } });
    s.state = 'stopping';
    s.stopReason = 'harakiri';
    s.stopDetail = detail;
    s.request = null;
    const graceful = this.config['harakiri-graceful-timeout'];
    const child = s.child!;
    if (graceful > 0) {
      child.kill(this.config['harakiri-graceful-signal'] as NodeJS.Signals);
      s.killTimer = setTimeout(() => child.kill('SIGKILL'), graceful * 1000);
    } else {
      child.kill('SIGKILL');
    }
  }

  private onWorkerExit(s: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (s.child !== child) return;
    if (s.killTimer) clearTimeout(s.killTimer);
    const pid = s.pid;
    const asked = s.stopReason;
    const reason: ExitReason = asked ?? (signal ? 'signal' : 'crash');
    const words = exitWords(code, signal);
    const lifetimeMs = Date.now() - s.spawnedAt;
    const wasReady = s.readyAt > 0;
    const lostRequest = s.inRequest && s.request ? ` while serving ${s.request.method} ${s.request.path}` : '';
    Object.assign(s, { child: null, pid: 0, state: 'empty', killTimer: null, inRequest: false, request: null, handed: 0, acked: 0, open: 0, rss: 0, vsz: 0 });
    s.lastExit = { at: Date.now(), reason, detail: asked ? `${s.stopDetail}; ${words}` : `${words}${lostRequest}` };
    this.events.record('exit', asked ? `${reason}: ${s.stopDetail} (${words})` : `${reason}: ${words}${lostRequest}`, { worker: s.id, pid, detail: { reason, code: code ?? -1, signal: signal ?? '' } });
    if (reason === 'cheaped') this.events.record('cheap-done', `slot ${s.id} is now cheap`, { worker: s.id, pid });
    s.stopReason = null;

    if (s.replaces !== null) this.replacementFailed(s);
    if (this.shuttingDown) {
      this.maybeFinishShutdown();
      return;
    }
    this.startPendingSpawns();
    if (s.cheap) {
      this.pump();
      return;
    }
    // Crashes soon after a spawn grow the respawn delay, so a worker that dies in a loop
    // does not become a fork bomb; a worker that lived a while is respawned at once.
    if (!asked && (!wasReady || lifetimeMs < 2000)) s.fastDeaths++;
    else if (!asked || wasReady) s.fastDeaths = 0;
    const delay = s.fastDeaths <= 1 ? 0 : Math.min(100 * 2 ** (s.fastDeaths - 2), Math.max(10000, this.config['forkbomb-delay'] * 1000));
    const why = asked ? `respawn after ${reason}` : `respawn after ${reason} (${words})`;
    if (delay === 0) this.spawn(s, why);
    else {
      log('warn', `worker ${s.id} died ${s.fastDeaths} times in a row soon after starting: respawning in ${delay} ms`);
      s.respawnTimer = setTimeout(() => this.spawn(s, `${why}, after a ${delay} ms backoff`), delay);
    }
    this.pump();
  }

  // ---- the periodic check --------------------------------------------------------------------

  private check(): void {
    const now = Date.now();
    const c = this.config;
    // Memory is read at most once a second, whatever the check interval.
    const readMemory = now - this.lastMemoryRead >= 1000;
    if (readMemory) this.lastMemoryRead = now;
    for (const s of this.slots) {
      if (!s.child || s.state === 'empty') continue;
      if (readMemory || s.rss === 0) {
        const mem = procMemory(s.pid);
        s.rss = mem.rss;
        s.vsz = mem.vsz;
      }
      if (c.harakiri > 0 && s.inRequest && s.request && s.stopReason !== 'harakiri') {
        const elapsed = now - s.request.at;
        // A saturated worker refreshes its request start only every REPORT_EVERY_MS, so wait
        // that much longer than harakiri before calling a request hung.
        if (elapsed > c.harakiri * 1000 + REPORT_EVERY_MS) this.harakiri(s, elapsed);
      }
      if (c['evil-reload-on-rss'] > 0 && s.rss > c['evil-reload-on-rss'] * 1048576 && s.state !== 'stopping') {
        const detail = `rss ${(s.rss / 1048576).toFixed(0)} MB > evil-reload-on-rss ${c['evil-reload-on-rss']} MB`;
        s.state = 'stopping';
        s.stopReason = 'rss';
        s.stopDetail = detail;
        s.child.kill('SIGKILL');
      }
    }
    this.announceQueue(now);
    if (!this.shuttingDown) this.onCheck?.();
  }

  // ---- reloads -----------------------------------------------------------------------------

  /** Graceful reload of every worker at once (SIGHUP, `r`): each finishes its request first. */
  reloadAll(why: string): void {
    this.events.record('reload', `graceful reload of all workers (${why})`);
    for (const s of this.slots) if (s.state === 'ready' || s.state === 'loading') this.stopWorker(s, 'reload', why);
  }

  /** Chain reload (`c`): one worker at a time, the next only when the previous replacement is ready. */
  chainReload(why: string): void {
    if (this.chain.length > 0) {
      log('warn', 'a chain reload is already running; ignoring the new request');
      return;
    }
    this.chain = this.slots.filter((s) => s.state === 'ready').map((s) => s.id);
    this.events.record('reload', `chain reload of ${this.chain.length} workers (${why})`);
    this.nextInChain();
  }

  private nextInChain(): void {
    const id = this.chain[0];
    if (id === undefined) return;
    const s = this.slots[id - 1]!;
    if (s.state !== 'ready') {
      this.chain.shift();
      return this.nextInChain();
    }
    this.stopWorker(s, 'reload', 'chain reload');
  }

  private continueChain(s: Slot): void {
    if (this.chain[0] !== s.id || s.spawnReason.indexOf('reload') === -1) return;
    this.chain.shift();
    if (this.chain.length === 0) this.events.record('reload', 'chain reload complete');
    this.nextInChain();
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /**
   * Stop accepting, serve what was already accepted (queued and in flight), then stop the
   * workers and exit. Bounded by reload-mercy.
   */
  togglePause(): void {
    this.paused = !this.paused;
    this.events.record('decision', this.paused ? 'paused: requests wait in the queue' : 'resumed');
    this.pump();
  }

  async shutdown(why: string, code = 0, brutal = false): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.chain = [];
    log('info', `shutting down (${why}): no new connections; finishing ${this.queue.length} waiting and ${this.slots.filter(isBusy).length} running requests`);
    if (this.checkTimer) clearInterval(this.checkTimer);
    for (const l of this.listeners) l.server.close();
    this.shutdownCode = code;
    this.paused = false;
    if (brutal) {
      for (const a of this.queue.splice(0)) a.socket.destroy();
      this.spawnQueue.length = 0;
      for (const s of this.slots) {
        if (s.state === 'loading' && !s.child) Object.assign(s, { state: 'empty', pendingSpawn: null });
        if (s.respawnTimer) clearTimeout(s.respawnTimer);
        if (s.child) {
          s.stopReason = 'shutdown';
          s.stopDetail = why;
          s.child.kill('SIGKILL');
        }
      }
      return this.maybeFinishShutdown();
    }
    const mercy = this.config['reload-mercy'] * 1000;
    const deadline = Date.now() + mercy;
    while (this.queue.length > 0 && Date.now() < deadline && this.slots.some((s) => s.state === 'ready')) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const a of this.queue.splice(0)) a.socket.end(jsonErrorBytes(503, 'The server is shutting down', { 'Retry-After': '1' }));
    this.spawnQueue.length = 0;
    for (const s of this.slots) {
      if (s.respawnTimer) clearTimeout(s.respawnTimer);
      if (s.state === 'loading' && !s.child) Object.assign(s, { state: 'empty', pendingSpawn: null });
      else if (s.state === 'loading') s.child?.kill('SIGKILL');
      else this.stopWorker(s, 'shutdown', why, Math.max(0.1, (deadline - Date.now()) / 1000));
    }
    this.maybeFinishShutdown();
  }


  private maybeFinishShutdown(): void {
    if (!this.shuttingDown || this.slots.some((s) => s.child !== null)) return;
    for (const l of this.listeners) if (this.config.vacuum) vacuumUnix(l.address);
    this.exitResolve?.(this.shutdownCode);
  }

  // ---- facts -------------------------------------------------------------------------------

  adminFacts(): AdminFacts {
    return {
      pid: process.pid,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      ready: this.slots.filter((s) => s.state === 'ready').length,
      busy: this.slots.filter(isBusy).length,
      running: this.slots.filter(isRunning).length,
      max: this.slots.length,
      queue: this.queue.length,
      backend: this.backend.detail,
    };
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}

export function writePidfile(file: string): void {
  fs.writeFileSync(file, `${process.pid}\n`);
}
