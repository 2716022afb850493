/**
 * The command line of `tidepool deploy`, parsed and checked before anything is read or written.
 */
import { AddressError, formatAddress, parseAddress, type Address } from '../core/net/address.js';
import { DEFAULT_PROXY, DEFAULT_SERVICE_USER, PROXY_PASS, type Backend, type ProxyMode } from './plan.js';
import { parseStrictArgs, UsageError } from '../core/cli/usage.js';

export interface DeployOptions {
  ini: string;
  /** null: not given (the ini's `uid`, else the default account) */
  user: string | null;
  /** null: not given (the ini's `gid`, else the user's name) */
  group: string | null;
  out: string;
  serverName: string;
  port: number;
  backends: Backend[];
  /** null: the measured default (see DEFAULT_PROXY in plan.ts) */
  proxy: ProxyMode | null;
  help: boolean;
}

const DEFAULTS = { out: 'deploy-out', serverName: '_', port: 80 } as const;

export const DEPLOY_USAGE = `Usage: tidepool deploy --ini FILE [options]

Write an nginx site, a systemd unit and NEXT-STEPS.txt (the commands that install them) for the
tidepool configured by FILE. Nothing outside --out is touched.

Options:
  --ini FILE[:SECTION]  the tidepool/uWSGI ini the service will run (required)
  --user USER           system user the service runs as (default: the ini's uid, else ${DEFAULT_SERVICE_USER})
  --group GROUP         its group; nginx's user joins it to reach the sockets
                        (default: the ini's gid, else USER)
  --out DIR             where to write the files (default ./${DEFAULTS.out})
  --server-name NAME    nginx server_name, several separated by spaces (default ${DEFAULTS.serverName}: any host)
  --port N              public port nginx listens on (default ${DEFAULTS.port})
  --backend HOST:PORT   a tidepool machine for nginx to balance over; repeat for several.
                        Without it, nginx talks to this machine's tidepool over a UNIX socket.
  ${`--proxy ${Object.keys(PROXY_PASS).join('|')}`.padEnd(22)}${PROXY_PASS.http} to an HTTP listener, or ${PROXY_PASS.uwsgi} to a uwsgi socket
                        (default ${DEFAULT_PROXY}: measured faster, see deploy/README.md)
  -h, --help            this text
`;

/** systemd and adduser both accept this shape; anything else would break the unit or the commands. */
const ACCOUNT_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** server_name words: host names, wildcards, `_`. No `;`, braces or quotes that would end the directive. */
const SERVER_NAME = /^[A-Za-z0-9.*_~-]+( [A-Za-z0-9.*_~-]+)*$/;

export function parseDeployArgs(argv: readonly string[]): DeployOptions {
  const parsed = parseStrictArgs('deploy', {
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      ini: { type: 'string' },
      user: { type: 'string' },
      group: { type: 'string' },
      out: { type: 'string' },
      'server-name': { type: 'string' },
      port: { type: 'string' },
      backend: { type: 'string', multiple: true },
      proxy: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  const help = v.help ?? false;
  if (!help && (v.ini === undefined || v.ini === '')) {
    throw new UsageError('Expected `--ini FILE`, the ini the service will run (e.g. --ini tidepool.ini), got none');
  }
  return {
    ini: v.ini ?? '',
    user: v.user === undefined ? null : accountName('--user', v.user),
    group: v.group === undefined ? null : accountName('--group', v.group),
    out: nonEmpty('--out', v.out ?? DEFAULTS.out),
    serverName: serverName(v['server-name'] ?? DEFAULTS.serverName),
    port: port('--port', v.port ?? String(DEFAULTS.port)),
    backends: (v.backend ?? []).map(backend),
    proxy: v.proxy === undefined ? null : proxyMode(v.proxy),
    help,
  };
}

function accountName(option: string, text: string): string {
  if (!ACCOUNT_NAME.test(text)) {
    throw new UsageError(
      `Expected \`${option}\` to be a system account name (lower-case letters, digits, _ and -, at most 32, not starting with a digit or -), got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

function nonEmpty(option: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`Expected \`${option}\` to be a directory, got an empty string`);
  return text;
}

function serverName(text: string): string {
  if (!SERVER_NAME.test(text)) {
    throw new UsageError(`Expected \`--server-name\` to be host names separated by single spaces (letters, digits, . * _ ~ -), got ${JSON.stringify(text)}`);
  }
  return text;
}

function port(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) {
    throw new UsageError(`Expected \`${option}\` to be a port number 1-65535, got ${JSON.stringify(text)}`);
  }
  return n;
}

function backend(text: string): Backend {
  let a: Address;
  try {
    a = parseAddress(text, '`--backend`');
  } catch (e) {
    if (e instanceof AddressError) throw new UsageError(`${e.message}; a backend is HOST:PORT, e.g. 10.0.0.2:8000`);
    throw e;
  }
  if (a.kind !== 'tcp' || !/^(\[[^\]]+\]|[^:/[\]]+):\d+$/.test(text.trim())) {
    throw new UsageError(`Expected \`--backend\` as HOST:PORT of another machine's tidepool listener (e.g. 10.0.0.2:8000), got ${JSON.stringify(text)}`);
  }
  if (a.port === 0) throw new UsageError(`Expected \`--backend\` to name a real port, got port 0 in ${JSON.stringify(text)}`);
  if (a.host === '0.0.0.0' || a.host === '::') {
    throw new UsageError(`Expected \`--backend\` to name the address nginx connects to, got the wildcard ${JSON.stringify(formatAddress(a))}`);
  }
  return { host: a.host, port: a.port };
}

function proxyMode(text: string): ProxyMode {
  if (!Object.hasOwn(PROXY_PASS, text)) {
    const modes = Object.entries(PROXY_PASS)
      .map(([mode, directive]) => `${mode} (${directive})`)
      .join(' or ');
    throw new UsageError(`Expected \`--proxy\` to be ${modes}, got ${JSON.stringify(text)}`);
  }
  return text as ProxyMode;
}
