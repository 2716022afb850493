/**
 * How fast is tidepool against node:http clusters with the same number of worker processes, in
 * one run on this machine: tidepool with and without dynamic batching, a cluster answering a
 * constant JSON (the ceiling for any Node server here) and a cluster running tidepool's own
 * predictor per request (the model without tidepool's master and batching). Closed loop at fixed
 * connection counts, kept alive, and one-shot (`Connection: close`) at the most connections;
 * requests/s, p50/p99, the client's CPU share and the server's CPU per request; ratios and goals.
 */
import { availableParallelism } from 'node:os';
import { checkGoals, compareRatios, COMPARE_TARGETS, type CompareTargetId } from '../analysis/compareGoals.js';
import { chooseDriver, findWrk } from '../load/driver.js';
import { measureClosedRow, type RowContext } from '../run/closedRow.js';
import type { RunResult } from '../run/types.js';
import { startBareCluster, type BareClusterMode } from '../target/bareCluster.js';
import { modelOf, predictUrl, serverPids, withTarget, type TargetContext } from '../target/target.js';
import type { CompareResult, CompareRow, ServerInfo } from './results.js';
import { serverInfo } from './serverInfo.js';

/** The classic Flask + uWSGI + nginx stack on this machine (the performance issue's figure). */
export const CLASSIC_STACK_RPS = 3200;

interface Target {
  id: CompareTargetId;
  url: string;
  pids: () => Promise<number[]>;
  /** Measured with `Connection: close` too. */
  oneShot: boolean;
}

async function measure(ctx: TargetContext, rowCtx: RowContext, target: Target, runs: RunResult[]): Promise<CompareRow[]> {
  const { options } = ctx;
  const label = COMPARE_TARGETS[target.id];
  const connections = options.connections;
  const most = Math.max(...connections);
  const points = [...connections.map((c) => ({ c, oneShot: false })), ...(target.oneShot ? [{ c: most, oneShot: true }] : [])];
  // A short warm-up at the highest load, so that no row pays for the JIT.
  await measureClosedRow(rowCtx, { name: `compare: ${label}, warm-up`, url: target.url, connections: most, seconds: options.quick ? 0.3 : 1, oneShot: false, serverPids: null });
  const rows: CompareRow[] = [];
  for (const { c, oneShot } of points) {
    if (ctx.signal.aborted) break;
    const name = `compare: ${label}, ${c} connection${c === 1 ? '' : 's'}${oneShot ? ', one-shot' : ''}`;
    const { row, run } = await measureClosedRow(rowCtx, { name, url: target.url, connections: c, seconds: options.phaseSeconds, oneShot, serverPids: await target.pids() });
    if (run) runs.push(run);
    rows.push({ ...row, target: label, targetId: target.id, connections: c, oneShot });
  }
  return rows;
}

export async function compare(ctx: TargetContext): Promise<CompareResult> {
  const { options, session, signal } = ctx;
  if (options.url !== undefined) throw new Error('compare starts its own servers (tidepool twice and two node:http clusters); run it without --url');
  const driver = chooseDriver(options.driver, findWrk());
  session.emit('note', `compare: load by ${driver.detail}`);
  const rowCtx: RowContext = { driver, session, signal, timeoutS: options.timeoutS };
  const workers = options.quick ? 1 : availableParallelism();
  const pool = ['--workers', String(workers), '--cheaper', '0', ...options.serverArgs];
  const runs: RunResult[] = [];
  const rows: CompareRow[] = [];
  let server: ServerInfo | null = null;
  for (const [id, args] of [
    ['tidepool', pool],
    ['tidepool-no-batching', [...pool, '--batch-max-size', '1']],
  ] as const) {
    if (signal.aborted) break;
    server = await withTarget(ctx, `compare: ${COMPARE_TARGETS[id]}`, args, async (t) => {
      const pids = () => serverPids(t.stats!);
      rows.push(...(await measure(ctx, rowCtx, { id, url: predictUrl(t.url, options.text), pids, oneShot: id === 'tidepool' }, runs)));
      return serverInfo(t);
    });
  }
  const model = modelOf(options.serverArgs);
  for (const [id, mode] of [
    ['cluster-constant', { kind: 'constant' }],
    ['cluster-model', { kind: 'model', ...model }],
  ] as const satisfies readonly (readonly [CompareTargetId, BareClusterMode])[]) {
    if (signal.aborted) break;
    session.emit('note', `compare: starting the ${COMPARE_TARGETS[id]} (${workers} worker${workers === 1 ? '' : 's'})`);
    const cluster = await startBareCluster(workers, mode);
    try {
      rows.push(...(await measure(ctx, rowCtx, { id, url: predictUrl(cluster.url, options.text), pids: async () => cluster.pids, oneShot: true }, runs)));
    } finally {
      await cluster.stop();
    }
  }
  if (server === null) throw new Error('compare interrupted before its first server was ready');
  return { kind: 'compare', server, driver, workers, runs, rows, ratios: compareRatios(rows), goals: checkGoals(rows), classicRps: CLASSIC_STACK_RPS };
}
