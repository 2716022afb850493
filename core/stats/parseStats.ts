/**
 * The one reader of stats documents, from uWSGI 2.0 or tidepool: typed, tolerant of what uWSGI
 * writes (unescaped strings, keys older versions lack), and precise about what is wrong.
 */
import { countWorkers, sumWorkers, type StatsTotals, type WorkerCounts } from './counts.js';
import { describe, isPlainObject } from './jsonValue.js';
import {
  APP_KEYS,
  CORE_KEYS,
  EVENT_KINDS,
  EXIT_REASONS,
  POOL_EVENT_TYPES,
  SCALING_ACTIONS,
  SOCKET_KEYS,
  SPAWN_KINDS,
  TOP_LEVEL_KEYS,
  WORKER_KEYS,
  WORKER_STATUSES,
  type PoolEvent,
  type PoolEventBase,
  type PoolEventKind,
  type PoolEventType,
  type ScalingDecisionInfo,
  type TidepoolInfo,
  type TidepoolWorkerInfo,
  type UwsgiApp,
  type UwsgiCore,
  type UwsgiSocket,
  type UwsgiStats,
  type UwsgiWorker,
  type WorkerExit,
  type WorkerStatus,
} from './schema.js';

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

const readApp = object<UwsgiApp>({ id: num0, modifier1: num0, mountpoint: str0, startup_time: num0, requests: num0, exceptions: num0, chdir: str0 }, APP_KEYS);

const readCore = object<UwsgiCore>(
  {
    id: num0,
    requests: num0,
    static_requests: num0,
    routed_requests: num0,
    offloaded_requests: num0,
    write_errors: num0,
    read_errors: num0,
    in_request: num0,
    vars: zero(arrayOf(str), []),
    req_info: zero(object<UwsgiCore['req_info']>({ request_start: maybe(num) }), {}),
  },
  CORE_KEYS,
);

const readSocket = object<UwsgiSocket>({ name: str0, proto: str0, queue: num0, max_queue: num0, shared: num0, can_offload: num0 }, SOCKET_KEYS);

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
  queue: must(
    object<TidepoolInfo['queue']>({
      waiting: must(num),
      limit: must(num),
      rejected: must(num),
      accept: maybe(oneOf(['master', 'workers'] as const)),
      handed_off: maybe(num),
    }),
  ),
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
