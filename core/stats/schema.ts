/**
 * The stats document: uWSGI 2.0's schema plus tidepool's additions, and the one reader of it.
 *
 * The server writes these types (keys in the order of the *_KEYS lists, `tidepool` last), the
 * dashboard and the bench read them through `parseStats`. Existing readers of uWSGI's stats socket
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
export const EXIT_REASONS = [
  'crash', 'signal', 'harakiri', 'max-requests', 'max-lifetime', 'rss', 'cheaped', 'reload', 'shutdown',
] as const;
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

interface PoolEventBase {
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
  queue: { waiting: number; limit: number; rejected: number };
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
  'version', 'listen_queue', 'listen_queue_errors', 'signal_queue', 'load', 'pid', 'uid', 'gid', 'cwd',
  'locks', 'sockets', 'workers',
] as const satisfies readonly (keyof UwsgiStats)[];

export const WORKER_KEYS = [
  'id', 'pid', 'accepting', 'requests', 'delta_requests', 'exceptions', 'harakiri_count', 'signals',
  'signal_queue', 'status', 'rss', 'vsz', 'running_time', 'last_spawn', 'respawn_count', 'tx', 'avg_rt',
  'apps', 'cores',
] as const satisfies readonly (keyof UwsgiWorker)[];

export const CORE_KEYS = [
  'id', 'requests', 'static_requests', 'routed_requests', 'offloaded_requests', 'write_errors', 'read_errors',
  'in_request', 'vars', 'req_info',
] as const satisfies readonly (keyof UwsgiCore)[];

export const APP_KEYS = [
  'id', 'modifier1', 'mountpoint', 'startup_time', 'requests', 'exceptions', 'chdir',
] as const satisfies readonly (keyof UwsgiApp)[];

export const SOCKET_KEYS = [
  'name', 'proto', 'queue', 'max_queue', 'shared', 'can_offload',
] as const satisfies readonly (keyof UwsgiSocket)[];

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

// ---------------------------------------------------------------------------------------------
// uwsgitop 0.12 compatibility (spec section 2): what its code indexes without a guard.

export const uwsgitopRequired = {
  /** uwsgitop crashes (KeyError / TypeError) when a worker lacks one of these or has another type. */
  workerCrashesWithout: {
    id: 'number', requests: 'number', tx: 'number', running_time: 'number', last_spawn: 'number', status: 'string',
  },
  /** uwsgitop silently drops the worker's row unless each of these is a number. */
  workerRowDroppedUnlessNumber: ['pid', 'exceptions', 'avg_rt', 'rss', 'vsz', 'respawn_count', 'harakiri_count'],
  /** Top-level keys that must be numbers when present. */
  topLevelNumbersWhenPresent: ['uid', 'gid', 'pid', 'listen_queue'],
} as const satisfies {
  workerCrashesWithout: Partial<Record<keyof UwsgiWorker, 'number' | 'string'>>;
  workerRowDroppedUnlessNumber: readonly (keyof UwsgiWorker)[];
  topLevelNumbersWhenPresent: readonly (keyof UwsgiStats)[];
};

/**
 * What uwsgitop 0.12 would trip on in a decoded document, one sentence each; empty when it
 * would show every worker. For the writer's tests: a tidepool document must give [].
 */
export function uwsgitopProblems(doc: unknown): string[] {
  if (!isPlainObject(doc)) return [`the document is ${describe(doc)}, not an object: uwsgitop retries forever`];
  const problems: string[] = [];
  for (const key of uwsgitopRequired.topLevelNumbersWhenPresent) {
    if (key in doc && typeof doc[key] !== 'number') problems.push(`${key} is ${describe(doc[key])}: uwsgitop crashes`);
  }
  const workers = doc.workers;
  if (!Array.isArray(workers)) return [...problems, `workers is ${describe(workers)}, not an array: uwsgitop crashes`];
  workers.forEach((w: unknown, i) => {
    if (!isPlainObject(w)) {
      problems.push(`workers[${i}] is ${describe(w)}: uwsgitop crashes`);
      return;
    }
    for (const [key, type] of Object.entries(uwsgitopRequired.workerCrashesWithout)) {
      if (typeof w[key] !== type) problems.push(`workers[${i}].${key} is ${describe(w[key])}, not a ${type}: uwsgitop crashes`);
    }
    for (const key of uwsgitopRequired.workerRowDroppedUnlessNumber) {
      if (typeof w[key] !== 'number') problems.push(`workers[${i}].${key} is ${describe(w[key])}, not a number: uwsgitop hides the row`);
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The reader.

export class StatsError extends Error {
  override name = 'StatsError';
  constructor(
    message: string,
    /** Where the document came from (an address or a file). */
    readonly source: string,
    /** The offending key as `workers[3].status`, when one is to blame. */
    readonly key?: string,
  ) {
    super(message);
  }
}

export interface WorkerCounts {
  /** Worker slots (the configured maximum). */
  slots: number;
  /** Slots with a live process that the scaler did not cheap. */
  running: number;
  /** Running and accepting requests. */
  ready: number;
  busy: number;
  idle: number;
  cheap: number;
  pause: number;
  /** Inside a uWSGI signal handler (`sig<N>`). */
  sig: number;
}

export interface StatsTotals {
  requests: number;
  exceptions: number;
  /** Bytes. */
  tx: number;
  harakiri: number;
  /** Bytes, over running workers. */
  rss: number;
  /** Bytes, over running workers. */
  vsz: number;
}

export interface StatsSnapshot {
  source: string;
  stats: UwsgiStats;
  /** The document carries tidepool's additions (so events and scaling come from the server). */
  isTidepool: boolean;
  /** The text was not valid JSON but read after escaping what uWSGI leaves unescaped. */
  repaired: boolean;
  /** Keys that were missing and read as their zero value, one line per key (indexes as [*]). */
  warnings: string[];
  counts: WorkerCounts;
  totals: StatsTotals;
}

/**
 * Reads a stats document from uWSGI 2.0 or tidepool. `source` names it in error messages.
 * Throws StatsError naming the key, what was expected and what came.
 */
export function parseStats(text: string, source = 'stats document'): StatsSnapshot {
  const { value, repaired } = decodeJson(text, source);
  const ctx: ReadContext = { source, warnings: new Set() };
  const stats = readStats(value, '', ctx);
  return {
    source,
    stats,
    isTidepool: stats.tidepool !== undefined,
    repaired,
    warnings: [...ctx.warnings],
    counts: countWorkers(stats.workers),
    totals: sumWorkers(stats.workers),
  };
}

/** Reads one event of the NDJSON event stream (or of `tidepool.events`). */
export function parsePoolEvent(value: unknown, source = 'event'): PoolEvent {
  return readPoolEvent(value, '', { source, warnings: new Set() });
}

/** Running: a live process that the scaler did not cheap. */
export function isRunning(w: UwsgiWorker): boolean {
  return w.pid > 0 && w.status !== 'cheap';
}

export function countWorkers(workers: readonly UwsgiWorker[]): WorkerCounts {
  const c: WorkerCounts = { slots: workers.length, running: 0, ready: 0, busy: 0, idle: 0, cheap: 0, pause: 0, sig: 0 };
  for (const w of workers) {
    if (w.status === 'cheap') c.cheap++;
    else if (w.status === 'pause') c.pause++;
    else if (w.status.startsWith('sig')) c.sig++;
    if (!isRunning(w)) continue;
    c.running++;
    if (w.accepting) c.ready++;
    if (w.status === 'busy') c.busy++;
    else if (w.status === 'idle') c.idle++;
  }
  return c;
}

export function sumWorkers(workers: readonly UwsgiWorker[]): StatsTotals {
  const t: StatsTotals = { requests: 0, exceptions: 0, tx: 0, harakiri: 0, rss: 0, vsz: 0 };
  for (const w of workers) {
    t.requests += w.requests;
    t.exceptions += w.exceptions;
    t.tx += w.tx;
    t.harakiri += w.harakiri_count;
    if (isRunning(w)) {
      t.rss += w.rss;
      t.vsz += w.vsz;
    }
  }
  return t;
}

// --- JSON decoding, tolerant of uWSGI's unescaped strings ---------------------------------------

function decodeJson(text: string, source: string): { value: unknown; repaired: boolean } {
  if (text.trim() === '') {
    throw new StatsError(`${source}: empty document (the server closed without writing; is it starting or restarting?)`, source);
  }
  try {
    return { value: JSON.parse(text), repaired: false };
  } catch (err) {
    try {
      return { value: JSON.parse(escapeUwsgiStrings(text)), repaired: true };
    } catch {
      throw new StatsError(`${source}: not valid JSON: ${jsonErrorWhere(text, err)}`, source);
    }
  }
}

/**
 * uWSGI writes strings byte for byte (a `cwd` with a quote, a request var with a tab or a
 * backslash break its JSON). Inside strings: every backslash is literal (uWSGI never escapes),
 * control characters get escaped, and a quote closes the string only when what follows can
 * follow a string in JSON (`,` `:` `}` `]` or the end); any other quote is part of the text.
 */
function escapeUwsgiStrings(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!inString) {
      out += c;
      if (c === '"') inString = true;
    } else if (c === '"') {
      const closes = /^\s*(?:[,:}\]]|$)/.test(text.slice(i + 1, i + 64));
      out += closes ? c : '\\"';
      if (closes) inString = false;
    } else if (c === '\\') {
      out += '\\\\';
    } else if (c < ' ') {
      out += '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
    } else {
      out += c;
    }
  }
  return out;
}

function jsonErrorWhere(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const near = JSON.stringify(text.slice(Math.max(0, pos - 20), pos + 20));
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line} column ${column}, near ${near}`;
}

// --- typed readers ---------------------------------------------------------------------------

interface ReadContext {
  source: string;
  warnings: Set<string>;
}

type Reader<T> = (value: unknown, path: string, ctx: ReadContext) => T;

/** How to treat an absent key: an error, absent, or its zero value (with a warning). */
type Field<T> = { read: Reader<T>; absent: 'error' | 'skip' | { zero: T } };
type Fields<T> = { [K in keyof T]-?: Field<T[K]> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const shown = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : String(v);
  return `${shown} (${typeof v})`;
}

function mismatch(path: string, expected: string, got: unknown, ctx: ReadContext): StatsError {
  const where = path === '' ? 'the document' : path;
  return new StatsError(`${ctx.source}: ${where}: expected ${expected}, got ${describe(got)}`, ctx.source, path || undefined);
}

const num: Reader<number> = (v, path, ctx) => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw mismatch(path, 'a number', v, ctx);
};

const str: Reader<string> = (v, path, ctx) => {
  if (typeof v === 'string') return v;
  throw mismatch(path, 'a string', v, ctx);
};

const bool: Reader<boolean> = (v, path, ctx) => {
  if (typeof v === 'boolean') return v;
  throw mismatch(path, 'true or false', v, ctx);
};

function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (v, path, ctx) => {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    throw mismatch(path, `one of ${values.join(', ')}`, v, ctx);
  };
}

const WORKER_STATUS = new RegExp(`^(?:${WORKER_STATUSES.join('|')}|sig\\d+)$`);

const workerStatus: Reader<WorkerStatus> = (v, path, ctx) => {
  if (typeof v === 'string' && WORKER_STATUS.test(v)) return v as WorkerStatus;
  throw mismatch(path, `${WORKER_STATUSES.join(', ')} or sig<N>`, v, ctx);
};

function nullable<T>(read: Reader<T>): Reader<T | null> {
  return (v, path, ctx) => (v === null ? null : read(v, path, ctx));
}

function arrayOf<T>(read: Reader<T>): Reader<T[]> {
  return (v, path, ctx) => {
    if (!Array.isArray(v)) throw mismatch(path, 'an array', v, ctx);
    return v.map((item, i) => read(item, `${path}[${i}]`, ctx));
  };
}

function recordOf<T>(read: Reader<T>): Reader<Record<string, T>> {
  return (v, path, ctx) => {
    if (!isPlainObject(v)) throw mismatch(path, 'an object', v, ctx);
    const out: Record<string, T> = {};
    for (const [k, item] of Object.entries(v)) out[k] = read(item, join(path, k), ctx);
    return out;
  };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Reads the keys of `fields` in the order of `order` (then the rest of `fields`), so the
 * result has the writer's key order. Unknown keys are left out: newer servers may add some.
 */
function object<T>(fields: Fields<T>, order: readonly (keyof T)[] = []): Reader<T> {
  const keys = [...order, ...(Object.keys(fields) as (keyof T)[]).filter((k) => !order.includes(k))];
  return (v, path, ctx) => {
    if (!isPlainObject(v)) throw mismatch(path, 'an object', v, ctx);
    const out: Partial<T> = {};
    for (const key of keys) {
      const field = fields[key];
      const at = join(path, String(key));
      if (key in v) {
        out[key] = field.read(v[key as string], at, ctx);
      } else if (field.absent === 'error') {
        // No reader accepts undefined: this throws "<key>: expected <its type>, got missing".
        out[key] = field.read(undefined, at, ctx);
      } else if (field.absent !== 'skip') {
        out[key] = field.absent.zero;
        ctx.warnings.add(`${at.replace(/\[\d+\]/g, '[*]')} missing, read as ${JSON.stringify(field.absent.zero)}`);
      }
    }
    return out as T;
  };
}

const must = <T>(read: Reader<T>): Field<T> => ({ read, absent: 'error' });
const maybe = <T>(read: Reader<T>): Field<T | undefined> => ({ read, absent: 'skip' });
/** A key older uWSGI versions may lack: read as its zero value. */
const zero = <T>(read: Reader<T>, value: T): Field<T> => ({ read, absent: { zero: value } });
const num0 = zero(num, 0);
const str0 = zero(str, '');

const readApp = object<UwsgiApp>(
  { id: num0, modifier1: num0, mountpoint: str0, startup_time: num0, requests: num0, exceptions: num0, chdir: str0 },
  APP_KEYS,
);

const readCore = object<UwsgiCore>(
  {
    id: num0, requests: num0, static_requests: num0, routed_requests: num0, offloaded_requests: num0,
    write_errors: num0, read_errors: num0, in_request: num0,
    vars: zero(arrayOf(str), []),
    req_info: zero(object<UwsgiCore['req_info']>({ request_start: maybe(num) }), {}),
  },
  CORE_KEYS,
);

const readSocket = object<UwsgiSocket>(
  { name: str0, proto: str0, queue: num0, max_queue: num0, shared: num0, can_offload: num0 },
  SOCKET_KEYS,
);

const readWorkerExit = object<WorkerExit>({ at: must(num), reason: must(oneOf(EXIT_REASONS)), detail: must(str) });

const readTidepoolWorker = object<TidepoolWorkerInfo>({
  ready: must(bool),
  in_flight: must(num),
  cheaping: must(bool),
  last_exit: must(nullable(readWorkerExit)),
  spawn_to_ready_ms: must(nullable(num)),
  spawn_reason: must(str),
  spawn_kind: maybe(nullable(oneOf(SPAWN_KINDS))),
  batches: must(num),
  batched_texts: must(num),
});

const scalar: Reader<string | number | boolean> = (v, path, ctx) => {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw mismatch(path, 'a string, number or boolean', v, ctx);
};

/** An event as its keys read, before its kind is checked against its type. */
type PoolEventFields = PoolEventBase & { type: PoolEventType; kind?: PoolEventKind };

const readPoolEventFields = object<PoolEventFields>({
  seq: must(num),
  at: must(num),
  type: must(oneOf(POOL_EVENT_TYPES)),
  kind: maybe(oneOf([...new Set(Object.values(EVENT_KINDS).flat())])),
  worker: maybe(num),
  pid: maybe(num),
  reason: must(str),
  detail: maybe(recordOf(scalar)),
});

const readPoolEvent: Reader<PoolEvent> = (v, path, ctx) => {
  const e = readPoolEventFields(v, path, ctx);
  const kinds: readonly string[] = EVENT_KINDS[e.type];
  if (e.kind !== undefined && !kinds.includes(e.kind)) {
    const expected = kinds.length === 0 ? 'no kind' : `one of ${kinds.join(', ')}`;
    throw mismatch(join(path, 'kind'), `${expected} for a ${e.type} event`, e.kind, ctx);
  }
  // Checked just above: the kind belongs to the type.
  return e as PoolEvent;
};

const readDecision = object<ScalingDecisionInfo>({
  at: must(num),
  action: must(oneOf(SCALING_ACTIONS)),
  count: maybe(num),
  worker: maybe(num),
  reason: must(str),
});

const readTidepool = object<TidepoolInfo>({
  version: must(str),
  started_at: must(num),
  backend: must(str),
  backend_detail: must(str),
  model: must(object<TidepoolInfo['model']>({ dir: must(str), classes: must(num), num_words: must(num) })),
  scaling: must(
    object<TidepoolInfo['scaling']>({
      algo: must(str),
      min: must(num),
      max: must(num),
      initial: must(num),
      step: must(num),
      check_interval_ms: must(num),
      params: must(recordOf(num)),
      last_decision: must(nullable(readDecision)),
    }),
  ),
  queue: must(object<TidepoolInfo['queue']>({ waiting: must(num), limit: must(num), rejected: must(num) })),
  events: must(arrayOf(readPoolEvent)),
});

// The keys uwsgitop indexes without a guard are required; a reader that defaulted them would
// hide a server that breaks uwsgitop.
const readWorker = object<UwsgiWorker>(
  {
    id: must(num),
    pid: num0,
    accepting: num0,
    requests: must(num),
    delta_requests: num0,
    exceptions: num0,
    harakiri_count: num0,
    signals: num0,
    signal_queue: num0,
    status: must(workerStatus),
    rss: num0,
    vsz: num0,
    running_time: must(num),
    last_spawn: must(num),
    respawn_count: num0,
    tx: must(num),
    avg_rt: num0,
    apps: zero(arrayOf(readApp), []),
    cores: zero(arrayOf(readCore), []),
    tidepool: maybe(readTidepoolWorker),
  },
  WORKER_KEYS,
);

const readStats = object<UwsgiStats>(
  {
    version: must(str),
    listen_queue: num0,
    listen_queue_errors: num0,
    signal_queue: num0,
    load: num0,
    pid: must(num),
    uid: num0,
    gid: num0,
    cwd: str0,
    locks: zero(arrayOf(recordOf(num)), []),
    sockets: zero(arrayOf(readSocket), []),
    workers: must(arrayOf(readWorker)),
    tidepool: maybe(readTidepool),
  },
  TOP_LEVEL_KEYS,
);
