import { availableParallelism } from 'node:os';
import { BACKEND_REQUESTS, MATRIX_MODES, OUTPUT_REQUESTS, TEXT_ENCODINGS } from '../../models/index.js';
import { FIFO_COMMANDS } from '../master/fifoCommands.js';
import { TIDEPOOL_SCALING_DEFAULTS as TUNED, UWSGI_SCALING_DEFAULTS as UWSGI } from '../scaling/recommended.js';
import { CHEAPER_ALGOS } from '../scaling/types.js';
import { LOG_FORMATS } from '../worker/accessLog.js';

/**
 * The one table of tidepool's options. It drives the command-line flags, the ini keys, the
 * TIDEPOOL_* environment variables, validation, `tidepool serve --help`, the Markdown docs and
 * the `Config` type: adding a row here adds it everywhere.
 */

export const SECTIONS = ['Listening', 'Privileges', 'Stats', 'Workers and scaling', 'Lifecycle', 'Model and requests', 'Meta'] as const;
export type Section = (typeof SECTIONS)[number];

export type OptionType = 'int' | 'float' | 'bool' | 'string' | 'enum' | 'address' | 'size' | 'mode' | 'signal' | 'env' | 'user' | 'group' | 'owner';

/** Where tidepool listens when the configuration names no listener at all. */
export const DEFAULT_HTTP = '127.0.0.1:4444';

/** Who accepts TCP connections (see the `accept` option and server/master/sharedAccept.ts). */
export const ACCEPT_MODES = ['auto', 'master', 'workers'] as const;
export type AcceptMode = Exclude<(typeof ACCEPT_MODES)[number], 'auto'>;
/** `accept = auto` lets the workers accept on machines with this many cores or more. */
export const ACCEPT_WORKERS_FROM_CORES = 8;

/** What `accept` means on a machine with `cores` cores. */
export function acceptMode(value: (typeof ACCEPT_MODES)[number], cores = availableParallelism()): AcceptMode {
  if (value !== 'auto') return value;
  return cores >= ACCEPT_WORKERS_FROM_CORES ? 'workers' : 'master';
}

/** uWSGI reads a bare `chmod-socket` (no value) as this mode. */
export const BARE_CHMOD_SOCKET = 0o666;

interface BaseSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** uWSGI's one-letter flag, where it has one (`-p 4`). */
  readonly short?: string;
  readonly section: Section;
  readonly help: string;
  /** How the default reads in help and docs when the value alone would mislead. */
  readonly defaultText?: string;
  /** The placeholder for the value in help (`--ini FILE[:SECTION]`); the type gives one otherwise. */
  readonly metavar?: string;
  /** Only a command-line flag: not an ini key, not an environment variable. */
  readonly flagOnly?: boolean;
}

interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

export type OptionSpec = BaseSpec &
  (
    | ({ readonly type: 'int' | 'float' | 'size'; readonly default: number | (() => number) } & NumberBounds)
    | { readonly type: 'bool'; readonly default: boolean }
    | { readonly type: 'string'; readonly default: string }
    | { readonly type: 'enum'; readonly choices: readonly string[]; readonly default: string }
    | { readonly type: 'address'; readonly default: string; readonly list?: false; readonly emptyAllowed?: boolean; readonly offDisables?: boolean }
    | { readonly type: 'address' | 'env'; readonly list: true; readonly default: readonly string[] }
    /** Octal permission bits; null leaves them to the umask. A bare key or flag means BARE_CHMOD_SOCKET, as in uWSGI. */
    | { readonly type: 'mode'; readonly default: number | null }
    | { readonly type: 'signal'; readonly default: NodeJS.Signals }
    /** A user or group by name or number, resolved when the server starts; `owner` is `user[:group]`. '' is unset. */
    | { readonly type: 'user' | 'group' | 'owner'; readonly default: '' }
  );

export const OPTIONS = [
  // Listening
  {
    name: 'http',
    aliases: ['http-socket'],
    section: 'Listening',
    type: 'address',
    list: true,
    default: [],
    defaultText: `${DEFAULT_HTTP} when neither http nor socket is given`,
    help: 'HTTP listener (HOST:PORT, :PORT, UNIX path or @abstract). Repeat for several.',
  },
  {
    name: 'socket',
    aliases: ['uwsgi-socket'],
    short: 's',
    section: 'Listening',
    type: 'address',
    list: true,
    default: [],
    help: 'uwsgi binary protocol listener, for nginx `uwsgi_pass`. Repeat for several.',
  },
  {
    name: 'chmod-socket',
    section: 'Listening',
    type: 'mode',
    default: null,
    defaultText: 'umask',
    help: `Permission bits of UNIX sockets, three octal digits; the bare key means ${BARE_CHMOD_SOCKET.toString(8)}.`,
  },
  {
    name: 'listen',
    short: 'l',
    section: 'Listening',
    type: 'int',
    min: 1,
    default: 100,
    help: "How many requests may wait for a free worker; beyond that they get 503. With accept = workers, TCP listeners' kernel accept queue: beyond it the kernel drops new connections.",
  },
  {
    name: 'accept',
    section: 'Listening',
    type: 'enum',
    choices: ACCEPT_MODES,
    default: 'auto',
    defaultText: `auto: workers on ${ACCEPT_WORKERS_FROM_CORES}+ cores, else master`,
    help:
      'Who accepts TCP connections. master: the master reads each first request line and hands the connection to a free worker (queue-aware). ' +
      "workers: the workers accept from the shared socket and the master watches the kernel's accept queue, off the request path (for many cores). " +
      'UNIX sockets are always accepted by the master.',
  },
  {
    name: 'metrics',
    section: 'Listening',
    type: 'address',
    emptyAllowed: true,
    default: '',
    defaultText: '/metrics on the http listener',
    help: 'Separate listener for Prometheus metrics.',
  },
  { name: 'vacuum', section: 'Listening', type: 'bool', default: true, help: 'Remove UNIX sockets, pidfile and master FIFO at exit.' },
  { name: 'pidfile', section: 'Listening', type: 'string', default: '', help: "Write the master's pid to this file." },
  {
    name: 'master-fifo',
    section: 'Listening',
    type: 'string',
    default: '',
    help: `Control FIFO, one byte per command: ${Object.keys(FIFO_COMMANDS).join(' ')} (see docs).`,
  },
  { name: 'chdir', section: 'Listening', type: 'string', default: '', help: 'Directory the master changes to before starting workers.' },
  {
    name: 'env',
    section: 'Listening',
    type: 'env',
    list: true,
    default: [],
    help: 'KEY=VALUE set in the environment of the workers. Repeat for several.',
  },
  { name: 'master', short: 'M', section: 'Listening', type: 'bool', default: true, help: 'Accepted for uWSGI compatibility: tidepool always runs a master.' },
  {
    name: 'lazy-apps',
    section: 'Listening',
    type: 'bool',
    default: true,
    help: 'Accepted for uWSGI compatibility: every worker always loads the model itself.',
  },
  { name: 'die-on-term', section: 'Listening', type: 'bool', default: true, help: 'SIGTERM shuts down (as systemd expects) instead of reloading.' },

  // Privileges
  {
    name: 'uid',
    section: 'Privileges',
    type: 'user',
    default: '',
    defaultText: 'the user that starts it',
    help:
      'Run the master and its workers as this user (name or number). Started as root, tidepool binds every listener first ' +
      '(ports below 1024 work), then drops to it; otherwise it must be the user already running.',
  },
  {
    name: 'gid',
    section: 'Privileges',
    type: 'group',
    default: '',
    defaultText: "the uid's primary group",
    help: "Group to run as after dropping privileges (name or number); the supplementary groups are the user's own.",
  },
  {
    name: 'chown-socket',
    section: 'Privileges',
    type: 'owner',
    default: '',
    defaultText: 'uid:gid after a drop, else unchanged',
    help: 'Owner of the UNIX sockets, set as root before the drop: e.g. tidepool:www-data with chmod-socket = 660.',
  },

  // Stats
  {
    name: 'stats',
    aliases: ['stats-server'],
    section: 'Stats',
    type: 'address',
    offDisables: true,
    default: './stats.sock',
    help: 'uWSGI stats server (uwsgitop reads it); empty or `off` disables.',
  },
  { name: 'stats-http', section: 'Stats', type: 'bool', default: false, help: 'Serve the stats document over HTTP instead of raw JSON.' },
  { name: 'stats-minified', section: 'Stats', type: 'bool', default: false, help: 'Write the stats JSON without indentation.' },
  { name: 'stats-events', section: 'Stats', type: 'int', min: 0, default: 200, help: 'Size of the recent-events list in the stats.' },

  // Workers and scaling
  {
    name: 'workers',
    aliases: ['processes'],
    short: 'p',
    section: 'Workers and scaling',
    type: 'int',
    min: 1,
    default: () => availableParallelism(),
    defaultText: 'number of CPUs',
    help: 'Maximum number of worker processes.',
  },
  {
    name: 'cheaper',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: 1,
    help: 'Minimum number of running workers; 0 keeps all `workers` running (no scaling).',
  },
  {
    name: 'cheaper-initial',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '`cheaper` (all workers when cheaper is 0)',
    help: 'Workers started at boot, clamped into [cheaper, workers].',
  },
  {
    name: 'cheaper-algo',
    section: 'Workers and scaling',
    type: 'enum',
    choices: CHEAPER_ALGOS,
    default: TUNED.algo,
    help: `Scaling algorithm (tidepool default ${TUNED.algo}, tuned to spawn for waiting requests at once; uWSGI ${UWSGI.algo}; see server/scaling/README.md).`,
  },
  {
    name: 'cheaper-step',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: 1,
    help: 'Workers spawned at once when scaling up; 0 (backlog only) = one per waiting request (uWSGI reads 0 as 1).',
  },
  {
    name: 'cheaper-overload',
    section: 'Workers and scaling',
    type: 'int',
    min: 1,
    default: 3,
    help: 'spare: checks all busy before spawning; backlog: queue length; busyness: window in seconds.',
  },
  {
    name: 'cheaper-idle',
    section: 'Workers and scaling',
    type: 'int',
    min: 1,
    default: 10,
    help: 'spare2: checks with surplus idle workers before cheaping one.',
  },
  {
    name: 'cheaper-check-interval',
    section: 'Workers and scaling',
    type: 'float',
    min: 0.1,
    default: TUNED.checkIntervalMs / 1000,
    help:
      `Seconds between runs of the scaling algorithm (tidepool default ${TUNED.checkIntervalMs / 1000}: react within one check; ` +
      `uWSGI uses ${UWSGI.checkIntervalMs / 1000}).`,
  },
  {
    name: 'cheaper-busyness-max',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    max: 100,
    default: TUNED.busynessMax,
    help:
      `busyness: average busy % above which workers are spawned (tidepool default ${TUNED.busynessMax}: only waiting requests spawn; ` +
      `uWSGI ${UWSGI.busynessMax}).`,
  },
  {
    name: 'cheaper-busyness-min',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    max: 100,
    default: 25,
    help: 'busyness: average busy % below which a worker is cheaped.',
  },
  {
    name: 'cheaper-busyness-multiplier',
    section: 'Workers and scaling',
    type: 'int',
    min: 1,
    default: 10,
    help: 'busyness: idle windows before cheaping one worker.',
  },
  {
    name: 'cheaper-busyness-penalty',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: 2,
    help: 'busyness: multiplier growth when a spawn follows a cheap too soon.',
  },
  {
    name: 'cheaper-busyness-backlog-alert',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: TUNED.backlogAlert,
    help:
      `busyness: queue length above which an emergency spawn happens (tidepool default ${TUNED.backlogAlert}: any waiting request; ` +
      `uWSGI ${UWSGI.backlogAlert}).`,
  },
  {
    name: 'cheaper-busyness-backlog-step',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: TUNED.backlogStep,
    help: `busyness: workers spawned by an emergency spawn; 0 = one per waiting request (tidepool default ${TUNED.backlogStep}; uWSGI ${UWSGI.backlogStep}).`,
  },
  {
    name: 'cheaper-busyness-backlog-nonzero',
    section: 'Workers and scaling',
    type: 'int',
    min: 0,
    default: 60,
    help: 'busyness: seconds of non-empty queue that trigger an emergency spawn.',
  },
  {
    name: 'cheaper-rss-limit-soft',
    section: 'Workers and scaling',
    type: 'size',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Total worker RSS at which no more workers are spawned (123, 100K, 1M, 2G).',
  },
  {
    name: 'cheaper-rss-limit-hard',
    section: 'Workers and scaling',
    type: 'size',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Total worker RSS at which a worker is cheaped.',
  },

  // Lifecycle
  {
    name: 'harakiri',
    short: 't',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Seconds a request may run before its worker is killed and respawned.',
  },
  {
    name: 'harakiri-graceful-timeout',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Send `harakiri-graceful-signal` first and SIGKILL only after this many seconds.',
  },
  { name: 'harakiri-graceful-signal', section: 'Lifecycle', type: 'signal', default: 'SIGTERM', help: 'Signal of a graceful harakiri (name or number).' },
  {
    name: 'max-requests',
    short: 'R',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Recycle a worker after this many requests.',
  },
  {
    name: 'max-worker-lifetime',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Recycle a worker after this many seconds.',
  },
  {
    name: 'min-worker-lifetime',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 10,
    help: 'Seconds a worker lives at least before max-requests recycles it.',
  },
  {
    name: 'reload-on-rss',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'MB of RSS after which a worker recycles itself after its request.',
  },
  {
    name: 'evil-reload-on-rss',
    section: 'Lifecycle',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'MB of RSS after which the master kills a worker.',
  },
  { name: 'worker-reload-mercy', section: 'Lifecycle', type: 'int', min: 0, default: 60, help: 'Seconds a gracefully stopping worker gets before SIGKILL.' },
  { name: 'reload-mercy', section: 'Lifecycle', type: 'int', min: 0, default: 60, help: 'Seconds the shutdown waits for requests to drain.' },
  { name: 'forkbomb-delay', section: 'Lifecycle', type: 'int', min: 0, default: 2, help: 'Seconds to wait when workers respawn too fast.' },
  {
    name: 'spawn-concurrency',
    section: 'Lifecycle',
    type: 'int',
    min: 1,
    default: () => 2 * availableParallelism(),
    defaultText: 'twice the number of CPUs',
    help: 'Workers that may load the model at once; further spawns wait their turn, so that on a small machine the first new workers are ready sooner than if all loaded together.',
  },

  // Model and requests
  {
    name: 'file',
    aliases: ['wsgi-file'],
    section: 'Model and requests',
    type: 'string',
    default: '',
    defaultText: "none: tidepool's /predict",
    help:
      'Serve your own Node app from this .js, .mjs or .cjs file (relative to `chdir`): an express app, a (req, res) handler, ' +
      'or an object with predict(inputs). A .py file serves the built-in /predict.',
  },
  {
    name: 'module',
    aliases: ['wsgi'],
    short: 'w',
    section: 'Model and requests',
    type: 'string',
    default: '',
    defaultText: 'none',
    metavar: 'NAME[:CALLABLE]',
    help:
      "Serve your own app from a module under `chdir`: `app` is app.js (.mjs, .cjs, app/index.js), `a.b` is a/b.js; uWSGI's `name:callable` " +
      'sets `callable` too. A Python module (no JS file of that name) serves the built-in /predict.',
  },
  {
    name: 'callable',
    section: 'Model and requests',
    type: 'string',
    default: '',
    defaultText: '`app`, else the default export',
    metavar: 'NAME',
    help: 'The export of `file` or `module` to serve.',
  },
  {
    name: 'model',
    section: 'Model and requests',
    type: 'string',
    default: '',
    defaultText: 'the shipped model',
    help:
      'Model to serve, recognised by its content: Keras .h5/.hdf5 or .keras, ONNX, TensorFlow.js model.json (layers or graph), ' +
      'a SavedModel directory (needs tfjs-node), or a tidepool model directory.',
  },
  {
    name: 'backend',
    section: 'Model and requests',
    type: 'enum',
    choices: BACKEND_REQUESTS,
    default: 'auto',
    help:
      'Inference backend. auto: onnxruntime for ONNX; for other formats the plain-JS sparse forward pass when the model fits it and ' +
      'matches TensorFlow.js on every load, else the fastest TensorFlow.js backend that loads (tfjs-node, wasm, cpu).',
  },
  {
    name: 'word-index',
    section: 'Model and requests',
    type: 'string',
    default: '',
    defaultText: 'none: the model takes feature rows',
    help:
      "Word index of a text model (JSON word -> rank, e.g. reuters_word_index.json, or a Tokenizer's to_json()): " +
      '/predict then takes texts, made into the bag of words the model was trained on.',
  },
  {
    name: 'num-words',
    section: 'Model and requests',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: "0: the Tokenizer's num_words, else the model's input width",
    help: "num_words of the text pipeline; must equal the model's input width.",
  },
  {
    name: 'text-mode',
    section: 'Model and requests',
    type: 'enum',
    choices: MATRIX_MODES,
    default: 'binary',
    help: "Tokenizer.texts_to_matrix mode of the text pipeline (tfidf needs a Tokenizer's to_json() as word-index).",
  },
  {
    name: 'text-encoding',
    section: 'Model and requests',
    type: 'enum',
    choices: TEXT_ENCODINGS,
    default: 'auto',
    help:
      "How words become indices. load-data: keras.datasets' (ranks + 3, start 1, unknown 2); tokenizer: a Tokenizer's own; " +
      "auto: tokenizer for a Tokenizer's to_json(), else load-data.",
  },
  {
    name: 'labels',
    section: 'Model and requests',
    type: 'string',
    default: '',
    defaultText: "the model's own (skl2onnx classes, metadata.json), else the class index",
    help: 'File of class names, one per line or a JSON array, one per output class.',
  },
  {
    name: 'output',
    section: 'Model and requests',
    type: 'enum',
    choices: OUTPUT_REQUESTS,
    default: 'auto',
    help:
      'class: the best class with its label and output value (and ?top=K); raw: the output values (regressions, embeddings); ' +
      'auto: class when the output is one score per class, else raw.',
  },
  {
    name: 'batch-max-size',
    section: 'Model and requests',
    type: 'int',
    min: 1,
    default: 32,
    help: 'Dynamic batching: texts of requests that arrive while the model is busy are predicted together, up to this many; 1 turns batching off. Measured here at 32 connections: 1.6x the throughput with the sparse backend, 5x with wasm.',
  },
  {
    name: 'batch-max-delay',
    section: 'Model and requests',
    type: 'int',
    min: 0,
    default: 0,
    help: 'Microseconds a batch may wait for more requests; 0 closes it as soon as the requests already received are parsed (no added wait at low load).',
  },
  {
    name: 'simulate-latency',
    section: 'Model and requests',
    type: 'int',
    min: 0,
    default: 0,
    defaultText: '0 (off)',
    help: 'Milliseconds added to every prediction, to watch scaling on a small machine.',
  },
  {
    name: 'max-body-size',
    section: 'Model and requests',
    type: 'size',
    min: 1,
    default: 100 * 1024,
    help: 'Largest query string or request body; larger ones get 413.',
  },
  { name: 'max-batch', section: 'Model and requests', type: 'int', min: 1, default: 64, help: 'Most texts accepted in one POST.' },
  { name: 'disable-logging', short: 'L', section: 'Model and requests', type: 'bool', default: false, help: 'Turn off the per-request access log line.' },
  { name: 'log-format', section: 'Model and requests', type: 'enum', choices: LOG_FORMATS, default: 'text', help: 'Format of log lines.' },

  // Meta
  {
    name: 'strict',
    section: 'Meta',
    type: 'bool',
    default: false,
    help:
      'Unknown ini keys are errors, as in uWSGI; without it a key that no `%(...)` uses gets a warning. ' +
      'Declare placeholders with `set-placeholder = KEY=VALUE` (alias `set-ph`).',
  },
  {
    name: 'ini',
    section: 'Meta',
    type: 'string',
    default: '',
    flagOnly: true,
    metavar: 'FILE[:SECTION]',
    help: 'Read options from FILE ([uwsgi] and [tidepool] sections) or FILE:SECTION.',
  },
  { name: 'help', short: 'h', section: 'Meta', type: 'bool', default: false, flagOnly: true, help: 'Print this help.' },
] as const satisfies readonly OptionSpec[];

type Table = typeof OPTIONS;
export type OptionName = Table[number]['name'];

type ValueOf<S> = S extends { readonly list: true }
  ? readonly string[]
  : S extends { readonly type: 'enum'; readonly choices: readonly (infer C)[] }
    ? C
    : S extends { readonly type: 'int' | 'float' | 'size' }
      ? number
      : S extends { readonly type: 'bool' }
        ? boolean
        : S extends { readonly type: 'mode' }
          ? number | null
          : S extends { readonly type: 'signal' }
            ? NodeJS.Signals
            : string;

/** The resolved configuration: one key per option name, typed from the table. */
export type Config = { readonly [S in Table[number] as S['name']]: ValueOf<S> };

const BY_NAME = new Map<string, OptionSpec>();
for (const spec of OPTIONS as readonly OptionSpec[]) {
  BY_NAME.set(spec.name, spec);
  for (const alias of spec.aliases ?? []) BY_NAME.set(alias, spec);
}

/** The option a name or alias stands for. */
export function findOption(nameOrAlias: string): OptionSpec | undefined {
  return BY_NAME.get(nameOrAlias);
}

/** Every name and alias, for suggestions. */
export function optionNames(): string[] {
  return [...BY_NAME.keys()];
}

export function isList(spec: OptionSpec): spec is OptionSpec & { readonly list: true; readonly default: readonly string[] } {
  return 'list' in spec && spec.list === true;
}

export function defaultValue(spec: OptionSpec): unknown {
  return typeof spec.default === 'function' ? spec.default() : spec.default;
}

/** TIDEPOOL_CHEAPER_ALGO for `cheaper-algo`. */
export function envVarName(name: string): string {
  return 'TIDEPOOL_' + name.toUpperCase().replace(/-/g, '_');
}
