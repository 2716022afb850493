import { coerceValue, ConfigError, findOption, type OptionSpec } from '../server/index.js';
import { PROFILE_NAMES, type ProfileName } from './load/profiles.js';
import { UsageError } from '../core/cli/usage.js';

export type ScenarioName = 'burst' | 'scale' | 'throughput' | 'profile' | 'crosscheck' | 'compare';
export const SCENARIO_NAMES = ['burst', 'scale', 'throughput', 'profile', 'crosscheck', 'compare'] as const satisfies readonly ScenarioName[];
/** The default set: every question the bench answers, in under 3 minutes on 2 cores. */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = ['burst', 'scale', 'throughput', 'crosscheck'];

/** The classic experiment's request. */
export const CLASSIC_TEXT = 'this is a news sample text about sports, and football in specific';

export interface BenchOptions {
  scenarios: ScenarioName[];
  /** Origin of a running server (http://HOST:PORT); the bench starts its own when absent. */
  url?: string;
  stats?: string;
  quick: boolean;
  json: boolean;
  out?: string;
  help: boolean;
  text: string;
  timeoutS: number;
  /** burst */
  requests: number;
  /** scale */
  clients: number;
  loadSeconds: number;
  cooldownSeconds: number;
  /** throughput */
  connections: number[];
  /** Open-loop rates; null: half and nine tenths of the best closed-loop throughput. */
  rates: number[] | null;
  phaseSeconds: number;
  /** profile */
  profiles: ProfileName[];
  /** crosscheck */
  crossConnections: number;
  crossSeconds: number;
  /** `serve` options for the servers whose pool scales (burst, scale, profile). */
  poolArgs: string[];
  /** `serve` options for every server the bench starts (model, backend, lifecycle). */
  serverArgs: string[];
  /** A cheaper option was given: scale runs that one configuration instead of the comparison. */
  scalingChosen: boolean;
  /** --simulate-latency when given, in ms. */
  simulateLatencyMs: number | null;
}

type Given = Partial<Record<BenchKey, string>>;
type BenchKey =
  | 'scenario' | 'url' | 'stats' | 'out' | 'text' | 'timeout' | 'requests' | 'clients' | 'duration' | 'cooldown'
  | 'connections' | 'rate' | 'phase-seconds' | 'profile' | 'crosscheck-connections' | 'crosscheck-seconds';
const VALUE_OPTIONS: readonly BenchKey[] = [
  'scenario', 'url', 'stats', 'out', 'text', 'timeout', 'requests', 'clients', 'duration', 'cooldown',
  'connections', 'rate', 'phase-seconds', 'profile', 'crosscheck-connections', 'crosscheck-seconds',
];
const FLAGS = ['quick', 'json', 'help'] as const;

/** Server options the bench passes on: the pool's, the model's, the lifecycle's. Not listeners or stats. */
const POOL_SECTION = 'Workers and scaling';
const PASSED_SECTIONS = new Set<string>([POOL_SECTION, 'Lifecycle', 'Model and requests']);
/** Belongs with the pool options: it is the service time of the scaling experiments. */
const POOL_EXTRA = new Set(['simulate-latency']);
/** The bench owns these: it reads every response and needs no access log. */
const NOT_PASSED = new Set(['disable-logging', 'log-format']);

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const given: Given = {};
  const flags = { quick: false, json: false, help: false };
  const poolArgs: string[] = [];
  const serverArgs: string[] = [];
  let scalingChosen = false;
  let simulateLatencyMs: number | null = null;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new UsageError(`Unexpected argument ${JSON.stringify(arg)}: options start with -- (see tidepool bench --help)`);
    const name = m[1]!;
    const inline = m[2];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`Option --${name} expects a value, got nothing`);
      i++;
      return next;
    };
    if ((FLAGS as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new UsageError(`Option --${name} takes no value, got ${JSON.stringify(inline)}`);
      flags[name as (typeof FLAGS)[number]] = true;
      continue;
    }
    if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      given[name as BenchKey] = takeValue();
      continue;
    }
    const negated = name.startsWith('no-') ? findOption(name.slice(3)) : undefined;
    const spec = findOption(name) ?? (negated?.type === 'bool' ? negated : undefined);
    if (spec && PASSED_SECTIONS.has(spec.section) && !NOT_PASSED.has(spec.name)) {
      const raw = spec.type === 'bool' ? (inline ?? !negated) : takeValue();
      const value = coerceServeOption(spec, raw, `--${name}`);
      const args = spec.type === 'bool' ? [`--${value ? '' : 'no-'}${spec.name}`] : [`--${spec.name}`, String(raw)];
      const pool = spec.section === POOL_SECTION || POOL_EXTRA.has(spec.name);
      (pool ? poolArgs : serverArgs).push(...args);
      if (spec.section === POOL_SECTION) scalingChosen = true;
      if (spec.name === 'simulate-latency') simulateLatencyMs = Number(value);
      continue;
    }
    if (spec) throw new UsageError(`Option --${name} is a \`tidepool serve\` option the bench does not pass on: it chooses the listeners, the stats socket and the logging itself`);
    throw new UsageError(`Unknown option --${name} (see tidepool bench --help)`);
  }

  if (given.stats !== undefined && given.url === undefined) {
    throw new UsageError('Option --stats needs --url: without --url the bench starts its own server with a private stats socket');
  }
  if (given.url !== undefined && poolArgs.length + serverArgs.length > 0) {
    throw new UsageError(`Server options (${[...poolArgs, ...serverArgs].filter((a) => a.startsWith('--')).join(', ')}) have no effect with --url: the bench does not start a server then`);
  }
  const q = flags.quick;
  const scenarios = parseScenarios(given.scenario);
  return {
    scenarios,
    ...(given.url !== undefined ? { url: parseUrl(given.url) } : {}),
    ...(given.stats !== undefined ? { stats: nonEmpty('stats', given.stats) } : {}),
    ...(given.out !== undefined ? { out: nonEmpty('out', given.out) } : {}),
    quick: q,
    json: flags.json,
    help: flags.help,
    text: given.text !== undefined ? nonEmpty('text', given.text) : CLASSIC_TEXT,
    timeoutS: number('timeout', given.timeout, 60, { min: 1 }),
    requests: int('requests', given.requests, 11, 1),
    clients: int('clients', given.clients, q ? 4 : 40, 1),
    loadSeconds: number('duration', given.duration, q ? 2.5 : 20, { min: 0.5 }),
    cooldownSeconds: number('cooldown', given.cooldown, q ? 0.5 : 15, { min: 0 }),
    connections: intList('connections', given.connections, q ? [1, 8] : [1, 8, 32]),
    rates: given.rate === undefined ? null : numberList('rate', given.rate),
    phaseSeconds: number('phase-seconds', given['phase-seconds'], q ? 0.75 : 5, { min: 0.25 }),
    profiles: parseProfiles(given.profile),
    crossConnections: int('crosscheck-connections', given['crosscheck-connections'], 8, 1),
    crossSeconds: number('crosscheck-seconds', given['crosscheck-seconds'], q ? 1 : 5, { min: 1 }),
    poolArgs,
    serverArgs,
    scalingChosen,
    simulateLatencyMs,
  };
}

/** Validates a passed-on `serve` option with serve's own table, so the message is serve's. */
function coerceServeOption(spec: OptionSpec, raw: string | boolean, source: string): unknown {
  try {
    return coerceValue(spec, raw, source);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

function parseScenarios(text: string | undefined): ScenarioName[] {
  if (text === undefined) return [...DEFAULT_SCENARIOS];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`Expected --scenario to name one or more of ${SCENARIO_NAMES.join(', ')} or all, got ${JSON.stringify(text)}`);
  const out = new Set<ScenarioName>();
  for (const name of names) {
    if (name === 'all') SCENARIO_NAMES.forEach((s) => out.add(s));
    else if ((SCENARIO_NAMES as readonly string[]).includes(name)) out.add(name as ScenarioName);
    else throw new UsageError(`Expected --scenario to be ${SCENARIO_NAMES.join(', ')} or all (comma-separated for several), got ${JSON.stringify(name)}`);
  }
  // The order of the report is the bench's, whatever the order on the command line.
  return SCENARIO_NAMES.filter((s) => out.has(s));
}

function parseProfiles(text: string | undefined): ProfileName[] {
  if (text === undefined) return [...PROFILE_NAMES];
  return text.split(',').map((name) => {
    const n = name.trim();
    if (!(PROFILE_NAMES as readonly string[]).includes(n)) throw new UsageError(`Expected --profile to be ${PROFILE_NAMES.join(', ')} (comma-separated for several), got ${JSON.stringify(n)}`);
    return n as ProfileName;
  });
}

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Expected --url to be http://HOST:PORT, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`Expected --url to be http://HOST:PORT, got ${JSON.stringify(text)} (${url.protocol} is not supported)`);
  if (url.pathname !== '/' || url.search !== '') {
    throw new UsageError(`Expected --url to be the server's origin http://HOST:PORT without a path, got ${JSON.stringify(text)}: the bench requests /predict itself`);
  }
  return url.origin;
}

function nonEmpty(name: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`Expected --${name} to be a non-empty value, got an empty string`);
  return text;
}

function number(name: string, text: string | undefined, fallback: number, bounds: { min: number }): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < bounds.min) throw new UsageError(`Expected --${name} to be a number >= ${bounds.min}, got ${JSON.stringify(text)}`);
  return n;
}

function int(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) throw new UsageError(`Expected --${name} to be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return n;
}

function intList(name: string, text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  return text.split(',').map((part) => int(name, part, 0, 1));
}

function numberList(name: string, text: string): number[] {
  return text.split(',').map((part) => {
    const n = number(name, part, 0, { min: 0 });
    if (n <= 0) throw new UsageError(`Expected --${name} to be numbers > 0 (comma-separated), got ${JSON.stringify(part)}`);
    return n;
  });
}

export const HELP = `Usage: tidepool bench [options] [-- nothing]

Loads a tidepool (or any uWSGI-stats) server and answers: does it scale when load arrives, and how
fast is it. Reads the server's stats socket while it loads it. Writes a report directory with
summary.md, timeline.json and SVG charts.

Without --url the bench starts its own tidepool server for each scenario (127.0.0.1, a port from
the OS, a private stats socket), and stops it after (also on Ctrl-C and errors).

Scenarios:
  --scenario LIST           burst, scale, throughput, profile, crosscheck or all (comma-separated).
                            Default: burst,scale,throughput,crosscheck (under 3 minutes on 2 cores).
    burst       N one-shot GETs at once, each on its own connection: each answer with its latency
                and the worker that served it (the classic test_parallel_requests.sh).
    scale       a step of blocking requests (--simulate-latency), sampling the pool 4 times a
                second: uWSGI's classic spare step 3 beside tidepool's defaults.
    throughput  /predict at fixed connection counts (closed loop) and at fixed rates (open loop,
                latency from the intended send time: coordinated omission corrected).
    profile     constant, step, ramp and spike-then-cooldown loads.
    crosscheck  wrk and the autocannon harness on the same server, URL, duration and connections,
                two rounds; their best throughputs must agree within 15 % (else exit 1).
    compare     tidepool /predict with and without batching, and a bare node:http cluster
                (constant JSON, same process count): req/s, p50/p99, CPU per request, ratios.
                Starts its own servers (not with --url); not in the default set.

Target:
  --url http://HOST:PORT    Bench a running server instead of starting one.
  --stats ADDRESS           Its stats socket (UNIX path, @abstract, HOST:PORT or http://HOST:PORT).
                            Without it the bench sees only its own requests.

Run:
  --quick                   Everything shorter: the default set in under 30 s (the test suite's).
  --json                    Print the results as JSON on stdout; no progress display.
  --out DIR                 Report directory. Default: bench-reports/<timestamp>/.
  --text TEXT               The text sent to /predict. Default: the classic sports sentence.
  --timeout S               Seconds before a request counts as failed. Default: 60.
  --requests N              burst: requests. Default: 11.
  --clients N               scale: concurrent clients of the step. Default: 40 (quick 4).
  --duration S              scale: seconds of the step. Default: 20 (quick 2.5).
  --cooldown S              scale: quiet seconds after it. Default: 15 (quick 0.5).
  --connections LIST        throughput: closed-loop connection counts. Default: 1,8,32 (quick 1,8).
  --rate LIST               throughput: open-loop rates in requests/s. Default: 50 % and 90 % of
                            the best closed-loop throughput.
  --phase-seconds S         throughput: seconds per load level. Default: 5 (quick 0.75).
  --profile LIST            profile: constant, step, ramp, spike. Default: all four.
  --crosscheck-connections N, --crosscheck-seconds S
                            crosscheck: connections and seconds of each tool. Default: 8, 5 (quick 1).
  -h, --help                Print this help.

Server options (only without --url): any \`tidepool serve\` option of the sections Workers and
scaling, Lifecycle, Model and requests (see tidepool serve --help). The pool options
(--workers, --cheaper, --cheaper-algo, --cheaper-step, ... and --simulate-latency) go to the
servers of burst, scale and profile; a cheaper option makes scale run that one configuration
instead of the comparison. The others (--model, --backend, ...) go to every server. Example:
  tidepool bench --scenario scale --cheaper-algo spare2 --cheaper-step 4
`;
