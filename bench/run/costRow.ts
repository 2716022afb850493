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

/** The master's and the workers' pids from the stats socket (`pid`, `workers[].pid`). */
export async function poolPids(stats: string): Promise<PoolPids> {
  const doc = (await fetchStats(stats)).stats;
  return { master: doc.pid, workers: doc.workers.map((w) => w.pid).filter((p) => p > 0) };
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
 * window opens, so that the master's answer to that read is not charged to the row.
 */
export async function measureCostRow(
  ctx: RowContext,
  spec: Omit<ClosedRowSpec, 'serverPids'>,
  stats: string,
): Promise<{ row: ClosedRow & SplitCost & { workerProcesses: number }; run: RunResult | null }> {
  const pids = await poolPids(stats);
  const masterBefore = processCpuMs([pids.master]);
  const { row, run } = await measureClosedRow(ctx, { ...spec, serverPids: pids.workers });
  const masterMs = processCpuMs([pids.master]) - masterBefore;
  // closedRow measured the workers as "the server": their CPU per answer, back to ms.
  const workersMs = ((row.serverCpuUsPerRequest ?? 0) * row.requests) / 1000;
  const split = splitCost(masterMs, workersMs, row.requests);
  const serverCpuUsPerRequest = perRequestUs(masterMs + workersMs, row.requests);
  return { row: { ...row, serverCpuUsPerRequest, ...split, workerProcesses: pids.workers.length }, run };
}
