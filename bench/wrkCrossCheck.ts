import { spawn } from 'node:child_process';
import { runAutocannon, type AutocannonResult } from './load/autocannonRun.js';
import { LoadRun } from './run/loadRun.js';
import type { BenchSession } from './run/session.js';
import type { RunResult } from './run/types.js';

/**
 * Measures the same server with wrk (C, outside node), with the bench's own closed-loop client
 * (the harness) and with autocannon, same URL, connections and duration, and compares their
 * throughputs. A client that drops or double counts requests (autocannon behind
 * `Connection: close`, for one) shows here; the verdict is the harness's against wrk's.
 */

export const CROSS_CHECK_TOLERANCE = 0.15;

export interface WrkResult {
  requests: number;
  durationS: number;
  rps: number;
  /** "Non-2xx or 3xx responses" */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  latencyAvgMs: number | null;
  /** From `--latency`'s distribution, and the Max of the thread stats; null without them. */
  latencyMs: { p50: number; p75: number; p90: number; p99: number; max: number } | null;
}

export interface HarnessResult {
  requests: number;
  durationS: number;
  rps: number;
  errors: number;
  non2xx: number;
}

export interface CrossCheck {
  url: string;
  connections: number;
  durationS: number;
  /** wrk, the harness, then autocannon, this many times. */
  rounds: { wrk: WrkResult; harness: HarnessResult; autocannon: AutocannonResult }[];
  /** The best round of each tool. */
  wrk: WrkResult;
  harness: HarnessResult;
  autocannon: AutocannonResult;
  /** harness rps / wrk rps, best against best */
  ratio: number;
  /** autocannon rps / wrk rps, best against best: reported, not part of the verdict. */
  autocannonRatio: number;
  tolerance: number;
  agree: boolean;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Reads wrk's text report; throws naming what is missing (wrk's output changed, or it failed). */
export function parseWrkOutput(text: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(text);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!total || !rps) throw new Error(`wrk output has no "N requests in T" and "Requests/sec:" lines:\n${text.trim().slice(0, 600)}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const time = (value: string, unit: string) => Number(value) * UNIT_MS[unit]!;
  const latency = /Latency\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\b/.exec(text) ?? /Latency\s+([\d.]+)(us|ms|s|m)\b/.exec(text);
  const percentiles = new Map([...text.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$/gm)].map((m) => [m[1]!, time(m[2]!, m[3]!)]));
  const max = latency?.[5] !== undefined ? time(latency[5], latency[6]!) : null;
  const at = (p: string) => percentiles.get(p)!;
  return {
    requests: Number(total[1]),
    durationS: (Number(total[2]) * UNIT_MS[total[3]!]!) / 1000,
    rps: Number(rps[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: {
      connect: Number(errors?.[1] ?? 0),
      read: Number(errors?.[2] ?? 0),
      write: Number(errors?.[3] ?? 0),
      timeout: Number(errors?.[4] ?? 0),
    },
    latencyAvgMs: latency ? time(latency[1]!, latency[2]!) : null,
    latencyMs: percentiles.size === 4 && max !== null ? { p50: at('50'), p75: at('75'), p90: at('90'), p99: at('99'), max } : null,
  };
}

export interface WrkOptions {
  url: string;
  connections: number;
  /** Whole seconds: wrk reads no fractions. */
  durationS: number;
  /** Default: $WRK, else `wrk` on the PATH. */
  wrkPath?: string;
  /** `Connection: close` on every request: a new connection for each. */
  oneShot?: boolean;
  /** Whole seconds before wrk counts a request as timed out. Default 30. */
  timeoutS?: number;
  signal?: AbortSignal;
}

/** The command line of one run: one thread, since on a small machine a second one only takes CPU from the server. */
export function wrkArgs(options: WrkOptions): string[] {
  const close = options.oneShot ? ['-H', 'Connection: close'] : [];
  const timeout = `${Math.max(1, Math.round(options.timeoutS ?? 30))}s`;
  return ['-t1', `-c${options.connections}`, `-d${options.durationS}s`, '--latency', '--timeout', timeout, ...close, options.url];
}

export function runWrk(options: WrkOptions): Promise<WrkResult> {
  if (!Number.isInteger(options.durationS) || options.durationS < 1) {
    return Promise.reject(new RangeError(`Expected the wrk duration to be a whole number of seconds >= 1, got ${options.durationS}`));
  }
  const wrk = options.wrkPath ?? process.env.WRK ?? 'wrk';
  const args = wrkArgs(options);
  return new Promise((resolve, reject) => {
    const child = spawn(wrk, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal } : {}) });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error(`wrk not found as ${JSON.stringify(wrk)}: install it (apt-get install wrk) or set WRK=/path/to/wrk`) : err),
    );
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk ${args.join(' ')} exited with code ${code}:\n${out.trim()}`));
      try {
        resolve(parseWrkOutput(out));
      } catch (err) {
        reject(err);
      }
    });
  });
}

export function compareThroughput(wrkRps: number, harnessRps: number, tolerance = CROSS_CHECK_TOLERANCE): { ratio: number; agree: boolean } {
  const ratio = wrkRps > 0 ? harnessRps / wrkRps : harnessRps > 0 ? Infinity : 1;
  return { ratio, agree: Math.abs(ratio - 1) <= tolerance };
}

export interface CrossCheckOptions {
  /** Full URL of the request both tools send. */
  url: string;
  connections: number;
  durationS: number;
  /**
   * Rounds of wrk-then-harness. On a shared machine another process can stall either tool for
   * a second; a stall only ever lowers a throughput, so the best round of each tool is what
   * the two are compared on. Default 2.
   */
  rounds?: number;
  timeoutS?: number;
  /** Seconds of load before measuring, so neither tool meets cold workers. Default 1. */
  warmupS?: number;
  wrkPath?: string;
  session?: BenchSession;
  signal?: AbortSignal;
}

export function harnessResult(run: RunResult): HarnessResult {
  const phase = run.phases[0]!;
  const seconds = (phase.endAt - phase.startAt) / 1000;
  return {
    requests: run.responses.length,
    durationS: seconds,
    rps: run.responses.length / Math.max(0.001, seconds),
    errors: run.failures.length,
    non2xx: run.responses.filter((r) => r.status < 200 || r.status >= 300).length,
  };
}

/** Warm-up, then rounds of wrk and the harness; the harness runs come back for the timeline. */
export async function crossCheck(options: CrossCheckOptions): Promise<{ check: CrossCheck; runs: RunResult[] }> {
  const { url, connections, signal, session } = options;
  const durationS = Math.max(1, Math.round(options.durationS));
  const timeoutS = options.timeoutS ?? 30;
  const closed = (name: string, label: string, seconds: number) =>
    new LoadRun({ name, url, timeoutS, phases: [{ kind: 'closed', label, connections, durationMs: seconds * 1000 }], ...(signal ? { signal } : {}) });
  const play = (run: LoadRun) => (session ? session.play(run) : run.run());
  const warmupS = options.warmupS ?? 1;
  if (warmupS > 0) {
    session?.emit('note', `cross-check: warming up for ${warmupS} s`);
    await play(closed('crosscheck: warm-up', 'warm-up', warmupS));
  }
  const rounds: CrossCheck['rounds'] = [];
  const runs: RunResult[] = [];
  const total = Math.max(1, options.rounds ?? 2);
  for (let i = 1; i <= total && !signal?.aborted; i++) {
    session?.emit('note', `cross-check round ${i}/${total}: wrk -t1 -c${connections} -d${durationS}s`);
    const wrk = await runWrk({ url, connections, durationS, ...(options.wrkPath ? { wrkPath: options.wrkPath } : {}), ...(signal ? { signal } : {}) });
    session?.emit('note', `cross-check round ${i}/${total}: wrk ${wrk.rps.toFixed(1)} req/s; now the harness, ${connections} connections for ${durationS} s`);
    const run = await play(closed(total > 1 ? `crosscheck: harness ${i}` : 'crosscheck: harness', `${connections} connections`, durationS));
    runs.push(run);
    const harness = harnessResult(run);
    session?.emit('note', `cross-check round ${i}/${total}: harness ${harness.rps.toFixed(1)} req/s; now autocannon, the same load`);
    const autocannon = await runAutocannon({ url, connections, durationS, timeoutS, ...(signal ? { signal } : {}) });
    rounds.push({ wrk, harness, autocannon });
  }
  if (rounds.length === 0) throw new Error('cross-check interrupted before its first round');
  const best = <T extends { rps: number }>(pick: (r: CrossCheck['rounds'][number]) => T) => rounds.map(pick).reduce((a, b) => (b.rps > a.rps ? b : a));
  const wrk = best((r) => r.wrk);
  const harness = best((r) => r.harness);
  const autocannon = best((r) => r.autocannon);
  return {
    check: {
      url,
      connections,
      durationS,
      rounds,
      wrk,
      harness,
      autocannon,
      ...compareThroughput(wrk.rps, harness.rps),
      autocannonRatio: compareThroughput(wrk.rps, autocannon.rps).ratio,
      tolerance: CROSS_CHECK_TOLERANCE,
    },
    runs,
  };
}
