/**
 * Which way should nginx talk to tidepool? Measures the generated site's proxy_pass (HTTP with
 * kept-alive upstream connections), the same without keepalive, and uwsgi_pass, through a real
 * nginx against one real tidepool, with autocannon on nginx's UNIX socket. The rounds alternate
 * the modes so that a noisy neighbour hurts them all alike. DEFAULT_PROXY in plan.ts follows it.
 *
 *   node dist/deploy/measurePass.js [--seconds 10] [--connections 8] [--workers CPUs] [--rounds 2] [--latency MS]
 *
 * --latency adds tidepool's simulate-latency to every prediction: a slow model, where what
 * matters is that no request waits behind a busy worker while another is idle.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TIDEPOOL_CLI } from '../core/paths.js';
import { prepareDeployment } from './main.js';
import { RUNTIME_DIR } from './plan.js';
import { SAMPLE_QUERY } from './nextSteps.js';
import { startSandboxNginx } from './sandbox/runNginx.js';

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types: this is the one place it is touched.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export type PassVariant = 'proxy_pass + keepalive' | 'proxy_pass, no keepalive' | 'uwsgi_pass' | 'tidepool direct (no nginx)';

export interface PassResult {
  variant: PassVariant;
  round: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
  /** what the failures were: status codes other than 200, and nginx's error log lines */
  failureDetail: string[];
}

export interface MeasureOptions {
  seconds: number;
  connections: number;
  workers: number;
  rounds: number;
  /** simulate-latency, ms (0: the real model alone) */
  latencyMs: number;
}

function serviceIni(runtimeDir: string, workers: number, latencyMs = 0): string {
  return `[tidepool]
http = ${runtimeDir}/http.sock
socket = ${runtimeDir}/uwsgi.sock
chmod-socket = 660
stats = ${runtimeDir}/stats.sock
master-fifo = ${runtimeDir}/master.fifo
workers = ${workers}
cheaper = 0
disable-logging = true
simulate-latency = ${latencyMs}
`;
}

function get(socketPath: string, p: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: p, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

async function startTidepool(dir: string, workers: number, latencyMs: number): Promise<{ stop(): Promise<void> }> {
  const ini = path.join(dir, 'tidepool.ini');
  fs.writeFileSync(ini, serviceIni(dir, workers, latencyMs));
  const child = spawn(process.execPath, [TIDEPOOL_CLI, 'serve', '--ini', ini], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    const workerPids = [...log.matchAll(/spawn: worker \d+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
    for (const pid of workerPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited with its master
      }
    }
  };
  const deadline = Date.now() + 60000;
  while ((await get(path.join(dir, 'http.sock'), '/readyz')) !== 200 || !log.includes(`ready: worker ${workers} `)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`tidepool did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { stop };
}

async function load(socketPath: string, seconds: number, connections: number): Promise<AutocannonResult> {
  return autocannon({ url: `http://localhost${SAMPLE_QUERY}`, socketPath, connections, duration: seconds });
}

export async function measurePass(o: MeasureOptions, progress: (line: string) => void = () => {}): Promise<PassResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidepool-measure-'));
  const ini = path.join(dir, 'generated.ini');
  fs.writeFileSync(ini, serviceIni(RUNTIME_DIR, o.workers));
  const site = (proxy: 'http' | 'uwsgi'): string => {
    const d = prepareDeployment({ ini, user: null, group: null, out: dir, serverName: '_', port: 80, backends: [], proxy, help: false }, dir, {});
    if (d.plan.iniAdditions.length > 0) throw new Error(`the measured ini lacks ${d.plan.iniAdditions.map((a) => a.key).join(', ')}`);
    return d.texts.site;
  };
  const sites: Array<[PassVariant, string | null]> = [
    ['proxy_pass + keepalive', site('http')],
    ['proxy_pass, no keepalive', site('http').replace(/^\s*keepalive(_timeout)? [^;]*;\n/gm, '')],
    ['uwsgi_pass', site('uwsgi')],
    ['tidepool direct (no nginx)', null],
  ];
  const server = await startTidepool(dir, o.workers, o.latencyMs);
  const results: PassResult[] = [];
  try {
    for (let round = 1; round <= o.rounds; round++) {
      for (const [variant, text] of sites) {
        const nginxDir = fs.mkdtempSync(path.join(dir, 'nginx-'));
        const nginx = text === null ? null : await startSandboxNginx(nginxDir, text, { [RUNTIME_DIR]: dir });
        const target = nginx?.socket ?? path.join(dir, 'http.sock');
        try {
          await load(target, 2, o.connections);
          const r = await load(target, o.seconds, o.connections);
          const result: PassResult = {
            variant,
            round,
            rps: Math.round(r.requests.average),
            p50Ms: r.latency.p50,
            p99Ms: r.latency.p99,
            requests: Math.round(r.requests.average * r.duration),
            failures: r.errors + r.timeouts + r.non2xx,
            failureDetail: [
              ...Object.entries(r.statusCodeStats)
                .filter(([code]) => code !== '200')
                .map(([code, c]) => `${c.count} x status ${code}`),
              ...(r.errors > 0 ? [`${r.errors} connection errors`] : []),
              ...[
                ...new Set(
                  (nginx?.errorLog() ?? '')
                    .split('\n')
                    .filter(Boolean)
                    .map((l) => l.replace(/^\S+ \S+ \[\w+\] \d+#\d+: \*\d+ /, '').replace(/, client: .*$/, '')),
                ),
              ].slice(0, 5),
            ],
          };
          results.push(result);
          progress(
            `round ${round}: ${variant}: ${result.rps} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.failures} failures${result.failureDetail.length ? ` (${result.failureDetail.join('; ')})` : ''}`,
          );
        } finally {
          await nginx?.stop();
        }
      }
    }
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export function summaryTable(results: readonly PassResult[]): string {
  const variants = [...new Set(results.map((r) => r.variant))];
  const rows = variants.map((v) => {
    const mine = results.filter((r) => r.variant === v);
    const mean = (f: (r: PassResult) => number): number => mine.reduce((s, r) => s + f(r), 0) / mine.length;
    return `| ${v} | ${Math.round(mean((r) => r.rps))} | ${mine.map((r) => r.rps).join(' / ')} | ${mean((r) => r.p50Ms).toFixed(1)} | ${mean((r) => r.p99Ms).toFixed(1)} | ${mine.reduce((s, r) => s + r.failures, 0)} |`;
  });
  return ['| path | req/s (mean) | req/s per round | p50 ms | p99 ms | failures |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      connections: { type: 'string' },
      workers: { type: 'string' },
      rounds: { type: 'string' },
      latency: { type: 'string' },
    },
  });
  const int = (name: string, text: string | undefined, fallback: number, min = 1): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`Expected --${name} to be an integer of at least ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  const o: MeasureOptions = {
    seconds: int('seconds', values.seconds, 10),
    connections: int('connections', values.connections, 8),
    workers: int('workers', values.workers, Math.max(1, os.availableParallelism())),
    rounds: int('rounds', values.rounds, 2),
    latencyMs: int('latency', values.latency, 0, 0),
  };
  process.stdout.write(
    `GET ${SAMPLE_QUERY}, ${o.connections} connections, ${o.seconds} s per run, ${o.workers} workers, ${o.rounds} rounds, simulate-latency ${o.latencyMs} ms, ${os.availableParallelism()} CPUs\n`,
  );
  const results = await measurePass(o, (line) => process.stdout.write(line + '\n'));
  process.stdout.write('\n' + summaryTable(results) + '\n');
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`measurePass: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
