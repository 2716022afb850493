import { normalize } from 'node:path';
import { formatAddress, parseAddress } from '../../core/net/address.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_HTTP, type Config } from './options.js';

/** Values being resolved, and where each one that is not a default came from. */
export interface Draft {
  readonly values: { -readonly [K in keyof Config]: Config[K] };
  readonly sources: Partial<Record<keyof Config, string>>;
}

/**
 * Rules between options (uWSGI's and tidepool's), applied once every source is in. Fills the
 * defaults that depend on other options, fixes what uWSGI would silently fix (with a warning),
 * and throws for combinations that cannot run, saying how to fix them.
 */
export function crossCheck(draft: Draft, warnings: string[]): void {
  const v = draft.values;
  const from = (name: keyof Config) => draft.sources[name] ?? 'default';
  const given = (name: keyof Config) => draft.sources[name] !== undefined;

  if (v.http.length === 0 && v.socket.length === 0) v.http = [DEFAULT_HTTP];

  for (const name of ['master', 'lazy-apps'] as const) {
    if (!v[name]) {
      warnings.push(
        `ignoring \`${name} = false\` from ${from(name)}: tidepool always ${name === 'master' ? 'runs a master' : 'loads the model in each worker'}`,
      );
      v[name] = true;
    }
  }

  // The default minimum of 1 must not make a one-CPU machine (workers = 1) fail to start.
  if (!given('cheaper') && v.cheaper >= v.workers) v.cheaper = v.workers - 1;
  if (v.cheaper > 0 && v.cheaper >= v.workers) {
    throw new ConfigError(
      `Expected \`cheaper\` (the minimum number of running workers) to be less than \`workers\` (the maximum), ` +
        `got cheaper ${v.cheaper} (from ${from('cheaper')}) and workers ${v.workers} (from ${from('workers')}); ` +
        'lower `cheaper`, raise `workers`, or set `cheaper = 0` to keep every worker running',
      'cheaper',
    );
  }
  checkCheaperInitial(draft, warnings);

  const busyMin = v['cheaper-busyness-min'];
  const busyMax = v['cheaper-busyness-max'];
  if (busyMin >= busyMax) {
    throw new ConfigError(
      `Expected \`cheaper-busyness-min\` to be below \`cheaper-busyness-max\`, got ${busyMin} (from ${from('cheaper-busyness-min')}) ` +
        `and ${busyMax} (from ${from('cheaper-busyness-max')}); the uWSGI docs advise max above 2 x min`,
      'cheaper-busyness-min',
    );
  }
  const soft = v['cheaper-rss-limit-soft'];
  const hard = v['cheaper-rss-limit-hard'];
  if (soft > 0 && hard > 0 && soft >= hard) {
    throw new ConfigError(
      `Expected \`cheaper-rss-limit-soft\` (stop spawning) to be below \`cheaper-rss-limit-hard\` (cheap a worker), ` +
        `got ${soft} bytes (from ${from('cheaper-rss-limit-soft')}) and ${hard} bytes (from ${from('cheaper-rss-limit-hard')})`,
      'cheaper-rss-limit-soft',
    );
  }

  const graceful = v['harakiri-graceful-timeout'];
  if (graceful > 0 && v.harakiri === 0) {
    warnings.push(`\`harakiri-graceful-timeout\` from ${from('harakiri-graceful-timeout')} has no effect while \`harakiri\` is 0 (off)`);
  } else if (graceful > 0 && graceful >= v.harakiri) {
    throw new ConfigError(
      `Expected \`harakiri-graceful-timeout\` to be less than \`harakiri\`, got ${graceful} s (from ${from('harakiri-graceful-timeout')}) ` +
        `and ${v.harakiri} s (from ${from('harakiri')}); the graceful signal is sent at harakiri and SIGKILL after the timeout, so keep it short`,
      'harakiri-graceful-timeout',
    );
  }

  const unixPaths = [...v.http, ...v.socket, v.stats, v.metrics].filter((a) => a !== '' && parseAddress(a).kind === 'unix');
  if (v['chmod-socket'] !== null && unixPaths.length === 0) {
    warnings.push(`\`chmod-socket\` from ${from('chmod-socket')} has no effect: no http, socket, stats or metrics listener is a UNIX socket path`);
  }
  if (v['stats-http'] && v.stats === '') warnings.push(`\`stats-http\` from ${from('stats-http')} has no effect: \`stats\` is off`);

  checkListenersDistinct(draft);
}

function checkCheaperInitial(draft: Draft, warnings: string[]): void {
  const v = draft.values;
  const source = draft.sources['cheaper-initial'];
  if (v.cheaper === 0) {
    // Scaling is off: every worker runs from the start, as in uWSGI without cheaper.
    if (source !== undefined && v['cheaper-initial'] !== v.workers) {
      warnings.push(`ignoring \`cheaper-initial\` from ${source}: \`cheaper\` is 0, so all ${v.workers} workers start`);
    }
    v['cheaper-initial'] = v.workers;
    return;
  }
  if (source === undefined) {
    v['cheaper-initial'] = v.cheaper;
    return;
  }
  const asked = v['cheaper-initial'];
  const clamped = Math.min(Math.max(asked, v.cheaper), v.workers);
  if (clamped !== asked) {
    warnings.push(`\`cheaper-initial\` ${asked} from ${source} is outside [cheaper ${v.cheaper}, workers ${v.workers}]; starting ${clamped} workers`);
    v['cheaper-initial'] = clamped;
  }
}

/** Two listeners on one address would fail at bind with EADDRINUSE; say which options clash instead. */
function checkListenersDistinct(draft: Draft): void {
  const v = draft.values;
  const owners = new Map<string, string>();
  const listeners: Array<[keyof Config, readonly string[]]> = [
    ['http', v.http],
    ['socket', v.socket],
    ['stats', v.stats === '' ? [] : [v.stats]],
    ['metrics', v.metrics === '' ? [] : [v.metrics]],
  ];
  for (const [name, addresses] of listeners) {
    for (const text of addresses) {
      const address = parseAddress(text);
      // Port 0: the OS picks a free port for each, so two of them never meet.
      if (address.kind === 'tcp' && address.port === 0) continue;
      // `./stats.sock` and `stats.sock` are one file.
      const key = address.kind === 'unix' ? normalize(address.path) : formatAddress(address);
      const owner = owners.get(key);
      if (owner !== undefined) {
        throw new ConfigError(
          `Expected every listener to have its own address, got \`${text}\` for both \`${owner}\` and \`${name}\` ` +
            `(from ${draft.sources[name] ?? 'default'})`,
          name,
        );
      }
      owners.set(key, name);
    }
  }
}
