import { latencyStats, type LatencyStats } from '../analysis/percentiles.js';
import { cpuShare, startCpuWindow, type CpuWindow } from '../analysis/processCpu.js';
import type { Driver } from '../load/driver.js';
import { formatMs, formatRate } from '../report/format.js';
import { runWrk } from '../wrkCrossCheck.js';
import { LoadRun } from './loadRun.js';
import type { BenchSession } from './session.js';
import type { RunResult } from './types.js';

/** The latency figures every client reports (wrk has no minimum, the bench's client no p75). */
export type RowLatency = Pick<LatencyStats, 'p50' | 'p90' | 'p99' | 'max'>;

/** What a measured row cost, beside what it measured: the numbers that say whether the client skewed it. */
export interface RowCost {
  client: Driver['name'];
  /** The load client's CPU time over the row's wall time, as a share of all cores (0.5: one core of two). */
  clientCpuShare: number | null;
  /** User + system CPU of every server process (master and workers) per answer, µs; null when they are not known. */
  serverCpuUsPerRequest: number | null;
}

export interface ClosedRowSpec {
  /** Names the row in the progress and, for the bench's client, its run. */
  name: string;
  url: string;
  connections: number;
  seconds: number;
  oneShot: boolean;
  /** The server's processes (read just before the row); null when the bench did not start it. */
  serverPids: number[] | null;
  /** The stats socket, read during the row by the bench's own client. */
  stats?: string;
}

export interface ClosedRow extends RowCost {
  /** Answers, whatever their status. */
  requests: number;
  seconds: number;
  rps: number;
  latency: RowLatency | null;
  non2xx: number;
  /** Requests without an answer: connection errors, timeouts. */
  errors: number;
  /** Distinct X-Tidepool-Worker values; null when the client cannot see headers (wrk) or the server sends none. */
  workers: number | null;
}

export interface RowContext {
  driver: Driver;
  session: BenchSession;
  signal: AbortSignal;
  timeoutS: number;
}

/** wrk reads whole seconds only. */
export function wrkSeconds(seconds: number): number {
  return Math.max(1, Math.round(seconds));
}

function cost(client: Driver['name'], window: CpuWindow, requests: number): RowCost {
  const clientMs = client === 'wrk' ? window.reapedChildrenMs : window.benchMs;
  return {
    client,
    clientCpuShare: cpuShare(clientMs, window.wallMs),
    serverCpuUsPerRequest: window.serverMs !== null && requests > 0 ? (window.serverMs * 1000) / requests : null,
  };
}

/** How many workers answered, by their X-Tidepool-Worker header; null for a server that sends none. */
export function workersSeen(answers: readonly { worker: string | null }[]): number | null {
  const workers = new Set(answers.map((r) => r.worker).filter((w) => w !== null));
  return workers.size > 0 ? workers.size : null;
}

/** One row of the run's only phase, as the bench's own client measured it. */
export function rowOfRun(run: RunResult): Omit<ClosedRow, keyof RowCost> {
  const record = run.phases[0]!;
  const seconds = Math.max(0.001, (record.endAt - record.startAt) / 1000);
  const answers = run.responses.filter((r) => r.phase === 0);
  return {
    requests: answers.length,
    seconds,
    rps: answers.length / seconds,
    latency: latencyStats(answers.map((r) => r.latencyMs)),
    non2xx: answers.filter((r) => r.status < 200 || r.status >= 300).length,
    errors: run.failures.filter((f) => f.phase === 0).length,
    workers: workersSeen(answers),
  };
}

/**
 * Closed-loop load at `connections` for `seconds`, by the chosen driver, with the CPU the client
 * and the server spent meanwhile. The bench's own client also returns its run (every response,
 * stats samples) for the timeline and the charts; a wrk row has only wrk's summary.
 */
export async function measureClosedRow(ctx: RowContext, spec: ClosedRowSpec): Promise<{ row: ClosedRow; run: RunResult | null }> {
  const { driver, session, signal, timeoutS } = ctx;
  const kind = spec.oneShot ? 'one-shot' : 'keep-alive';
  let measured: Omit<ClosedRow, keyof RowCost>;
  let run: RunResult | null = null;
  let window: CpuWindow;
  if (driver.name === 'wrk') {
    const durationS = wrkSeconds(spec.seconds);
    session.emit('note', `${spec.name}: wrk -t1 -c${spec.connections} -d${durationS}s, ${kind}`);
    const end = startCpuWindow(spec.serverPids);
    const wrkPath = driver.wrkPath ? { wrkPath: driver.wrkPath } : {};
    const wrk = await runWrk({ url: spec.url, connections: spec.connections, durationS, oneShot: spec.oneShot, timeoutS, signal, ...wrkPath });
    window = end();
    const e = wrk.socketErrors;
    const errors = e.connect + e.read + e.write + e.timeout;
    measured = { requests: wrk.requests, seconds: wrk.durationS, rps: wrk.rps, latency: wrk.latencyMs, non2xx: wrk.non2xx, errors, workers: null };
  } else {
    const durationMs = spec.seconds * 1000;
    const label = `${spec.connections} connection${spec.connections === 1 ? '' : 's'}, ${kind}`;
    const loadRun = new LoadRun({
      name: spec.name,
      url: spec.url,
      timeoutS,
      signal,
      ...(spec.stats !== undefined ? { stats: spec.stats } : {}),
      phases: [{ kind: 'closed', label, connections: spec.connections, durationMs, oneShot: spec.oneShot }],
    });
    const end = startCpuWindow(spec.serverPids);
    run = await session.play(loadRun);
    window = end();
    measured = rowOfRun(run);
  }
  const row: ClosedRow = { ...measured, ...cost(driver.name, window, measured.requests) };
  session.emit('note', `${spec.name}: ${formatRate(row.rps)} req/s, p99 ${formatMs(row.latency?.p99)}, ${row.errors + row.non2xx} failed`);
  return { row, run };
}

/** Runs `play` (an open-loop run of the bench's client) and says what it cost per answer, as for a closed row. */
export async function measureOwnRun(serverPids: number[] | null, play: () => Promise<RunResult>): Promise<{ run: RunResult; cost: RowCost }> {
  const end = startCpuWindow(serverPids);
  const run = await play();
  return { run, cost: cost('bench', end(), run.responses.length) };
}
