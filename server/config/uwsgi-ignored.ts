/**
 * uWSGI options that mean nothing in tidepool. A uwsgi.ini written for the Python stack still
 * starts: each of these gives a warning that says why it does not apply, instead of an error.
 * `takesValue` tells the command-line parser whether the next word belongs to the flag.
 */
export interface IgnoredOption {
  readonly takesValue: boolean;
  readonly reason: string;
}

const APP = 'one app per server, at /: see `file` and `module`';
const PYTHON = 'there is no Python interpreter';
const LOGS = 'tidepool logs to stdout and stderr; let systemd or a shell redirect collect them';
const RELOAD = 'reload through the master FIFO (`r`, or `c` for a chain reload) or SIGHUP';

const table: Record<string, IgnoredOption> = {
  mount: { takesValue: true, reason: APP },
  'manage-script-name': { takesValue: false, reason: APP },
  'need-app': { takesValue: false, reason: 'a worker that cannot load its app (or the model) always exits' },
  plugin: { takesValue: true, reason: 'HTTP, the uwsgi protocol and stats are built in' },
  plugins: { takesValue: true, reason: 'HTTP, the uwsgi protocol and stats are built in' },
  home: { takesValue: true, reason: PYTHON },
  virtualenv: { takesValue: true, reason: PYTHON },
  venv: { takesValue: true, reason: PYTHON },
  pyhome: { takesValue: true, reason: PYTHON },
  pythonpath: { takesValue: true, reason: PYTHON },
  'python-path': { takesValue: true, reason: PYTHON },
  pp: { takesValue: true, reason: PYTHON },
  'enable-threads': { takesValue: false, reason: PYTHON },
  'single-interpreter': { takesValue: false, reason: PYTHON },
  'py-autoreload': { takesValue: true, reason: PYTHON },
  'python-autoreload': { takesValue: true, reason: PYTHON },
  threads: { takesValue: true, reason: 'a worker handles one request at a time; raise `workers` instead' },
  'thunder-lock': { takesValue: false, reason: 'the master accepts connections and hands requests to workers, so there is no accept() herd' },
  'offload-threads': { takesValue: true, reason: 'responses are small JSON documents' },
  'buffer-size': { takesValue: true, reason: 'headers are bounded by Node, bodies by `max-body-size`' },
  'post-buffering': { takesValue: true, reason: 'bodies are bounded by `max-body-size`' },
  'socket-timeout': { takesValue: true, reason: 'slow requests are bounded by `harakiri`' },
  'http-timeout': { takesValue: true, reason: 'slow requests are bounded by `harakiri`' },
  logto: { takesValue: true, reason: LOGS },
  logto2: { takesValue: true, reason: LOGS },
  logger: { takesValue: true, reason: LOGS },
  'req-logger': { takesValue: true, reason: LOGS },
  'log-master': { takesValue: false, reason: LOGS },
  'log-date': { takesValue: false, reason: 'log lines always carry a timestamp' },
  'log-4xx': { takesValue: false, reason: 'see `disable-logging`' },
  'log-5xx': { takesValue: false, reason: 'see `disable-logging`' },
  daemonize: { takesValue: true, reason: 'run it under systemd (see deploy/)' },
  'memory-report': { takesValue: false, reason: 'worker memory is always in the stats (rss)' },
  'harakiri-verbose': { takesValue: false, reason: 'harakiri is always logged with its request' },
  'touch-reload': { takesValue: true, reason: RELOAD },
  'touch-chain-reload': { takesValue: true, reason: RELOAD },
  'auto-procname': { takesValue: false, reason: 'process titles are always set' },
  'procname-prefix': { takesValue: true, reason: 'process titles are always set' },
  'procname-prefix-spaced': { takesValue: true, reason: 'process titles are always set' },
  'no-orphans': { takesValue: false, reason: 'workers always exit when the master dies' },
  'limit-as': { takesValue: true, reason: 'address space is no useful limit for Node; see `reload-on-rss`' },
  'reload-on-as': { takesValue: true, reason: 'address space is no useful limit for Node; see `reload-on-rss`' },
  'evil-reload-on-as': { takesValue: true, reason: 'address space is no useful limit for Node; see `evil-reload-on-rss`' },
  'static-map': { takesValue: true, reason: 'let nginx serve static files' },
  'max-fd': { takesValue: true, reason: "set systemd's LimitNOFILE=" },
  vhost: { takesValue: false, reason: 'one app per server' },
};

export function findIgnoredUwsgiOption(name: string): IgnoredOption | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export function ignoredUwsgiOptionNames(): string[] {
  return Object.keys(table);
}

export function ignoredWarning(name: string, reason: string, source: string): string {
  return `ignoring uWSGI option \`${name}\` from ${source} (no meaning in tidepool: ${reason})`;
}
