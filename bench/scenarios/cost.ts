/**
 * What the master costs, against what the workers cost, per request: the CPU of the master pid
 * and of the worker pids (from /proc) over closed-loop rows of one-shot connections, kept-alive
 * requests and one-shot requests queued in the master, with 1 and 2 workers, in each accept
 * mode; then the scale model: where, on 2 to 64 cores, the master's one core stops keeping up.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readLoadAverage } from '../analysis/loadAverage.js';
import { type CostLoad, modeCosts } from '../analysis/modeCosts.js';
import { processCpuMs } from '../analysis/processCpu.js';
import { scaleModel } from '../analysis/scaleModel.js';
import { chooseDriver, findWrk } from '../load/driver.js';
import { measureClosedRow, type RowContext } from '../run/closedRow.js';
import { measureCostRow, poolPids } from '../run/costRow.js';
import type { RunResult } from '../run/types.js';
import { type AcceptMode, acceptArgs } from '../target/acceptMode.js';
import { findOption } from '../../server/index.js';
import { lastValue, predictUrl, type Target, type TargetContext, withTarget } from '../target/target.js';
import type { CostResult, CostRow, CostServer } from './results.js';
import { serverInfo } from './serverInfo.js';

/** The pools measured: one worker (where requests queue soonest) and two (one per core here). */
export const COST_POOL_SIZES = [1, 2] as const;

/** The pool whose rows feed the model: a core for the master and one per worker (cores - 1), within the pools measured. */
export function modelPoolSize(cores: number): number {
  return Math.min(Math.max(cores - 1, COST_POOL_SIZES[0]), COST_POOL_SIZES[COST_POOL_SIZES.length - 1]!);
}

export interface CostPoint {
  load: CostLoad;
  connections: number;
  oneShot: boolean;
}

/**
 * The loads of a pool of `workers`: one-shot with one connection per worker, so that nothing
 * waits in the master and each request is one whole connection; kept alive at `many`; and, for
 * one worker, one-shot at `queued` connections, so that requests wait in the master's queue.
 */
export function costPoints(workers: number, many: number, queued: number): CostPoint[] {
  const points: CostPoint[] = [
    { load: 'one-shot', connections: workers, oneShot: true },
    { load: 'keep-alive', connections: many, oneShot: false },
  ];
  if (workers === 1) points.push({ load: 'queued', connections: queued, oneShot: true });
  return points;
}

/** A `serve` option's value in the bench's server arguments, else its default in serve's own table. */
function serveNumber(args: readonly string[], name: string): number {
  const given = lastValue(args, name);
  if (given !== undefined) return Number(given);
  const spec = findOption(name);
  if (spec === undefined || typeof spec.default === 'string' || typeof spec.default === 'boolean') throw new Error(`serve has no numeric option ${name}`);
  return typeof spec.default === 'function' ? spec.default() : Number(spec.default);
}

/**
 * Connections that keep requests waiting in the master's queue of one worker: a worker that
 * batches takes up to `batch-max-size` requests at once, so the queue starts beyond that; then
 * `many` more, but no more than the `listen` queue holds (beyond it requests get 503).
 */
export function queuedConnections(batchMaxSize: number, many: number, listen: number): number {
  return batchMaxSize + Math.min(many, listen);
}

/** Ctrl-C kills the row's wrk, which rejects: the row is dropped and the rows before it are reported. Other errors stay errors. */
async function unlessInterrupted<T>(signal: AbortSignal, measure: () => Promise<T>): Promise<T | null> {
  try {
    return await measure();
  } catch (err) {
    if (signal.aborted) return null;
    throw err;
  }
}

interface Running {
  accept: AcceptMode;
  target: Target;
  stats: string;
}

/** Starts one server per accept mode, each inside the last, so that all run during every row and all are stopped whatever happens. */
async function withServers<T>(
  ctx: TargetContext,
  args: readonly string[],
  workers: number,
  modes: readonly AcceptMode[],
  fn: (running: Running[]) => Promise<T>,
  started: Running[] = [],
): Promise<T> {
  const [mode, ...rest] = modes;
  if (mode === undefined) return fn(started);
  const label = `cost: accept=${mode}, ${workers} worker${workers === 1 ? '' : 's'}`;
  return withTarget(ctx, label, [...args, ...acceptArgs(mode)], (target) =>
    withServers(ctx, args, workers, rest, fn, [...started, { accept: mode, target, stats: target.stats! }]),
  );
}

/** The master's CPU over `seconds` of no load, in ms per second: the part of its cost that is per second (timers), not per request. */
async function masterIdleCpu(masters: readonly number[], seconds: number, signal: AbortSignal): Promise<(number | null)[]> {
  const before = masters.map((pid) => processCpuMs([pid]));
  const start = performance.now();
  // Ctrl-C ends the wait; the figures are then null.
  await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
  const wallS = (performance.now() - start) / 1000;
  return masters.map((pid, i) => (signal.aborted ? null : (processCpuMs([pid]) - before[i]!) / wallS));
}

export async function cost(ctx: TargetContext): Promise<CostResult> {
  const { options, session, signal } = ctx;
  if (options.url !== undefined) throw new Error('cost starts its own servers (each accept mode, 1 and 2 workers); run it without --url');
  const driver = chooseDriver(options.driver, findWrk());
  session.emit('note', `cost: load by ${driver.detail}; accept modes ${options.acceptModes.join(', ')}, alternated row by row`);
  const rowCtx: RowContext = { driver, session, signal, timeoutS: options.timeoutS };
  const many = Math.max(...options.connections);
  const queued = queuedConnections(serveNumber(options.serverArgs, 'batch-max-size'), many, serveNumber(options.serverArgs, 'listen'));
  const servers: CostServer[] = [];
  const rows: CostRow[] = [];
  const runs: RunResult[] = [];
  const loadBefore = readLoadAverage();

  for (const workers of COST_POOL_SIZES) {
    if (signal.aborted) break;
    const args = ['--workers', String(workers), '--cheaper', '0', ...options.serverArgs];
    await withServers(ctx, args, workers, options.acceptModes, async (running) => {
      const pids = await Promise.all(running.map((r) => poolPids(r.stats)));
      const idle = await masterIdleCpu(
        pids.map((p) => p.master),
        Math.min(3, Math.max(1, options.phaseSeconds)),
        signal,
      );
      running.forEach((r, i) =>
        servers.push({ accept: r.accept, poolWorkers: workers, server: serverInfo(r.target), pids: pids[i]!, masterIdleCpuMsPerS: idle[i]! }),
      );
      for (const r of running) {
        if (signal.aborted) return;
        // A short warm-up at the highest load, so that no row pays for the JIT.
        const name = `cost: accept=${r.accept}, ${workers} worker${workers === 1 ? '' : 's'}, warm-up`;
        const url = predictUrl(r.target.url, options.text);
        const warmUp = { name, url, connections: many, seconds: options.quick ? 0.3 : 1, oneShot: false, serverPids: null };
        if ((await unlessInterrupted(signal, () => measureClosedRow(rowCtx, warmUp))) === null) return;
      }
      // Each load on every mode in turn: load from elsewhere on a shared machine falls on both alike.
      for (const point of costPoints(workers, many, queued)) {
        for (const r of running) {
          if (signal.aborted) return;
          const name = `cost: accept=${r.accept}, ${workers} worker${workers === 1 ? '' : 's'}, ${point.load} at ${point.connections}`;
          const spec = {
            name,
            url: predictUrl(r.target.url, options.text),
            connections: point.connections,
            seconds: options.phaseSeconds,
            oneShot: point.oneShot,
          };
          const measured = await unlessInterrupted(signal, () => measureCostRow(rowCtx, spec, r.stats));
          if (measured === null) return;
          const { row, run } = measured;
          if (row.acceptReported !== null && row.acceptReported !== r.accept) {
            throw new Error(
              `cost: the server started with --accept ${r.accept} reports accept = ${row.acceptReported} in its stats: its rows would be mislabelled`,
            );
          }
          if (run) runs.push(run);
          rows.push({ ...row, accept: r.accept, poolWorkers: workers, load: point.load, connections: point.connections, oneShot: point.oneShot });
        }
      }
    });
  }
  if (rows.length === 0) throw new Error('cost interrupted before its first row');
  const modelPool = modelPoolSize(availableParallelism());
  const { costs, notes } = modeCosts(rows, options.acceptModes, modelPool);
  return {
    kind: 'cost',
    driver,
    acceptModes: options.acceptModes,
    servers,
    rows,
    modelPool,
    model: costs.length > 0 ? scaleModel(costs) : null,
    modelNotes: notes,
    loadAverage: { before: loadBefore, after: readLoadAverage() },
    runs,
  };
}
