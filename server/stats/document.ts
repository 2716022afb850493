/**
 * The stats document (uWSGI 2.0's keys in uWSGI's order, tidepool's additions under `tidepool`),
 * built from the master's state. A pure function: the stats socket, the FIFO `s` command and
 * the tests call it, and nothing in it waits or reads a file.
 */
import type { Master } from '../master/master.js';
import { currentRequest, isBusy, isRunning, processOf, type RequestInProgress, type Slot } from '../master/slot.js';
import type {
  ScalingDecisionInfo,
  TidepoolInfo,
  TidepoolWorkerInfo,
  UwsgiCore,
  UwsgiLock,
  UwsgiStats,
  UwsgiWorker,
  WorkerStatus,
} from '../../core/stats/schema.js';
import type { ServerFacts } from './serverFacts.js';
import type { ScalingDecision } from '../scaling/types.js';

/** What the document reads from the master. */
export type PoolState = Pick<
  Master,
  'slots' | 'dispatch' | 'listeners' | 'backend' | 'modelShape' | 'startedAt' | 'config' | 'scaler' | 'events' | 'queue' | 'accept'
>;

/**
 * uWSGI lists its locks with the pid holding each (0: free). tidepool has none of them; the
 * list is uWSGI's so that readers expecting it find it.
 */
const UWSGI_LOCKS: readonly string[] = ['user 0', 'signal', 'filemon', 'timer', 'rbtimer', 'cron', 'rpc', 'snmp'];

export function buildStatsDocument(master: PoolState, facts: ServerFacts, now = Date.now()): UwsgiStats {
  const c = master.config;
  const queue = master.queue(now);
  const waiting = queue.waiting;
  return {
    version: `tidepool-${facts.version}`,
    // tidepool counts the connections waiting for a worker itself, so unlike uWSGI it knows
    // the queue on UNIX sockets too; with accept = workers, the kernel's accept queues count too.
    listen_queue: waiting,
    listen_queue_errors: master.dispatch.rejected,
    signal_queue: 0,
    load: waiting,
    pid: process.pid,
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    cwd: process.cwd(),
    locks: UWSGI_LOCKS.map((name): UwsgiLock => ({ [name]: 0 })),
    sockets: master.listeners.map((l, i) => ({
      name: l.bound,
      proto: l.proto,
      queue: queue.byListener[i] ?? 0,
      max_queue: c.listen,
      shared: 0,
      can_offload: 0,
    })),
    workers: master.slots.map((s) => workerEntry(s, master.dispatch.paused, now)),
    tidepool: tidepoolInfo(master, facts, waiting),
  };
}

/** uWSGI's precedence: cheap > pause > busy > idle (a loading worker, or a slot about to respawn, is idle, not accepting). */
export function workerStatus(s: Slot, paused: boolean): WorkerStatus {
  if (s.state.phase === 'cheap') return 'cheap';
  if (!isRunning(s)) return 'idle';
  if (paused) return 'pause';
  return isBusy(s) ? 'busy' : 'idle';
}

/** When the slot's process became ready, if it did (a worker leaving after it served still counts). */
function readyAt(s: Slot): number | null {
  const st = s.state;
  return st.phase === 'ready' || st.phase === 'stopping' ? st.readyAt : null;
}

function workerEntry(s: Slot, paused: boolean, now: number): UwsgiWorker {
  const p = processOf(s);
  const c = s.counters;
  const current = currentRequest(s);
  const inProgressUs = current ? Math.max(0, now - current.at) * 1000 : 0;
  return {
    id: s.id,
    pid: p?.pid ?? 0,
    accepting: s.state.phase === 'ready' ? 1 : 0,
    requests: c.requests,
    delta_requests: p?.deltaRequests ?? 0,
    exceptions: c.exceptions,
    harakiri_count: c.harakiriCount,
    signals: 0,
    signal_queue: 0,
    status: workerStatus(s, paused),
    rss: p?.rss ?? 0,
    vsz: p?.vsz ?? 0,
    running_time: Math.round(c.runningTimeUs + inProgressUs),
    last_spawn: s.lastSpawn ? Math.floor(s.lastSpawn.at / 1000) : 0,
    respawn_count: c.respawnCount,
    tx: c.tx,
    avg_rt: Math.round(c.avgRtUs),
    // uWSGI's app counts belong to the process (lazy-apps): requests of this life, the one in
    // progress included, as uWSGI counts them. Exceptions are the slot's: the master does not
    // keep them per life.
    apps:
      p !== null && readyAt(s) !== null
        ? [
            {
              id: 0,
              modifier1: 0,
              mountpoint: '',
              startup_time: Math.floor((s.lastSpawn?.loadMs ?? 0) / 1000),
              requests: p.deltaRequests + (current ? 1 : 0),
              exceptions: c.exceptions,
              chdir: '',
            },
          ]
        : [],
    cores: [coreEntry(s, current)],
    tidepool: workerInfo(s),
  };
}

function coreEntry(s: Slot, current: RequestInProgress | null): UwsgiCore {
  return {
    id: 0,
    requests: s.counters.requests,
    static_requests: 0,
    routed_requests: 0,
    offloaded_requests: 0,
    write_errors: 0,
    read_errors: 0,
    in_request: current ? 1 : 0,
    // The master sees a request's method and path (without the query string), not its headers.
    vars: current ? [`REQUEST_METHOD=${current.method}`, `REQUEST_URI=${current.path}`, `PATH_INFO=${current.path}`] : [],
    req_info: current ? { request_start: current.at / 1000 } : {},
  };
}

function workerInfo(s: Slot): TidepoolWorkerInfo {
  const p = processOf(s);
  const st = s.state;
  return {
    ready: st.phase === 'ready',
    // Connections handed over since the worker's last idle report, at least the request it runs.
    in_flight: p === null ? 0 : Math.max(p.handed - p.acked, p.inRequest ? 1 : 0),
    cheaping: st.phase === 'stopping' && st.stop.thenCheap,
    last_exit: s.lastExit ? { ...s.lastExit } : null,
    spawn_to_ready_ms: s.lastSpawn?.loadMs ?? null,
    spawn_reason: s.lastSpawn?.reason ?? '',
    spawn_kind: s.lastSpawn?.kind ?? null,
    batches: s.counters.batches,
    batched_texts: s.counters.batchedTexts,
  };
}

function tidepoolInfo(master: PoolState, facts: ServerFacts, waiting: number): TidepoolInfo {
  const c = master.config;
  const shape = master.modelShape;
  const { status } = master.scaler;
  // The last decision that changed the pool: holds come every check and would hide it.
  const last = status.lastChange ?? status.lastDecision;
  return {
    version: facts.version,
    started_at: Math.floor(master.startedAt / 1000),
    backend: master.backend.name,
    backend_detail: master.backend.detail,
    // A worker's own reading once one is ready (every format); the metadata file's before that.
    model: shape ? { dir: facts.model.dir, classes: shape.classes, num_words: shape.numWords } : { ...facts.model },
    scaling: {
      // `cheaper = 0` turns the cheaper subsystem off, as in uWSGI: no algorithm runs.
      algo: c.cheaper > 0 ? c['cheaper-algo'] : 'off',
      min: c.cheaper > 0 ? c.cheaper : c.workers,
      max: c.workers,
      initial: c['cheaper-initial'],
      step: c['cheaper-step'],
      check_interval_ms: Math.round(c['cheaper-check-interval'] * 1000),
      params: { ...status.params },
      last_decision: last ? decisionInfo(last.at, last.decision) : null,
    },
    queue: { waiting, limit: c.listen, rejected: master.dispatch.rejected, accept: master.accept, handed_off: master.dispatch.handedOff },
    events: master.events.recent(),
  };
}

function decisionInfo(at: number, d: ScalingDecision): ScalingDecisionInfo {
  switch (d.action) {
    case 'spawn':
      return { at, action: 'spawn', count: d.count, reason: d.reason };
    case 'cheap':
      return { at, action: 'cheap', worker: d.workerId, reason: d.reason };
    case 'hold':
      return { at, action: 'hold', reason: d.reason };
  }
}
