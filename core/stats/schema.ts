/**
 * The stats document: uWSGI 2.0's schema plus tidepool's additions.
 *
 * The server writes these types (keys in the order of the *_KEYS lists, `tidepool` last), the
 * dashboard and the bench read them through `parseStats` (parseStats.ts). Existing readers of uWSGI's stats socket
 * (uwsgitop, Telegraf, uwsgi_exporter) ignore the `tidepool` keys, so every addition lives there.
 */

// ---------------------------------------------------------------------------------------------
// uWSGI 2.0's document (spec section 1). Units are uWSGI's; the comments say which.

export const WORKER_STATUSES = ['idle', 'busy', 'cheap', 'pause'] as const;
/** `sig<N>` while the worker runs the handler of uWSGI signal N. */
export type WorkerStatus = (typeof WORKER_STATUSES)[number] | `sig${number}`;

export interface UwsgiSocket {
  name: string;
  proto: string;
  /** Connections waiting in the socket's queue. */
  queue: number;
  max_queue: number;
  shared: number;
  can_offload: number;
}

export interface UwsgiApp {
  id: number;
  modifier1: number;
  mountpoint: string;
  /** Seconds the app took to load. */
  startup_time: number;
  requests: number;
  exceptions: number;
  chdir: string;
}

export interface UwsgiCore {
  id: number;
  requests: number;
  static_requests: number;
  routed_requests: number;
  offloaded_requests: number;
  write_errors: number;
  read_errors: number;
  /** 1 while the core is inside a request. */
  in_request: number;
  /** The request's CGI variables as `NAME=value` while in a request, else empty. */
  vars: string[];
  /** `{}` when idle, `{ request_start: epoch seconds }` inside a request. */
  req_info: { request_start?: number };
}

export interface UwsgiWorker {
  /** Slot number 1..max; uWSGI reports 0 for a slot never spawned. */
  id: number;
  /** 0 when not running. */
  pid: number;
  /** 1 once the worker is ready to take requests (app loaded). */
  accepting: number;
  /** Requests served by the slot since the master started (not reset on respawn). */
  requests: number;
  /** Requests since the last (re)spawn. */
  delta_requests: number;
  exceptions: number;
  harakiri_count: number;
  signals: number;
  signal_queue: number;
  status: WorkerStatus;
  /** Bytes. */
  rss: number;
  /** Bytes. */
  vsz: number;
  /** MICROseconds spent inside requests, cumulative. */
  running_time: number;
  /** Epoch SECONDS of the last (re)spawn, 0 if never. */
  last_spawn: number;
  /** Spawns of the slot including the first. */
  respawn_count: number;
  /** Bytes sent. */
  tx: number;
  /** MICROseconds, uWSGI's running `avg = (avg + rt) / 2`. */
  avg_rt: number;
  apps: UwsgiApp[];
  cores: UwsgiCore[];
  tidepool?: TidepoolWorkerInfo;
}

/** A single-key object `{ name: pid-or-0 }`. */
export type UwsgiLock = Record<string, number>;

export interface UwsgiStats {
  version: string;
  /** Connections waiting for a worker. */
  listen_queue: number;
  listen_queue_errors: number;
  signal_queue: number;
  load: number;
  /** Of the master. */
  pid: number;
  uid: number;
  gid: number;
  cwd: string;
  locks: UwsgiLock[];
  sockets: UwsgiSocket[];
  /** One entry per worker SLOT, 1..max workers, including cheap ones. */
  workers: UwsgiWorker[];
  tidepool?: TidepoolInfo;
}

// ---------------------------------------------------------------------------------------------
// tidepool's additions, under `tidepool` keys that uWSGI's readers ignore.

export const POOL_EVENT_TYPES = ['spawn', 'ready', 'cheap-start', 'cheap-done', 'exit', 'harakiri', 'decision', 'reload'] as const;
export type PoolEventType = (typeof POOL_EVENT_TYPES)[number];

/** Why a worker process left its slot; the first two are the ones nobody asked for. */
export const EXIT_REASONS = ['crash', 'signal', 'harakiri', 'max-requests', 'max-lifetime', 'rss', 'cheaped', 'reload', 'shutdown'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/**
 * Why a worker process was started: at boot, by the scaler, by `+` on the master FIFO, after an
 * exit nobody asked for (or harakiri), to recycle one (max-requests, max-worker-lifetime,
 * reload-on-rss, in place or as a replacement started first), or by a reload.
 */
export const SPAWN_KINDS = ['initial', 'scale-up', 'manual', 'respawn', 'recycle', 'reload'] as const;
export type SpawnKind = (typeof SPAWN_KINDS)[number];

/** What a `decision` event decided: the scaler's spawn or cheap, or the FIFO's pause and resume. */
export const DECISION_KINDS = ['spawn', 'cheap', 'pause', 'resume'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** What a `reload` event tells: a graceful reload of every worker, a chain reload starting, or ending. */
export const RELOAD_KINDS = ['all', 'chain', 'chain-done', 'chain-stopped'] as const;
export type ReloadKind = (typeof RELOAD_KINDS)[number];

/**
 * The kinds each event type carries beside its words, for readers that act on events (the
 * metrics, the tests): an exit's kind is its ExitReason. Types with one meaning carry none.
 */
export const EVENT_KINDS = {
  spawn: SPAWN_KINDS,
  ready: [],
  'cheap-start': [],
  'cheap-done': [],
  exit: EXIT_REASONS,
  harakiri: [],
  decision: DECISION_KINDS,
  reload: RELOAD_KINDS,
} as const satisfies Record<PoolEventType, readonly string[]>;
export type EventKind<T extends PoolEventType> = (typeof EVENT_KINDS)[T][number];
export type PoolEventKind = EventKind<PoolEventType>;

export interface PoolEventBase {
  /** Increases by one per event for the life of the master: readers dedupe by it. */
  seq: number;
  /** Epoch MILLIseconds. */
  at: number;
  /** Slot id. */
  worker?: number;
  pid?: number;
  /** In words, for people; readers that act on an event read `type` and `kind`. */
  reason: string;
  detail?: Record<string, string | number | boolean>;
}

/** An event of one type; `kind` is absent from tidepools older than kinds, and from events derived from uWSGI documents. */
export type PoolEventOf<T extends PoolEventType> = PoolEventBase & { type: T; kind?: EventKind<T> };
export type PoolEvent = { [T in PoolEventType]: PoolEventOf<T> }[PoolEventType];

export const SCALING_ACTIONS = ['spawn', 'cheap', 'hold'] as const;
export type ScalingAction = (typeof SCALING_ACTIONS)[number];

export interface ScalingDecisionInfo {
  /** Epoch MILLIseconds. */
  at: number;
  action: ScalingAction;
  /** Workers spawned or cheaped. */
  count?: number;
  /** The worker chosen to be cheaped. */
  worker?: number;
  reason: string;
}

export interface TidepoolInfo {
  version: string;
  /** Epoch SECONDS the master started. */
  started_at: number;
  backend: string;
  backend_detail: string;
  model: { dir: string; classes: number; num_words: number };
  scaling: {
    algo: string;
    min: number;
    max: number;
    initial: number;
    step: number;
    check_interval_ms: number;
    params: Record<string, number>;
    last_decision: ScalingDecisionInfo | null;
  };
  /**
   * `accept`: who accepts TCP connections, the master or the workers (then `waiting` includes the
   * kernel's accept queues); `handed_off`: connections the master passed to a worker over IPC.
   */
  queue: { waiting: number; limit: number; rejected: number; accept?: 'master' | 'workers'; handed_off?: number };
  /** The most recent events, oldest first. */
  events: PoolEvent[];
}

export interface WorkerExit {
  /** Epoch MILLIseconds. */
  at: number;
  reason: ExitReason;
  detail: string;
}

export interface TidepoolWorkerInfo {
  /** The model is loaded and the worker takes requests. */
  ready: boolean;
  in_flight: number;
  /** Chosen by the scaler: takes no new requests, finishes what it holds, then exits. */
  cheaping: boolean;
  last_exit: WorkerExit | null;
  spawn_to_ready_ms: number | null;
  spawn_reason: string;
  /** Why the slot's latest process was started; null for a slot never spawned. Absent from tidepools older than kinds. */
  spawn_kind?: SpawnKind | null;
  /** dynamic batching (batch-max-size > 1): batches predicted and the texts in them, across the slot's lives */
  batches: number;
  batched_texts: number;
}

// ---------------------------------------------------------------------------------------------
// Key order. The writer emits keys in these orders (uWSGI's), then `tidepool` last.

export const TOP_LEVEL_KEYS = [
  'version',
  'listen_queue',
  'listen_queue_errors',
  'signal_queue',
  'load',
  'pid',
  'uid',
  'gid',
  'cwd',
  'locks',
  'sockets',
  'workers',
] as const satisfies readonly (keyof UwsgiStats)[];

export const WORKER_KEYS = [
  'id',
  'pid',
  'accepting',
  'requests',
  'delta_requests',
  'exceptions',
  'harakiri_count',
  'signals',
  'signal_queue',
  'status',
  'rss',
  'vsz',
  'running_time',
  'last_spawn',
  'respawn_count',
  'tx',
  'avg_rt',
  'apps',
  'cores',
] as const satisfies readonly (keyof UwsgiWorker)[];

export const CORE_KEYS = [
  'id',
  'requests',
  'static_requests',
  'routed_requests',
  'offloaded_requests',
  'write_errors',
  'read_errors',
  'in_request',
  'vars',
  'req_info',
] as const satisfies readonly (keyof UwsgiCore)[];

export const APP_KEYS = ['id', 'modifier1', 'mountpoint', 'startup_time', 'requests', 'exceptions', 'chdir'] as const satisfies readonly (keyof UwsgiApp)[];

export const SOCKET_KEYS = ['name', 'proto', 'queue', 'max_queue', 'shared', 'can_offload'] as const satisfies readonly (keyof UwsgiSocket)[];

/** The key under which tidepool's additions live, at the top level and in each worker. */
export const TIDEPOOL_KEY = 'tidepool';

// Compile-time guards: a key added to an interface but not to its list fails the build here.
type Exhaustive<T extends never> = T;
export type KeyListsAreExhaustive = [
  Exhaustive<Exclude<keyof UwsgiStats, (typeof TOP_LEVEL_KEYS)[number] | typeof TIDEPOOL_KEY>>,
  Exhaustive<Exclude<keyof UwsgiWorker, (typeof WORKER_KEYS)[number] | typeof TIDEPOOL_KEY>>,
  Exhaustive<Exclude<keyof UwsgiCore, (typeof CORE_KEYS)[number]>>,
  Exhaustive<Exclude<keyof UwsgiApp, (typeof APP_KEYS)[number]>>,
  Exhaustive<Exclude<keyof UwsgiSocket, (typeof SOCKET_KEYS)[number]>>,
];
