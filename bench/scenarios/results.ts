import type { CompareRatio, CompareTargetId, GoalCheck } from '../analysis/compareGoals.js';
import type { LoadAverage } from '../analysis/loadAverage.js';
import type { CostLoad } from '../analysis/modeCosts.js';
import type { LatencyStats } from '../analysis/percentiles.js';
import type { PoolUsage, ScaleMetrics } from '../analysis/scaleMetrics.js';
import type { Driver } from '../load/driver.js';
import type { ProfileName } from '../load/profiles.js';
import type { ClosedRow, RowCost, RowLatency } from '../run/closedRow.js';
import type { PoolPids, RowServerState, SplitCost } from '../run/costRow.js';
import type { ScaleModel } from '../analysis/scaleModel.js';
import type { AcceptMode } from '../target/acceptMode.js';
import type { RunResult } from '../run/types.js';
import type { CrossCheck } from '../wrkCrossCheck.js';

/** The server a result was measured on. */
export interface ServerInfo {
  url: string;
  /** Started by the bench with these `serve` options; false for --url. */
  started: boolean;
  args: readonly string[];
  serviceTimeMs: number | null;
}

export interface BurstAnswer {
  /** Order of completion, from 1. */
  n: number;
  status: number;
  latencyMs: number;
  worker: string | null;
}

export interface BurstResult {
  kind: 'burst';
  server: ServerInfo;
  run: RunResult;
  requests: number;
  answers: BurstAnswer[];
  failures: string[];
  latency: LatencyStats | null;
  /** Distinct X-Tidepool-Worker values, in order of first answer. */
  workersUsed: string[];
  usage: PoolUsage;
}

export interface ScaleVariant {
  /** Short name used in file names and table headers ("spare step 3"). */
  name: string;
  description: string;
  server: ServerInfo;
  run: RunResult;
  metrics: ScaleMetrics;
}

export interface ScaleResult {
  kind: 'scale';
  variants: ScaleVariant[];
}

export interface ThroughputRow extends RowCost {
  mode: 'closed' | 'open';
  /** "8 connections" or "150 req/s". */
  load: string;
  connections?: number;
  rate?: number;
  rps: number;
  /** Closed: from the write. Open: from the intended send time (coordinated omission corrected). */
  latency: RowLatency | null;
  /** Open loop only: from the actual send, what a closed-loop tool would have said. */
  uncorrected?: LatencyStats | null;
  non2xx: number;
  errors: number;
  /** Distinct workers that answered; null when the client cannot see (wrk). */
  workers: number | null;
}

export interface ThroughputResult {
  kind: 'throughput';
  server: ServerInfo;
  /** What drove the closed-loop rows; the open loop is always the bench's own sender. */
  driver: Driver;
  runs: RunResult[];
  rows: ThroughputRow[];
}

export interface ProfileRun {
  name: ProfileName;
  description: string;
  server: ServerInfo;
  run: RunResult;
  latency: LatencyStats | null;
  rps: number;
  failed: number;
  cancelled: number;
  usage: PoolUsage;
}

export interface ProfileResult {
  kind: 'profile';
  profiles: ProfileRun[];
}

export interface CrossCheckResult {
  kind: 'crosscheck';
  server: ServerInfo;
  check: CrossCheck;
  /** The harness's rounds. */
  runs: RunResult[];
}

export interface CompareRow extends ClosedRow {
  target: string;
  targetId: CompareTargetId;
  connections: number;
  /** `Connection: close` on every request: each one on a new connection. */
  oneShot: boolean;
}

export interface CompareResult {
  kind: 'compare';
  server: ServerInfo;
  driver: Driver;
  /** Worker processes of every target (besides tidepool's master and the cluster's primary). */
  workers: number;
  /** Runs of the bench's own client (none when wrk drove the load). */
  runs: RunResult[];
  rows: CompareRow[];
  ratios: CompareRatio[];
  goals: GoalCheck[];
  /** the classic Flask + uWSGI + nginx stack's req/s on this machine, for the ratio */
  classicRps: number;
}

/** One row of the cost scenario: one load on one server, the master's CPU apart from the workers'. */
export interface CostRow extends ClosedRow, SplitCost, RowServerState {
  accept: AcceptMode;
  /** --workers of the server. */
  poolWorkers: number;
  load: CostLoad;
  connections: number;
  oneShot: boolean;
}

/** A server of the cost scenario, and what its master spent with no load at all. */
export interface CostServer {
  accept: AcceptMode;
  poolWorkers: number;
  server: ServerInfo;
  /** Its processes when the rows began. */
  pids: PoolPids;
  /** The master's CPU ms per second of wall time, idle (its timers); null when not measured. */
  masterIdleCpuMsPerS: number | null;
}

export interface CostResult {
  kind: 'cost';
  driver: Driver;
  acceptModes: AcceptMode[];
  servers: CostServer[];
  /** In the order measured: each load on every accept mode in turn. */
  rows: CostRow[];
  /** The --workers whose one-shot and kept-alive rows feed the model. */
  modelPool: number;
  /** Predicted for 2..64 cores from the rows; null when no mode has both rows (interrupted, no answers). */
  model: ScaleModel | null;
  /** Modes left out of the model and rows that stood in for another pool's, with why. */
  modelNotes: string[];
  /** /proc/loadavg before the first row and after the last. */
  loadAverage: { before: LoadAverage | null; after: LoadAverage | null };
  /** Runs of the bench's own client (none when wrk drove the load). */
  runs: RunResult[];
}

export type ScenarioResult = BurstResult | ScaleResult | ThroughputResult | ProfileResult | CrossCheckResult | CompareResult | CostResult;

/** Every run of a result with the server it loaded, for the charts. */
export function runsOf(result: ScenarioResult): { run: RunResult; server: ServerInfo }[] {
  switch (result.kind) {
    case 'burst':
      return [{ run: result.run, server: result.server }];
    case 'scale':
      return result.variants.map((v) => ({ run: v.run, server: v.server }));
    case 'crosscheck':
    case 'throughput':
    case 'compare':
      return result.runs.map((run) => ({ run, server: result.server }));
    case 'cost':
      return result.runs.map((run) => ({ run, server: result.servers[0]!.server }));
    case 'profile':
      return result.profiles.map((p) => ({ run: p.run, server: p.server }));
  }
}
