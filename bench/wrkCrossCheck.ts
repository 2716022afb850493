import { spawn } from 'node:child_process';
import { LoadRun } from './run/loadRun.js';
import type { BenchSession } from './run/session.js';
import type { RunResult } from './run/types.js';

/**
 * Measures the same server with wrk (C, outside node) and with the autocannon harness, same URL,
 * connections and duration, and compares their throughputs. A harness that drops or double
 * counts requests (autocannon behind `Connection: close`, for one) shows here.
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
  /** with `latency`: wrk's latency distribution, 50 / 75 / 90 / 99 % */
  percentilesMs?: Record<'p50' | 'p75' | 'p90' | 'p99', number>;
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
  /** wrk then the harness, this many times. */
  rounds: { wrk: WrkResult; harness: HarnessResult }[];
  /** The best round of each tool. */
  wrk: WrkResult;
  harness: HarnessResult;
  /** harness rps / wrk rps, best against best */
  ratio: number;
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
  const latency = /Latency\s+([\d.]+)(us|ms|s|m)\b/.exec(text);
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
    latencyAvgMs: latency ? Number(latency[1]) * UNIT_MS[latency[2]!]! : null,
    ...wrkPercentiles(text),
  };
}

/** wrk --latency's "Latency Distribution" block, when it is there. */
function wrkPercentiles(text: string): Pick<WrkResult, 'percentilesMs'> {
  const at = (p: number): number | null => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\b`, 'm').exec(text);
    return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
  };
  const [p50, p75, p90, p99] = [at(50), at(75), at(90), at(99)];
  if (p50 === null || p75 === null || p90 === null || p99 === null) return {};
  return { percentilesMs: { p50, p75, p90, p99 } };
}

export interface WrkOptions {
  url: string;
  connections: number;
  /** Whole seconds: wrk reads no fractions. */
  durationS: number;
  /** Default: $WRK, else `wrk` on the PATH. */
  wrkPath?: string;
  signal?: AbortSignal;
  /** ask wrk for its latency distribution (percentilesMs) */
  latency?: boolean;
  /** seconds after which wrk counts a request as timed out; default 30 */
  timeoutS?: number;
}

/** One wrk thread: on a small machine a second one only takes CPU from the server. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  if (!Number.isInteger(options.durationS) || options.durationS < 1) {
    return Promise.reject(new RangeError(`Expected the wrk duration to be a whole number of seconds >= 1, got ${options.durationS}`));
  }
  const wrk = options.wrkPath ?? process.env.WRK ?? 'wrk';
  const args = ['-t1', `-c${options.connections}`, `-d${options.durationS}s`, '--timeout', `${options.timeoutS ?? 30}s`];
  if (options.latency) args.push('--latency');
  args.push(options.url);
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
    const run = await play(closed(total > 1 ? `crosscheck: autocannon harness ${i}` : 'crosscheck: autocannon harness', `${connections} connections`, durationS));
    runs.push(run);
    rounds.push({ wrk, harness: harnessResult(run) });
  }
  if (rounds.length === 0) throw new Error('cross-check interrupted before its first round');
  const wrk = rounds.map((r) => r.wrk).reduce((a, b) => (b.rps > a.rps ? b : a));
  const harness = rounds.map((r) => r.harness).reduce((a, b) => (b.rps > a.rps ? b : a));
  return {
    check: { url, connections, durationS, rounds, wrk, harness, ...compareThroughput(wrk.rps, harness.rps), tolerance: CROSS_CHECK_TOLERANCE },
    runs,
  };
}
