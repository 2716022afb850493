/**
 * What a deployment looks like, decided once from a tidepool configuration and the operator's
 * choices: the nginx site, the systemd unit and the next steps are renderings of this plan and
 * decide nothing themselves. Pure: no file, process or clock is read here.
 */
import path from 'node:path';
import { formatAddress, parseAddress } from '../core/net/address.js';
import { BARE_CHMOD_SOCKET, ConfigError, DEFAULT_HTTP, KEEP_ALIVE_TIMEOUT_MS, OPTIONS, type Config } from '../server/index.js';

/** How nginx talks to tidepool: the nginx directive of each mode. */
export const PROXY_PASS = { http: 'proxy_pass', uwsgi: 'uwsgi_pass' } as const;
export type ProxyMode = keyof typeof PROXY_PASS;

/**
 * proxy_pass with kept-alive upstream connections measured faster than uwsgi_pass, which nginx
 * cannot keep alive (deploy/measurePass.ts; the numbers are in deploy/README.md).
 */
export const DEFAULT_PROXY: ProxyMode = 'http';

export interface Backend {
  host: string;
  port: number;
}

/** What the operator asked for, with every path already absolute. */
export interface DeployRequest {
  /** as `--ini` takes it: the absolute file, plus `:SECTION` when one was named */
  iniArgument: string;
  iniPath: string;
  user: string;
  group: string;
  /** the user and group are the ini's `uid` and `gid`, which may exist already */
  accountFromIni: boolean;
  serverName: string;
  port: number;
  /** empty: nginx and tidepool on this machine, over a UNIX socket */
  backends: readonly Backend[];
  proxy: ProxyMode;
  /** the node binary and tidepool's CLI the unit runs */
  nodePath: string;
  cliPath: string;
}

/** A line the ini needs for this deployment, with the reason shown next to it. */
export interface IniAddition {
  key: string;
  value: string;
  why: string;
}

export interface UpstreamServer {
  /** as nginx writes it: `unix:/run/tidepool/http.sock` or `10.0.0.2:8000` */
  address: string;
  /** passive health check: after maxFails failed attempts within failTimeoutS, skip it for failTimeoutS */
  maxFails: number | null;
  failTimeoutS: number | null;
}

export interface DeployPlan {
  name: string;
  request: DeployRequest;
  upstream: {
    name: string;
    servers: UpstreamServer[];
    /** null: a single server, nothing to balance */
    balance: 'least_conn' | null;
    /** idle connections each nginx worker keeps open; null for uwsgi_pass, which cannot keep any */
    keepalive: number | null;
    keepaliveTimeoutS: number;
    /** tidepool's own idle timeout, which keepaliveTimeoutS stays below */
    serverKeepaliveTimeoutS: number;
    /** shared memory so every nginx worker sees the same failure counts */
    zone: string | null;
  };
  nginx: {
    clientMaxBodyBytes: number;
    headerBufferBytes: number;
    connectTimeoutS: number;
    /** harakiri and its graceful timeout (0: off), which the read timeout must exceed */
    harakiriS: number;
    harakiriGraceS: number;
    readTimeoutS: number;
    nextUpstreamTries: number;
  };
  service: {
    workingDirectory: string;
    execStart: string[];
    execReload: string[];
    runtimeDirectory: string;
    readWritePaths: string[];
    protectHome: 'yes' | 'read-only';
    /** the master's shutdown drain (reload-mercy); systemd waits longer before SIGKILL */
    drainS: number;
    timeoutStopS: number;
  };
  /** addresses for `tidepool top`: the stats socket here, or every backend's stats port */
  statsAddresses: string[];
  /** how to reach the readiness check and /metrics from the machine itself */
  localHttp: string | null;
  iniAdditions: IniAddition[];
  warnings: string[];
}

export const SERVICE_NAME = 'tidepool';
/** The system account the service runs as when neither the ini (`uid`) nor `--user` names one. */
export const DEFAULT_SERVICE_USER = 'tidepool';
/** Where systemd creates the unit's RuntimeDirectory= (named after the service). */
export const RUNTIME_DIR = `/run/${SERVICE_NAME}`;
/** Debian's and Ubuntu's nginx workers run as this user. */
export const NGINX_USER = 'www-data';
/** The group can read and write the sockets; nobody else can. */
export const SOCKET_MODE = 0o660;
export const DEFAULT_STATS_PORT = 1717;
/**
 * How long tidepool's workers keep an idle connection open. nginx must close first: a request
 * sent on a connection the server is closing at that moment fails, and only idempotent ones may
 * be re-sent; one second earlier is ample for a peer on the same machine or network.
 */
export const TIDEPOOL_KEEPALIVE_S = KEEP_ALIVE_TIMEOUT_MS / 1000;
const UPSTREAM_KEEPALIVE_S = TIDEPOOL_KEEPALIVE_S - 1;
const STOP_MARGIN_S = 15;
/** nginx's uwsgi packet holds 64 KB of variables, and the query string is in two of them. */
const UWSGI_QUERY_LIMIT = 32 * 1024;
const READ_MARGIN_S = 10;
const NGINX_DEFAULT_READ_TIMEOUT_S = 60;

const DEFAULT_STATS = (OPTIONS.find((o) => o.name === 'stats')?.default ?? '') as string;
/** With PrivateTmp=yes the service's /tmp is its own: a socket there is invisible to nginx and to `top`. */
const PRIVATE_DIRS = ['/tmp', '/var/tmp'];

/**
 * The account the unit runs as. systemd switches to it before tidepool starts, so tidepool never
 * runs as root and finds its `uid`/`gid` already in effect; a `--user` or `--group` that names
 * someone else would make it refuse to start (only root may switch), so that is an error here.
 */
export function serviceAccount(config: Config, asked: { user: string | null; group: string | null }): { user: string; group: string; fromIni: boolean } {
  const agree = (flag: string, given: string | null, option: 'uid' | 'gid', fromIni: string): void => {
    if (given === null || fromIni === '' || given === fromIni) return;
    throw new ConfigError(
      `\`${flag} ${given}\` and the ini's \`${option} = ${fromIni}\` name different accounts: systemd would start tidepool as ${given}, ` +
        `and only root may switch to ${fromIni}; give \`${flag} ${fromIni}\` (or leave it out), or change \`${option}\``,
      option,
    );
  };
  agree('--user', asked.user, 'uid', config.uid);
  agree('--group', asked.group, 'gid', config.gid);
  const user = asked.user ?? (config.uid || DEFAULT_SERVICE_USER);
  return { user, group: asked.group ?? (config.gid || user), fromIni: config.uid !== '' || config.gid !== '' };
}

/** The options that name files or directories the service reads: each must be readable under the unit's sandbox. */
const READ_PATH_OPTIONS = ['chdir', 'model', 'word-index', 'labels', 'file'] as const;

export function buildPlan(config: Config, request: DeployRequest): DeployPlan {
  const workingDirectory = path.dirname(request.iniPath);
  // Relative paths in the ini are read from the directory the master runs in: its chdir, else the unit's WorkingDirectory.
  const runDir = config.chdir ? path.resolve(workingDirectory, config.chdir) : workingDirectory;
  const abs = (p: string): string => path.resolve(runDir, p);
  const additions: IniAddition[] = [];
  const warnings: string[] = [];
  const local = request.backends.length === 0;
  const listenKey = request.proxy === 'http' ? 'http' : 'socket';
  const listeners = request.proxy === 'http' ? (httpIsDefault(config) ? [] : config.http) : config.socket;

  let servers: UpstreamServer[];
  let statsAddresses: string[];
  if (local) {
    const usable = listeners.map((a) => parseAddress(a)).find((a) => a.kind === 'unix' && !underAny(abs(a.path), PRIVATE_DIRS));
    let socketPath: string;
    if (usable?.kind === 'unix') {
      socketPath = abs(usable.path);
    } else {
      socketPath = `${RUNTIME_DIR}/${request.proxy}.sock`;
      additions.push({
        key: listenKey,
        value: socketPath,
        why: `nginx's ${PROXY_PASS[request.proxy]} reaches tidepool on this UNIX socket (no TCP port to open, permissions by group)`,
      });
    }
    servers = [{ address: `unix:${socketPath}`, maxFails: null, failTimeoutS: null }];
    const mode = config['chmod-socket'];
    if (mode !== SOCKET_MODE) {
      additions.push({
        key: 'chmod-socket',
        value: SOCKET_MODE.toString(8),
        why:
          `nginx (${NGINX_USER}, a member of the ${request.group} group) may use the sockets; other users may not` +
          (mode === BARE_CHMOD_SOCKET ? ` (${mode.toString(8)} would let any local user send requests)` : ''),
      });
    }
    const stats = config.stats === '' ? null : parseAddress(config.stats);
    if (stats?.kind === 'unix' && (config.stats === DEFAULT_STATS || underAny(abs(stats.path), PRIVATE_DIRS))) {
      additions.push({
        key: 'stats',
        value: `${RUNTIME_DIR}/stats.sock`,
        why: 'the stats socket lives with the others, outside the read-only checkout, visible to `tidepool top`',
      });
      statsAddresses = [`${RUNTIME_DIR}/stats.sock`];
    } else {
      statsAddresses = stats === null ? [] : [stats.kind === 'unix' ? abs(stats.path) : formatAddress(stats)];
    }
  } else {
    servers = request.backends.map((b) => ({ address: formatAddress({ kind: 'tcp', ...b }), maxFails: 3, failTimeoutS: 10 }));
    checkBackendListeners(request, listeners, listenKey, additions, warnings);
    const stats = config.stats === '' ? null : parseAddress(config.stats);
    let statsPort: number;
    if (stats?.kind === 'tcp' && !isLoopback(stats.host)) {
      statsPort = stats.port;
    } else {
      statsPort = DEFAULT_STATS_PORT;
      additions.push({
        key: 'stats',
        value: `0.0.0.0:${statsPort}`,
        why: `\`tidepool top host1:${statsPort} host2:${statsPort}\` reads every machine; firewall the port to your admin hosts (or use the private address instead of 0.0.0.0)`,
      });
    }
    statsAddresses = request.backends.map((b) => formatAddress({ kind: 'tcp', host: b.host, port: statsPort }));
  }

  if (!config['die-on-term']) {
    additions.push({ key: 'die-on-term', value: 'true', why: '`systemctl stop` sends SIGTERM and expects a shutdown, not a reload' });
  }
  let fifo = config['master-fifo'] ? abs(config['master-fifo']) : '';
  if (fifo === '' || underAny(fifo, PRIVATE_DIRS)) {
    fifo = `${RUNTIME_DIR}/master.fifo`;
    additions.push({
      key: 'master-fifo',
      value: fifo,
      why: '`systemctl reload tidepool` does a chain reload through it: one worker at a time, no request lost',
    });
  }

  const cli = [request.nodePath, request.cliPath];
  const iniValue = (key: string): string | undefined => additions.find((a) => a.key === key)?.value;
  const unixPath = (address: string): string[] => {
    const a = parseAddress(address);
    return a.kind === 'unix' ? [abs(a.path)] : [];
  };
  const statsAddress = iniValue('stats') ?? config.stats;
  const written = [
    ...[...config.http, ...config.socket, ...additions.filter((a) => a.key === 'http' || a.key === 'socket').map((a) => a.value)].flatMap(unixPath),
    ...(statsAddress === '' ? [] : unixPath(statsAddress)),
    ...(config.metrics === '' ? [] : unixPath(config.metrics)),
    ...(config.pidfile ? [abs(config.pidfile)] : []),
    fifo,
  ];
  const readWritePaths = [...new Set(written.map((p) => path.dirname(p)))].filter((d) => !underAny(d, [RUNTIME_DIR, ...PRIVATE_DIRS])).sort();
  for (const d of readWritePaths) {
    warnings.push(
      `${d} is made writable for the service (ReadWritePaths=) because the ini puts a socket, FIFO or pidfile there; ${RUNTIME_DIR} needs no such exception`,
    );
  }

  if (underAny(request.iniPath, PRIVATE_DIRS)) {
    warnings.push(
      `${request.iniPath} is under ${PRIVATE_DIRS.join(' or ')}: with PrivateTmp=yes the service sees an empty private /tmp and cannot read it; keep the ini in the checkout (e.g. /opt/tidepool/tidepool.ini)`,
    );
  }
  const hidden = [...config.http, ...config.socket, ...(statsAddress === '' ? [] : [statsAddress])].flatMap(unixPath).filter((p) => underAny(p, PRIVATE_DIRS));
  for (const p of hidden) warnings.push(`${p} is under /tmp: with PrivateTmp=yes only the service itself sees that socket (not nginx, not \`tidepool top\`)`);

  for (const b of request.backends) {
    if (!/^[\d.]+$/.test(b.host) && !b.host.includes(':')) {
      warnings.push(
        `nginx resolves ${b.host} once, when it starts or reloads, and refuses to start if it cannot: a changed address needs \`nginx -s reload\`; an IP address avoids both`,
      );
    }
  }

  const read = READ_PATH_OPTIONS.map((key) => config[key])
    .filter((p) => p !== '')
    .map(abs);
  const homePaths = [request.nodePath, request.cliPath, request.iniPath, ...read].filter((p) => underAny(p, ['/home', '/root', '/run/user']));
  for (const p of homePaths) {
    warnings.push(
      `${p} is under a home directory: the unit uses ProtectHome=read-only instead of yes, and the ${request.user} user must be able to read it; a checkout in /opt/tidepool with a system-wide node (/usr/bin/node) avoids both`,
    );
  }

  const harakiri = config.harakiri;
  const readTimeoutS = Math.max(NGINX_DEFAULT_READ_TIMEOUT_S, harakiri > 0 ? harakiri + config['harakiri-graceful-timeout'] + READ_MARGIN_S : 0);
  const maxBody = config['max-body-size'];
  if (request.proxy === 'uwsgi' && maxBody > UWSGI_QUERY_LIMIT) {
    warnings.push(
      `uwsgi_pass sends the query string twice (QUERY_STRING and REQUEST_URI) in a uwsgi packet of at most 64 KB: a GET /predict text over about 32 KB gets a 500 from nginx ("uwsgi request is too big"), below max-body-size (${maxBody} bytes); send long texts by POST, or use --proxy http`,
    );
  }

  return {
    name: SERVICE_NAME,
    request,
    upstream: {
      name: SERVICE_NAME,
      servers,
      balance: servers.length > 1 ? 'least_conn' : null,
      keepalive: request.proxy === 'http' ? Math.min(64, Math.max(8, 2 * config.workers * servers.length)) : null,
      keepaliveTimeoutS: UPSTREAM_KEEPALIVE_S,
      serverKeepaliveTimeoutS: TIDEPOOL_KEEPALIVE_S,
      zone: servers.length > 1 ? `${SERVICE_NAME}_backends` : null,
    },
    nginx: {
      clientMaxBodyBytes: maxBody,
      // A GET carries its text in the request line: let the app answer an over-long one with its own 413.
      headerBufferBytes: Math.max(8 * 1024, Math.ceil((maxBody + 1024) / 1024) * 1024),
      connectTimeoutS: 2,
      harakiriS: harakiri,
      harakiriGraceS: config['harakiri-graceful-timeout'],
      readTimeoutS,
      nextUpstreamTries: 2,
    },
    service: {
      workingDirectory,
      execStart: [...cli, 'serve', '--ini', request.iniArgument],
      execReload: [...cli, 'ctl', '--fifo', fifo, 'chain-reload'],
      runtimeDirectory: SERVICE_NAME,
      readWritePaths,
      protectHome: homePaths.length > 0 ? 'read-only' : 'yes',
      drainS: config['reload-mercy'],
      timeoutStopS: config['reload-mercy'] + STOP_MARGIN_S,
    },
    statsAddresses,
    localHttp: local && request.proxy === 'http' ? servers[0]!.address.slice('unix:'.length) : firstHttp(effectiveHttp(config, additions), abs),
    iniAdditions: additions,
    warnings,
  };
}

/** Each backend runs the same ini: it needs a listener nginx can reach on the backend's port. */
function checkBackendListeners(request: DeployRequest, listeners: readonly string[], key: string, additions: IniAddition[], warnings: string[]): void {
  const tcp = listeners.map((a) => parseAddress(a)).flatMap((a) => (a.kind === 'tcp' ? [a] : []));
  const missing = request.backends.filter((b) => !tcp.some((a) => a.port === b.port && (isWildcard(a.host) || a.host === b.host || !isLoopback(a.host))));
  if (missing.length === 0) return;
  const ports = [...new Set(missing.map((b) => b.port))];
  const loopbackOnly = tcp.filter((a) => ports.includes(a.port));
  if (loopbackOnly.length > 0) {
    warnings.push(
      `\`${key} = ${formatAddress(loopbackOnly[0]!)}\` only answers on this machine: change it to 0.0.0.0:${loopbackOnly[0]!.port} or the machine's private address so that nginx can reach it`,
    );
  } else if (ports.length === 1) {
    additions.push({
      key,
      value: `0.0.0.0:${ports[0]}`,
      why: `nginx on the front machine reaches every backend on port ${ports[0]}; firewall it to the nginx machine`,
    });
  } else {
    warnings.push(`the backends use different ports (${ports.join(', ')}): give each machine's ini its own \`${key} = 0.0.0.0:PORT\``);
  }
}

/**
 * The http listeners once the additions are in. tidepool's default HTTP listener exists only
 * while the ini names no listener at all, so an added `socket` line takes it away.
 */
function effectiveHttp(config: Config, additions: readonly IniAddition[]): string[] {
  const kept = httpIsDefault(config) && additions.some((a) => a.key === 'socket' || a.key === 'http') ? [] : config.http;
  return [...kept, ...additions.filter((a) => a.key === 'http').map((a) => a.value)];
}

/** The ini named no listener, so tidepool falls back to its default HTTP one (which nginx should not rely on). */
function httpIsDefault(config: Config): boolean {
  return config.socket.length === 0 && config.http.length === 1 && config.http[0] === DEFAULT_HTTP;
}

function firstHttp(listeners: readonly string[], abs: (p: string) => string): string | null {
  for (const text of listeners) {
    const a = parseAddress(text);
    if (a.kind === 'unix') return abs(a.path);
    if (a.kind === 'tcp') return formatAddress(a);
  }
  return null;
}

function underAny(p: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => p === d || p.startsWith(d + '/'));
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
