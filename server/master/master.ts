/**
 * The master process: owns the listening sockets and composes the pool's parts, each in its
 * folder: dispatch/ (the queue and who gets a connection), lifecycle/ (spawns, respawns,
 * recycling, reloads, shutdown), checks/ (harakiri, memory, the scaler's tick), and the stats it
 * keeps (the document, /metrics). How a request travels is described in README.md, "How it works".
 */
import type net from 'node:net';
import fs from 'node:fs';
import type { Config } from '../config/index.js';
import { acceptMode, type AcceptMode } from '../config/options.js';
import type { AppResponse } from '../app/types.js';
import type { AdminRequest, ModelShape } from '../ipc/messages.js';
import type { UwsgiStats } from '../../core/stats/schema.js';
import type { Protocol } from '../ipc/messages.js';
import { createHttpConnectionServer } from '../protocol/httpConnection.js';
import { createUwsgiConnectionServer } from '../protocol/uwsgiConnection.js';
import type { ServeHooks } from '../protocol/hooks.js';
import { log } from '../log.js';
import { buildStatsDocument } from '../stats/document.js';
import { createPoolMetrics, type PoolMetrics } from '../stats/metrics.js';
import { readServerFacts, type ServerFacts } from '../stats/serverFacts.js';
import { ADMIN_PATHS, createAdminRoutes, type AdminFacts, type ExtraRoute } from './adminRoutes.js';
import { PeriodicChecks } from './checks/checks.js';
import { Dispatch } from './dispatch/dispatch.js';
import { PoolEvents } from './events.js';
import { Lifecycle, type BackendInfo } from './lifecycle/lifecycle.js';
import { WORKER_SCRIPT } from './lifecycle/workerLaunch.js';
import { listenOn, readHead, vacuumUnix } from './accept/listeners.js';
import { SharedAccept } from './accept/sharedAccept.js';
import { Scaler } from './scaler.js';
import { emptySlot, isBusy, isReady, isRunning, processOf, sendTo, type Slot } from './slot.js';
import type { Address } from '../../core/net/address.js';

export interface Listener {
  proto: Protocol;
  server: net.Server;
  address: Address;
  bound: string;
  /** The TCP host and port bound (a port from the OS resolved); null for UNIX sockets. */
  endpoint: { host: string; port: number } | null;
}

/** Workers started at boot: `cheaper-initial`, or every slot when the cheaper subsystem is off. */
function initialWorkers(c: Config): number {
  return c.cheaper > 0 ? c['cheaper-initial'] : c.workers;
}

export class Master {
  readonly slots: Slot[];
  readonly events: PoolEvents;
  readonly startedAt = Date.now();
  readonly listeners: Listener[] = [];
  readonly dispatch: Dispatch;
  readonly lifecycle: Lifecycle;
  readonly scaler: Scaler;
  /** /metrics: on the HTTP listeners (metrics = ''), or on a listener of its own (see stats/start.ts). */
  readonly metrics: PoolMetrics;
  readonly exited: Promise<number>;
  /** Who accepts TCP connections (the `accept` option, `auto` resolved). */
  readonly accept: AcceptMode;
  /** accept = workers: the listening sockets the workers accept on, and the kernel's queues. */
  readonly shared: SharedAccept | null;

  private readonly checks: PeriodicChecks;
  private readonly facts: ServerFacts;
  private readonly routes: ReadonlyMap<string, ExtraRoute>;
  private readonly adminHandler: ReturnType<typeof createAdminRoutes>;
  private readonly admin: ReturnType<typeof createHttpConnectionServer>;
  private readonly adminUwsgi: ReturnType<typeof createUwsgiConnectionServer>;
  private shutdownCode = 0;
  /** Connections whose first bytes the master is reading (they join the queue next). */
  private readingHeads = 0;
  private finished = false;
  private exitResolve: (code: number) => void = () => {};

  constructor(
    readonly config: Config,
    workerScript = WORKER_SCRIPT,
  ) {
    const slots = Array.from({ length: config.workers }, (_, i) => emptySlot(i + 1));
    this.accept = acceptMode(config.accept);
    const shared = this.accept === 'workers' ? new SharedAccept(this.listeners, config.listen) : null;
    this.shared = shared;
    const events = new PoolEvents(config['stats-events']);
    const dispatch = new Dispatch(slots, { listen: config.listen, batchMaxSize: config['batch-max-size'] }, events);
    const lifecycle = new Lifecycle(
      slots,
      config,
      {
        events,
        dispatch,
        giveUp: (why) => void this.shutdown(why, 1),
        allGone: () => this.finish(),
        workerReady: (p) => shared?.workerReady(p),
        keeper: (index, handle) => shared?.keeper(index, handle),
        admin: (req) => this.answerAdmin(req),
        spilled: (proto, socket) => this.route(socket, proto),
      },
      workerScript,
    );
    const scaler = new Scaler(config, {
      slots,
      events,
      queueLength: () => this.queue().waiting,
      spawn: (s, kind, reason) => lifecycle.spawn(s, kind, reason),
      cheap: (s, reason) => lifecycle.cheap(s, reason),
    });
    this.checks = new PeriodicChecks(
      slots,
      { harakiriS: config.harakiri, evilReloadOnRssMb: config['evil-reload-on-rss'], heartbeat: shared !== null },
      {
        harakiri: (s, elapsedMs) => lifecycle.harakiri(s, elapsedMs),
        killForRss: (s, detail) => lifecycle.killForRss(s, detail),
        afterChecks: (now) => {
          dispatch.announceQueue(now);
          if (shared) dispatch.rebalance(now);
          if (!lifecycle.shuttingDown) scaler.check();
        },
      },
    );
    this.slots = slots;
    this.events = events;
    this.dispatch = dispatch;
    this.lifecycle = lifecycle;
    this.scaler = scaler;
    this.facts = readServerFacts(config.model);
    this.metrics = createPoolMetrics(this);
    this.routes = new Map<string, ExtraRoute>(config.metrics === '' ? [['/metrics', (method) => this.metrics.route(method)]] : []);
    this.adminHandler = createAdminRoutes(() => this.adminFacts(), this.routes);
    const hooks: ServeHooks = {
      handler: this.adminHandler,
      maxBodySize: config['max-body-size'],
      onStart: () => {},
      onEnd: () => {},
      shouldClose: () => true,
    };
    this.admin = createHttpConnectionServer(hooks);
    this.adminUwsgi = createUwsgiConnectionServer(hooks);
    this.exited = new Promise((resolve) => (this.exitResolve = resolve));
  }

  /** Bind every app listener (`http`, `socket`); connections wait in the queue until workers are ready. */
  async listen(): Promise<void> {
    const c = this.config;
    const mode = c['chmod-socket'] ?? undefined;
    for (const [proto, list] of [
      ['http', c.http],
      ['uwsgi', c.socket],
    ] as const) {
      for (const address of list) {
        // The kernel backlog stays large: `listen` bounds the master's own queue (with 503s), and a
        // small backlog would make UNIX-socket clients fail with EAGAIN before the master sees them.
        const l = await listenOn({ proto, address, mode, backlog: Math.max(c.listen, 1024) }, (socket) => this.route(socket, proto));
        this.listeners.push({ proto, ...l });
        log('info', `listening on ${l.bound} (${proto === 'http' ? 'HTTP' : 'uwsgi protocol'})`);
      }
    }
    if (c.accept === 'workers' && !this.listeners.some((l) => l.endpoint !== null)) {
      log('warn', 'accept = workers: no TCP listener to share; the master accepts on UNIX sockets whatever `accept` says');
    }
  }

  /** Spawn the boot workers and start the periodic check. */
  startPool(): void {
    for (const s of this.slots.slice(0, initialWorkers(this.config))) this.lifecycle.spawn(s, 'initial', 'initial');
    this.checks.start(this.config['cheaper-check-interval']);
  }

  private route(socket: net.Socket, proto: Protocol): void {
    this.readingHeads++;
    void readHead(socket, proto).then((a) => {
      this.readingHeads--;
      if (a === null) return;
      if (a.peek.kind === 'route' && (ADMIN_PATHS.has(a.peek.path) || this.routes.has(a.peek.path))) {
        (proto === 'http' ? this.admin : this.adminUwsgi).adopt(a.socket, a.head);
        return;
      }
      this.dispatch.enqueue(a);
    });
  }

  reloadAll(why: string): void {
    this.lifecycle.reloadAll(why);
  }

  chainReload(why: string): void {
    this.lifecycle.chainReload(why);
  }

  togglePause(): void {
    this.dispatch.togglePause();
  }

  /**
   * Stop accepting, serve what was already accepted (queued and in flight), then stop the
   * workers and exit. Bounded by reload-mercy.
   */
  async shutdown(why: string, code = 0, brutal = false): Promise<void> {
    const { dispatch, lifecycle } = this;
    if (lifecycle.shuttingDown) return;
    lifecycle.beginShutdown();
    const running = this.slots.filter(isBusy).length;
    log('info', `shutting down (${why}): no new connections; finishing ${this.queue().waiting} waiting and ${running} running requests`);
    this.checks.stop();
    for (const l of this.listeners) l.server.close();
    this.shutdownCode = code;
    dispatch.paused = false;
    if (brutal) {
      this.shared?.close();
      dispatch.dropAll('destroy');
      lifecycle.killAll(why);
      return;
    }
    if (this.shared) {
      // The workers take nothing new; what waits in the kernel comes to the master's queue.
      for (const s of this.slots) if (isReady(s)) sendTo(s.state.proc, { t: 'unlisten' });
      await this.shared.takeWhatWaits((socket, proto) => this.route(socket, proto));
    }
    const deadline = Date.now() + this.config['reload-mercy'] * 1000;
    const waiting = () => dispatch.queue.length > 0 || this.readingHeads > 0;
    while (waiting() && Date.now() < deadline && this.slots.some((s) => s.state.phase === 'ready')) {
      await new Promise((r) => setTimeout(r, 20));
    }
    dispatch.dropAll('answer');
    lifecycle.stopAll(why, deadline);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const l of this.listeners) if (this.config.vacuum) vacuumUnix(l.address);
    this.metrics.close();
    this.exitResolve(this.shutdownCode);
  }

  /**
   * Requests waiting for a worker: in the master's own queue, and (accept = workers) in the
   * kernel's accept queues and held by workers. `byListener` counts each listener's share.
   */
  queue(now = Date.now()): { waiting: number; byListener: number[] } {
    const own = this.dispatch.queue.length;
    const kernel = this.shared?.queueLengths(now) ?? this.listeners.map(() => 0);
    // Connections the workers took and have not started (accept = workers) wait too, on TCP listeners.
    const held = this.slots.reduce((n, s) => n + (processOf(s)?.waiting ?? 0), 0);
    const byListener = kernel.map((n, i) => n + own + (this.listeners[i]!.endpoint ? held : 0));
    return { waiting: own + held + kernel.reduce((a, b) => a + b, 0), byListener };
  }

  /** A worker forwarded a request for the master's own routes (a kept-alive connection, or accept = workers). */
  private async answerAdmin(r: AdminRequest): Promise<AppResponse> {
    return this.adminHandler({ method: r.method, path: r.path, query: r.query, headers: r.headers, body: Buffer.from(r.body, 'base64') });
  }

  get backend(): BackendInfo {
    return this.lifecycle.backend;
  }

  get modelShape(): ModelShape | null {
    return this.lifecycle.modelShape;
  }

  /** The uWSGI-format stats document now (the stats socket caches it; the FIFO's `s` logs it). */
  statsDocument(): UwsgiStats {
    return buildStatsDocument(this, this.facts);
  }

  adminFacts(): AdminFacts {
    return {
      pid: process.pid,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      ready: this.slots.filter((s) => s.state.phase === 'ready').length,
      busy: this.slots.filter(isBusy).length,
      running: this.slots.filter(isRunning).length,
      max: this.slots.length,
      queue: this.queue().waiting,
      backend: this.backend.detail,
    };
  }
}

export function writePidfile(file: string): void {
  fs.writeFileSync(file, `${process.pid}\n`);
}
