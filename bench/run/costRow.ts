import { fetchStats } from '../../core/stats/fetchStats.js';
import { CPU_TICK_MS, processCpuMs } from '../analysis/processCpu.js';
import type { ClosedRow, ClosedRowSpec, RowContext } from './closedRow.js';
import { measureClosedRow } from './closedRow.js';
import type { RunResult } from './types.js';

/** A tidepool's processes, apart: the master, and the workers running now. */
export interface PoolPids {
  master: number;
  workers: number[];
}

/** What the stats socket says before a row: the pids, and who accepts (absent before the accept option). */
interface PoolState extends PoolPids {
  accept: string | null;
}

async function poolState(stats: string): Promise<PoolState> {
  const doc = (await fetchStats(stats)).stats;
  return { master: doc.pid, workers: doc.workers.map((w) => w.pid).filter((p) => p > 0), accept: doc.tidepool?.queue.accept ?? null };
}

/** The master's and the workers' pids from the stats socket (`pid`, `workers[].pid`). */
export async function poolPids(stats: string): Promise<PoolPids> {
  const { master, workers } = await poolState(stats);
  return { master, workers };
}

/** Requests waiting (the master's queue, and the kernel's accept queues when workers accept) read once, halfway through the row. */
function waitingHalfway(stats: string, seconds: number): { done: () => Promise<number | null> } {
  let read: Promise<number | null> = Promise.resolve(null);
  const timer = setTimeout(
    () => {
      read = fetchStats(stats, { timeoutMs: 1000 }).then(
        (s) => s.stats.tidepool?.queue.waiting ?? null,
        () => null,
      );
    },
    (seconds * 1000) / 2,
  );
  return {
    done: () => {
      clearTimeout(timer);
      return read;
    },
  };
}

/** What the master and the workers spent on a row, apart. */
export interface SplitCost {
  /** CPU µs of the master per answer; null without answers. */
  masterCpuUsPerRequest: number | null;
  /** CPU µs of all the workers together per answer; null without answers. */
  workerCpuUsPerRequest: number | null;
  /** One clock tick of /proc spread over the answers: how finely both figures are known. */
  resolutionUs: number | null;
}

/** What the server said about itself around a cost row. */
export interface RowServerState {
  /** Who accepted, as the stats socket says (`tidepool.queue.accept`); null for a server without the option. */
  acceptReported: string | null;
  /** Worker processes whose CPU was read (from the stats socket, before the row). */
  workerProcesses: number;
  /** Requests waiting for a worker halfway through the row (one stats read); null when not read. */
  waitingHalfway: number | null;
}

/** CPU ms over `requests` answers, in µs per answer. */
export function perRequestUs(cpuMs: number, requests: number): number | null {
  return requests > 0 ? (cpuMs * 1000) / requests : null;
}

export function splitCost(masterMs: number, workersMs: number, requests: number): SplitCost {
  return {
    masterCpuUsPerRequest: perRequestUs(masterMs, requests),
    workerCpuUsPerRequest: perRequestUs(workersMs, requests),
    resolutionUs: perRequestUs(CPU_TICK_MS, requests),
  };
}

/**
 * One closed-loop row (closedRow: the driver, the client's CPU share, req/s, latency) with the
 * master's CPU read apart from the workers'. The pids are read from the stats socket before the
 * window opens, so that the master's answer to that read is not charged to the row; one more read
 * halfway through says whether requests were waiting (about a millisecond of the master's CPU,
 * against the hundreds a row costs it).
 */
export async function measureCostRow(
  ctx: RowContext,
  spec: Omit<ClosedRowSpec, 'serverPids'>,
  stats: string,
): Promise<{ row: ClosedRow & SplitCost & RowServerState; run: RunResult | null }> {
  const pids = await poolState(stats);
  const masterBefore = processCpuMs([pids.master]);
  const waiting = waitingHalfway(stats, spec.seconds);
  const { row, run } = await measureClosedRow(ctx, { ...spec, serverPids: pids.workers });
  const masterMs = processCpuMs([pids.master]) - masterBefore;
  const waitingMid = await waiting.done();
  // closedRow measured the workers as "the server": their CPU per answer, back to ms.
  const workersMs = ((row.serverCpuUsPerRequest ?? 0) * row.requests) / 1000;
  const split = splitCost(masterMs, workersMs, row.requests);
  const serverCpuUsPerRequest = perRequestUs(masterMs + workersMs, row.requests);
  const state: RowServerState = { acceptReported: pids.accept, workerProcesses: pids.workers.length, waitingHalfway: waitingMid };
  return { row: { ...row, serverCpuUsPerRequest, ...split, ...state }, run };
}
