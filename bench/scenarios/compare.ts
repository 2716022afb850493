/**
 * How fast is tidepool against node:http clusters with the same number of worker processes, in
 * one run on this machine: tidepool with and without dynamic batching, with the master accepting
 * and with the workers accepting (accept = workers), a cluster answering a
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
import { startBareCluster, type BareCluster, type BareClusterMode } from '../target/bareCluster.js';
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

/**
 * Every target is running before the first row, and each row is measured on every target in
 * turn: on a shared machine, load from elsewhere then falls on the rows a ratio compares alike
 * (seconds apart rather than minutes).
 */
async function measureAll(ctx: TargetContext, rowCtx: RowContext, targets: readonly Target[], runs: RunResult[]): Promise<CompareRow[]> {
  const { options, signal } = ctx;
  const most = Math.max(...options.connections);
  for (const target of targets) {
    // A short warm-up at the highest load, so that no row pays for the JIT.
    const name = `compare: ${COMPARE_TARGETS[target.id]}, warm-up`;
    await measureClosedRow(rowCtx, { name, url: target.url, connections: most, seconds: options.quick ? 0.3 : 1, oneShot: false, serverPids: null });
  }
  const rows: CompareRow[] = [];
  // Kept alive at every count, then one-shot at the most.
  for (const { c, oneShot } of [...options.connections.map((n) => ({ c: n, oneShot: false })), { c: most, oneShot: true }]) {
    for (const target of targets) {
      if (signal.aborted) return rows;
      if (oneShot && !target.oneShot) continue;
      const label = COMPARE_TARGETS[target.id];
      const name = `compare: ${label}, ${c} connection${c === 1 ? '' : 's'}${oneShot ? ', one-shot' : ''}`;
      const spec = { name, url: target.url, connections: c, seconds: options.phaseSeconds, oneShot, serverPids: await target.pids() };
      const { row, run } = await measureClosedRow(rowCtx, spec);
      if (run) runs.push(run);
      rows.push({ ...row, target: label, targetId: target.id, connections: c, oneShot });
    }
  }
  const at = (r: CompareRow) => Object.keys(COMPARE_TARGETS).indexOf(r.targetId);
  return rows.sort((a, b) => at(a) - at(b));
}

export async function compare(ctx: TargetContext): Promise<CompareResult> {
  const { options, session, signal } = ctx;
  if (options.url !== undefined) throw new Error('compare starts its own servers (tidepool twice and two node:http clusters); run it without --url');
  const driver = chooseDriver(options.driver, findWrk());
  session.emit('note', `compare: load by ${driver.detail}`);
  const rowCtx: RowContext = { driver, session, signal, timeoutS: options.timeoutS };
  const workers = options.quick ? 1 : availableParallelism();
  const pool = ['--workers', String(workers), '--cheaper', '0', ...options.serverArgs];
  const model = modelOf(options.serverArgs);
  const runs: RunResult[] = [];
  const targets: Target[] = [];
  const servers: ServerInfo[] = [];
  const clusters: BareCluster[] = [];

  const withTidepool = async (id: CompareTargetId, args: readonly string[], then: () => Promise<CompareRow[]>) =>
    withTarget(ctx, `compare: ${COMPARE_TARGETS[id]}`, args, async (t) => {
      servers.push(serverInfo(t));
      targets.push({ id, url: predictUrl(t.url, options.text), pids: () => serverPids(t.stats!), oneShot: id !== 'tidepool-no-batching' });
      return then();
    });
  // accept is named, not left to `auto`, so that the rows mean the same on every machine.
  const rows = await withTidepool('tidepool', [...pool, '--accept', 'master'], () =>
    withTidepool('tidepool-no-batching', [...pool, '--accept', 'master', '--batch-max-size', '1'], () =>
      withTidepool('tidepool-accept-workers', [...pool, '--accept', 'workers'], async () => {
        try {
          for (const [id, mode] of [
            ['cluster-constant', { kind: 'constant' }],
            ['cluster-model', { kind: 'model', ...model }],
          ] as const satisfies readonly (readonly [CompareTargetId, BareClusterMode])[]) {
            if (signal.aborted) return [];
            session.emit('note', `compare: starting the ${COMPARE_TARGETS[id]} (${workers} worker${workers === 1 ? '' : 's'})`);
            const cluster = await startBareCluster(workers, mode);
            clusters.push(cluster);
            targets.push({ id, url: predictUrl(cluster.url, options.text), pids: async () => cluster.pids, oneShot: true });
          }
          return await measureAll(ctx, rowCtx, targets, runs);
        } finally {
          await Promise.all(clusters.map((c) => c.stop()));
        }
      }),
    ),
  );
  const server = servers[0];
  if (server === undefined) throw new Error('compare interrupted before its first server was ready');
  return {
    kind: 'compare',
    server,
    driver,
    workers,
    runs,
    rows,
    ratios: compareRatios(rows),
    goals: [...checkGoals(rows), ...checkGoals(rows, 'tidepool-accept-workers')],
    classicRps: CLASSIC_STACK_RPS,
  };
}
