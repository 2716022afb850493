import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { coerceValue, ConfigError, findOption, OPTIONS as SERVE_OPTIONS, type OptionSpec } from '../server/index.js';
import { DRIVER_REQUESTS, type DriverRequest } from './load/driver.js';
import { PROFILE_NAMES, type ProfileName } from './load/profiles.js';
import { ACCEPT_MODES, type AcceptMode, availableAcceptModes } from './target/acceptMode.js';
import { REPORTS_DIR } from './report/writeReport.js';
import { CROSS_CHECK_TOLERANCE } from './wrkCrossCheck.js';
import { parseStrictArgs, UsageError } from '../core/cli/usage.js';

export type ScenarioName = 'burst' | 'scale' | 'throughput' | 'profile' | 'crosscheck' | 'compare' | 'cost';
export const SCENARIO_NAMES = ['burst', 'scale', 'throughput', 'profile', 'crosscheck', 'compare', 'cost'] as const satisfies readonly ScenarioName[];
/** The default set: every question the bench answers, in under 3 minutes on 2 cores. */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = ['burst', 'scale', 'throughput', 'crosscheck'];

/** The classic experiment's request. */
export const CLASSIC_TEXT = 'this is a news sample text about sports, and football in specific';

/** Open-loop rates when --rate is not given: these shares of the best closed-loop throughput, below and near saturation. */
export const OPEN_LOOP_SHARES = [0.5, 0.9] as const;

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
  /** What drives the closed-loop load of compare and throughput. */
  driver: DriverRequest;
  /** burst */
  requests: number;
  /** scale */
  clients: number;
  loadSeconds: number;
  cooldownSeconds: number;
  /** throughput and compare */
  connections: number[];
  /** Open-loop rates; null: OPEN_LOOP_SHARES of the best closed-loop throughput. */
  rates: number[] | null;
  phaseSeconds: number;
  /** profile */
  profiles: ProfileName[];
  /** cost: the accept modes, alternated row by row. */
  acceptModes: AcceptMode[];
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

/** A default, or one for a full run and one for --quick. */
type Default<T> = T | { full: T; quick: T };

interface ValueSpec<T> {
  flag: string;
  metavar: string;
  group: 'Scenarios' | 'Target' | 'Run';
  help: string;
  /** Absent: the option has no value unless given. */
  default?: Default<T>;
  /** How the default reads in --help; the value itself otherwise. */
  show?: (value: T) => string;
  parse(flag: string, text: string): T;
}

const spec = <T>(s: ValueSpec<T>) => s;

function nonEmpty(flag: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`Expected --${flag} to be a non-empty value, got an empty string`);
  return text;
}

const number =
  (min: number) =>
  (flag: string, text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`Expected --${flag} to be a number >= ${min}, got ${JSON.stringify(text)}`);
    return n;
  };

const int =
  (min: number) =>
  (flag: string, text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min) throw new UsageError(`Expected --${flag} to be a whole number >= ${min}, got ${JSON.stringify(text)}`);
    return n;
  };

const list =
  <T>(item: (flag: string, text: string) => T) =>
  (flag: string, text: string): T[] =>
    text.split(',').map((part) => item(flag, part));

function positiveNumber(flag: string, text: string): number {
  const n = number(0)(flag, text);
  if (n <= 0) throw new UsageError(`Expected --${flag} to be numbers > 0 (comma-separated), got ${JSON.stringify(text)}`);
  return n;
}

function parseScenarios(flag: string, text: string): ScenarioName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`Expected --${flag} to name one or more of ${SCENARIO_NAMES.join(', ')} or all, got ${JSON.stringify(text)}`);
  const out = new Set<ScenarioName>();
  for (const name of names) {
    if (name === 'all') SCENARIO_NAMES.forEach((s) => out.add(s));
    else if ((SCENARIO_NAMES as readonly string[]).includes(name)) out.add(name as ScenarioName);
    else throw new UsageError(`Expected --${flag} to be ${SCENARIO_NAMES.join(', ')} or all (comma-separated for several), got ${JSON.stringify(name)}`);
  }
  // The order of the report is the bench's, whatever the order on the command line.
  return SCENARIO_NAMES.filter((s) => out.has(s));
}

function parseProfiles(flag: string, text: string): ProfileName[] {
  return text.split(',').map((name) => {
    const n = name.trim();
    if (!(PROFILE_NAMES as readonly string[]).includes(n)) {
      throw new UsageError(`Expected --${flag} to be ${PROFILE_NAMES.join(', ')} (comma-separated for several), got ${JSON.stringify(n)}`);
    }
    return n as ProfileName;
  });
}

function parseAcceptModes(flag: string, text: string): AcceptMode[] {
  const modes = text.split(',').map((m) => m.trim());
  const available = availableAcceptModes();
  for (const mode of modes) {
    if (!(ACCEPT_MODES as readonly string[]).includes(mode)) {
      throw new UsageError(`Expected --${flag} to be ${ACCEPT_MODES.join(', ')} (comma-separated for both), got ${JSON.stringify(mode)}`);
    }
    if (!(available as string[]).includes(mode)) {
      const fix = `this build's \`tidepool serve\` has no accept option yet: use --${flag} ${available.join(',')}`;
      throw new UsageError(`Expected --${flag} to be ${available.join(', ')}, got ${JSON.stringify(mode)}: ${fix}`);
    }
  }
  return [...new Set(modes as AcceptMode[])];
}

function parseDriver(flag: string, text: string): DriverRequest {
  if (!(DRIVER_REQUESTS as readonly string[]).includes(text)) {
    throw new UsageError(`Expected --${flag} to be ${DRIVER_REQUESTS.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text as DriverRequest;
}

function parseUrl(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Expected --${flag} to be http://HOST:PORT, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:') {
    throw new UsageError(`Expected --${flag} to be http://HOST:PORT, got ${JSON.stringify(text)} (${url.protocol} is not supported)`);
  }
  if (url.pathname !== '/' || url.search !== '') {
    const why = 'the bench requests /predict itself';
    throw new UsageError(`Expected --${flag} to be the server's origin http://HOST:PORT without a path, got ${JSON.stringify(text)}: ${why}`);
  }
  return url.origin;
}

const commaList = (values: readonly unknown[]) => values.join(',');

/** Every option of the bench's own: the parser, the defaults and --help are read off this table. */
const VALUES = {
  scenarios: spec<ScenarioName[]>({
    flag: 'scenario',
    metavar: 'LIST',
    group: 'Scenarios',
    help: `${SCENARIO_NAMES.join(', ')} or all (comma-separated).`,
    default: [...DEFAULT_SCENARIOS],
    show: commaList,
    parse: parseScenarios,
  }),
  url: spec<string>({ flag: 'url', metavar: 'http://HOST:PORT', group: 'Target', help: 'Bench a running server instead of starting one.', parse: parseUrl }),
  stats: spec<string>({
    flag: 'stats',
    metavar: 'ADDRESS',
    group: 'Target',
    help: 'Its stats socket (UNIX path, @abstract, HOST:PORT or http://HOST:PORT). Without it the bench sees only its own requests.',
    parse: nonEmpty,
  }),
  out: spec<string>({ flag: 'out', metavar: 'DIR', group: 'Run', help: `Report directory. Default: ${REPORTS_DIR}/<timestamp>/.`, parse: nonEmpty }),
  text: spec<string>({
    flag: 'text',
    metavar: 'TEXT',
    group: 'Run',
    help: 'The text sent to /predict.',
    default: CLASSIC_TEXT,
    show: (t) => JSON.stringify(t),
    parse: nonEmpty,
  }),
  timeoutS: spec<number>({ flag: 'timeout', metavar: 'S', group: 'Run', help: 'Seconds before a request counts as failed.', default: 60, parse: number(1) }),
  driver: spec<DriverRequest>({
    flag: 'driver',
    metavar: DRIVER_REQUESTS.join('|'),
    group: 'Run',
    help: "throughput, compare, cost: what drives the closed loop. auto: wrk when installed, else the bench's own client.",
    default: 'auto',
    parse: parseDriver,
  }),
  requests: spec<number>({ flag: 'requests', metavar: 'N', group: 'Run', help: 'burst: requests.', default: 11, parse: int(1) }),
  clients: spec<number>({
    flag: 'clients',
    metavar: 'N',
    group: 'Run',
    help: 'scale: concurrent clients of the step.',
    default: { full: 40, quick: 4 },
    parse: int(1),
  }),
  loadSeconds: spec<number>({
    flag: 'duration',
    metavar: 'S',
    group: 'Run',
    help: 'scale: seconds of the step.',
    default: { full: 20, quick: 2.5 },
    parse: number(0.5),
  }),
  cooldownSeconds: spec<number>({
    flag: 'cooldown',
    metavar: 'S',
    group: 'Run',
    help: 'scale: quiet seconds after it.',
    default: { full: 15, quick: 0.5 },
    parse: number(0),
  }),
  connections: spec<number[]>({
    flag: 'connections',
    metavar: 'LIST',
    group: 'Run',
    help: 'throughput, compare: closed-loop connection counts (compare adds one-shot rows at the largest). cost: the largest is its many-connections count.',
    default: { full: [1, 8, 32], quick: [1, 8] },
    show: commaList,
    parse: list(int(1)),
  }),
  rates: spec<number[]>({
    flag: 'rate',
    metavar: 'LIST',
    group: 'Run',
    help: `throughput: open-loop rates in requests/s. Default: ${OPEN_LOOP_SHARES.map((s) => `${s * 100} %`).join(' and ')} of the best closed-loop rate.`,
    parse: list(positiveNumber),
  }),
  phaseSeconds: spec<number>({
    flag: 'phase-seconds',
    metavar: 'S',
    group: 'Run',
    help: 'throughput, compare, cost: seconds per row (wrk rounds to whole seconds).',
    default: { full: 5, quick: 0.75 },
    parse: number(0.25),
  }),
  profiles: spec<ProfileName[]>({
    flag: 'profile',
    metavar: 'LIST',
    group: 'Run',
    help: 'profile: the load profiles.',
    default: [...PROFILE_NAMES],
    show: commaList,
    parse: parseProfiles,
  }),
  acceptModes: spec<AcceptMode[]>({
    flag: 'accept-modes',
    metavar: 'LIST',
    group: 'Run',
    help: 'cost: who accepts the connections of its servers (serve --accept), alternated row by row; workers only where serve has the option.',
    default: availableAcceptModes(),
    show: commaList,
    parse: parseAcceptModes,
  }),
  crossConnections: spec<number>({
    flag: 'crosscheck-connections',
    metavar: 'N',
    group: 'Run',
    help: 'crosscheck: connections of each tool.',
    default: 8,
    parse: int(1),
  }),
  crossSeconds: spec<number>({
    flag: 'crosscheck-seconds',
    metavar: 'S',
    group: 'Run',
    help: 'crosscheck: seconds of each tool.',
    default: { full: 5, quick: 1 },
    parse: number(1),
  }),
} as const;

type ValueKey = keyof typeof VALUES;
type ValueOf<K extends ValueKey> = (typeof VALUES)[K] extends ValueSpec<infer T> ? T : never;

const FLAGS = {
  quick: { group: 'Run', help: "Everything shorter: the default set in under 30 s (the test suite's)." },
  json: { group: 'Run', help: 'Print the results as JSON on stdout; no progress display.' },
  help: { group: 'Run', help: 'Print this help.' },
} as const;

/** Server options the bench passes on: the pool's, the model's, the lifecycle's. Not listeners or stats. */
const POOL_SECTION = 'Workers and scaling';
const PASSED_SECTIONS = new Set<string>([POOL_SECTION, 'Lifecycle', 'Model and requests']);
/** Belongs with the pool options: it is the service time of the scaling experiments. */
const POOL_EXTRA = new Set(['simulate-latency']);
/** The bench owns these: it reads every response and needs no access log. */
const NOT_PASSED = new Set(['disable-logging', 'log-format']);
/** serve resolves --model against its own working directory, which the bench makes a temp dir. */
const PATH_OPTIONS = new Set(['model']);

const OWN_FLAGS = new Set<string>([...Object.values(VALUES).map((v) => v.flag), ...Object.keys(FLAGS)]);

/** Every `serve` option name and alias (and --no-NAME for booleans), so that parseArgs knows their shape. */
function serveFlags(): Record<string, { type: 'string' | 'boolean' }> {
  const flags: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const option of SERVE_OPTIONS as readonly OptionSpec[]) {
    for (const name of [option.name, ...(option.aliases ?? [])]) {
      if (OWN_FLAGS.has(name)) continue;
      flags[name] = { type: option.type === 'bool' ? 'boolean' : 'string' };
      if (option.type === 'bool') flags[`no-${name}`] = { type: 'boolean' };
    }
  }
  return flags;
}

const PARSE_OPTIONS: ParseArgsConfig['options'] = {
  ...Object.fromEntries(Object.values(VALUES).map((v) => [v.flag, { type: 'string' }])),
  quick: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...serveFlags(),
};
const KEY_OF_FLAG = new Map(Object.entries(VALUES).map(([key, v]) => [v.flag, key as ValueKey]));

/** node:util's token shapes, as this parser reads them. */
type Token = { kind: 'option'; name: string; rawName: string; value?: string } | { kind: 'positional' | 'option-terminator' };

function defaultOf<T>(d: Default<T>, quick: boolean): T {
  return typeof d === 'object' && d !== null && 'full' in d ? (quick ? d.quick : d.full) : d;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { tokens } = parseStrictArgs('bench', { args: [...argv], strict: true, allowPositionals: false, tokens: true, options: PARSE_OPTIONS });
  const given = new Map<ValueKey, string>();
  const flags = { quick: false, json: false, help: false };
  const poolArgs: string[] = [];
  const serverArgs: string[] = [];
  let scalingChosen = false;
  let simulateLatencyMs: number | null = null;

  for (const token of tokens as Token[]) {
    if (token.kind !== 'option') continue;
    const { name } = token;
    const key = KEY_OF_FLAG.get(name);
    if (key !== undefined) {
      given.set(key, token.value!);
      continue;
    }
    if (name in flags) {
      flags[name as keyof typeof flags] = true;
      continue;
    }
    const negated = name.startsWith('no-') ? findOption(name.slice(3)) : undefined;
    const serve = negated?.type === 'bool' ? negated : findOption(name)!;
    if (!PASSED_SECTIONS.has(serve.section) || NOT_PASSED.has(serve.name)) {
      const why = 'it chooses the listeners, the stats socket and the logging itself';
      throw new UsageError(`Option ${token.rawName} is a \`tidepool serve\` option the bench does not pass on: ${why}`);
    }
    const raw = serve.type === 'bool' ? negated === undefined : token.value!;
    const value = coerceServeOption(serve, raw, token.rawName);
    const passed = PATH_OPTIONS.has(serve.name) ? path.resolve(String(raw)) : String(raw);
    const args = serve.type === 'bool' ? [`--${value ? '' : 'no-'}${serve.name}`] : [`--${serve.name}`, passed];
    const pool = serve.section === POOL_SECTION || POOL_EXTRA.has(serve.name);
    (pool ? poolArgs : serverArgs).push(...args);
    if (serve.section === POOL_SECTION) scalingChosen = true;
    if (serve.name === 'simulate-latency') simulateLatencyMs = Number(value);
  }

  if (given.has('stats') && !given.has('url')) {
    throw new UsageError('Option --stats needs --url: without --url the bench starts its own server with a private stats socket');
  }
  if (given.has('url') && poolArgs.length + serverArgs.length > 0) {
    throw new UsageError(
      `Server options (${[...poolArgs, ...serverArgs].filter((a) => a.startsWith('--')).join(', ')}) have no effect with --url: the bench does not start a server then`,
    );
  }
  const quick = flags.quick;
  function value<K extends ValueKey>(key: K): ValueOf<K>;
  function value<K extends ValueKey>(key: K, optional: true): ValueOf<K> | undefined;
  function value<K extends ValueKey>(key: K): ValueOf<K> | undefined {
    const s = VALUES[key] as unknown as ValueSpec<ValueOf<K>>;
    const text = given.get(key);
    if (text !== undefined) return s.parse(s.flag, text);
    return s.default === undefined ? undefined : defaultOf(s.default, quick);
  }
  const url = value('url', true);
  const stats = value('stats', true);
  const out = value('out', true);
  return {
    scenarios: value('scenarios'),
    ...(url !== undefined ? { url } : {}),
    ...(stats !== undefined ? { stats } : {}),
    ...(out !== undefined ? { out } : {}),
    quick,
    json: flags.json,
    help: flags.help,
    text: value('text'),
    timeoutS: value('timeoutS'),
    driver: value('driver'),
    requests: value('requests'),
    clients: value('clients'),
    loadSeconds: value('loadSeconds'),
    cooldownSeconds: value('cooldownSeconds'),
    connections: value('connections'),
    rates: value('rates', true) ?? null,
    phaseSeconds: value('phaseSeconds'),
    profiles: value('profiles'),
    acceptModes: value('acceptModes'),
    crossConnections: value('crossConnections'),
    crossSeconds: value('crossSeconds'),
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

/** "Default: 40 (quick 4)." from the table. */
function defaultText<T>(s: ValueSpec<T>): string {
  if (s.default === undefined) return '';
  const show = (v: T) => (s.show ? s.show(v) : String(v));
  const d = s.default;
  const text = typeof d === 'object' && d !== null && 'full' in d ? `${show(d.full)} (quick ${show(d.quick)})` : show(d);
  return ` Default: ${text}.`;
}

/** `  --flag METAVAR   help`, the help wrapped under itself. */
function helpLine(left: string, text: string): string[] {
  const indent = 28;
  const width = 100 - indent;
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  const first = left.length + 2 <= indent ? [left.padEnd(indent) + lines.shift()!] : [left];
  return [...first, ...lines.map((l) => ' '.repeat(indent) + l)];
}

function optionLines(group: ValueSpec<unknown>['group']): string[] {
  const values = (Object.values(VALUES) as ValueSpec<unknown>[]).filter((v) => v.group === group);
  const flags = Object.entries(FLAGS).filter(([, f]) => f.group === group);
  return [
    ...values.flatMap((v) => helpLine(`  --${v.flag} ${v.metavar}`, v.help + defaultText(v))),
    ...flags.flatMap(([name, f]) => helpLine(name === 'help' ? '  -h, --help' : `  --${name}`, f.help)),
  ];
}

export function benchHelp(): string {
  const tolerance = `${CROSS_CHECK_TOLERANCE * 100} %`;
  return `Usage: tidepool bench [options]

Loads a tidepool (or any uWSGI-stats) server and answers: does it scale when load arrives, and how
fast is it. Reads the server's stats socket while it loads it. Writes a report directory with
summary.md, timeline.json and SVG charts.

Without --url the bench starts its own tidepool server for each scenario (127.0.0.1, a port from
the OS, a private stats socket), and stops it after (also on Ctrl-C and errors).

Scenarios (the default set: ${DEFAULT_SCENARIOS.join(',')}, under 3 minutes on 2 cores):
${optionLines('Scenarios').join('\n')}
    burst       N one-shot GETs at once, each on its own connection: each answer with its latency
                and the worker that served it (the classic test_parallel_requests.sh).
    scale       a step of blocking requests (--simulate-latency), sampling the pool 4 times a
                second: uWSGI's classic spare step 3 beside tidepool's defaults.
    throughput  /predict at fixed connection counts (closed loop: wrk when installed) and at fixed
                rates (open loop, latency from the intended send time: coordinated omission
                corrected), with the client's CPU share and the server's CPU per request.
    profile     constant, step, ramp and spike-then-cooldown loads.
    crosscheck  wrk, the bench's own client and autocannon on the same server, URL, duration and
                connections, two rounds; the bench's client must agree with wrk within ${tolerance}
                (else exit 1).
    compare     tidepool with and without batching, a node:http cluster answering a constant JSON
                and one running tidepool's predictor (same process count), kept alive and
                one-shot: req/s, p50/p99, CPU per request, ratios and goals. Starts its own
                servers (not with --url); not in the default set. Quick look:
                tidepool bench --scenario compare --phase-seconds 2
    cost        what the master and the workers spend per request, in CPU µs from /proc: one-shot
                connections, kept-alive requests and requests queued in the master, with 1 and 2
                workers, in each accept mode (--accept-modes) alternated row by row; and a model
                of where the master stops scaling on 2 to 64 cores. Starts its own servers; not
                in the default set.

Target:
${optionLines('Target').join('\n')}

Run:
${optionLines('Run').join('\n')}

Server options (only without --url): any \`tidepool serve\` option of the sections
${[...PASSED_SECTIONS].join(', ')} (see tidepool serve --help). The pool options
(--workers, --cheaper, --cheaper-algo, --cheaper-step, ... and --simulate-latency) go to the
servers of burst, scale and profile; a cheaper option makes scale run that one configuration
instead of the comparison. The others (--model, --backend, ...) go to every server. Example:
  tidepool bench --scenario scale --cheaper-algo spare2 --cheaper-step 4
`;
}
