/**
 * How fast is tidepool against the ceiling: /predict with and without dynamic batching, and a
 * bare node:http cluster returning a constant JSON with the same number of processes, each at
 * fixed connection counts, in one run on this machine; requests/s, p50/p99 and CPU per request
 * (every process of the server: master and workers).
 */
import { availableParallelism } from 'node:os';
import { latencyStats } from '../analysis/percentiles.js';
import { processCpuMs } from '../analysis/processCpu.js';
import { LoadRun } from '../run/loadRun.js';
import type { RunResult } from '../run/types.js';
import { startBareCluster } from '../target/bareCluster.js';
import { predictUrl, withTarget, type TargetContext } from '../target/target.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import type { CompareResult, CompareRow } from './results.js';
import { serverInfo } from './serverInfo.js';

/** The classic Flask + uWSGI + nginx stack on this machine (the performance issue's figure). */
export const CLASSIC_STACK_RPS = 3200;

interface Target {
  label: string;
  url: string;
  pids: () => Promise<number[]>;
}

async function measure(ctx: TargetContext, target: Target, connections: readonly number[], runs: RunResult[]): Promise<CompareRow[]> {
  const { options } = ctx;
  const rows: CompareRow[] = [];
  // A short warm-up at the highest load, so that no row pays for the JIT.
  await ctx.session.play(new LoadRun({ name: `compare: ${target.label}, warm-up`, url: target.url, timeoutS: options.timeoutS, signal: ctx.signal, phases: [{ kind: 'closed', label: 'warm-up', connections: Math.max(...connections), durationMs: options.quick ? 300 : 1000 }] }));
  for (const c of connections) {
    if (ctx.signal.aborted) break;
    const pids = await target.pids();
    const cpuBefore = processCpuMs(pids);
    const run = await ctx.session.play(
      new LoadRun({ name: `compare: ${target.label}, ${c} connections`, url: target.url, timeoutS: options.timeoutS, signal: ctx.signal, phases: [{ kind: 'closed', label: `${c} connections`, connections: c, durationMs: options.phaseSeconds * 1000 }] }),
    );
    const cpuMs = processCpuMs(pids) - cpuBefore;
    runs.push(run);
    const record = run.phases[0]!;
    const seconds = Math.max(0.001, (record.endAt - record.startAt) / 1000);
    const ok = run.responses.filter((r) => r.status === 200);
    rows.push({
      target: target.label,
      connections: c,
      rps: ok.length / seconds,
      latency: latencyStats(ok.map((r) => r.latencyMs)),
      cpuUsPerRequest: ok.length > 0 ? (cpuMs * 1000) / ok.length : null,
      errors: run.failures.length + run.responses.length - ok.length,
    });
  }
  return rows;
}

export async function compare(ctx: TargetContext): Promise<CompareResult> {
  const { options } = ctx;
  if (options.url !== undefined) throw new Error('compare starts its own servers (tidepool twice and a bare node:http cluster); run it without --url');
  const workers = options.quick ? 1 : availableParallelism();
  const connections = options.quick ? [1, 8] : [1, 8, 32, 64];
  const pool = ['--workers', String(workers), '--cheaper', '0'];
  const runs: RunResult[] = [];
  const rows: CompareRow[] = [];
  let server = null;
  for (const [label, args] of [
    ['tidepool, batching (default)', pool],
    ['tidepool, no batching', [...pool, '--batch-max-size', '1']],
  ] as const) {
    server = await withTarget(ctx, `compare: ${label}`, args, async (t) => {
      const pids = async (): Promise<number[]> => {
        const doc = (await fetchStats(t.stats!)).stats;
        return [doc.pid, ...doc.workers.map((w) => w.pid).filter((p) => p > 0)];
      };
      rows.push(...(await measure(ctx, { label, url: predictUrl(t.url, options.text), pids }, connections, runs)));
      return serverInfo(t);
    });
  }
  const bare = await startBareCluster(workers);
  try {
    rows.push(...(await measure(ctx, { label: `bare node:http cluster, ${workers} processes (constant JSON)`, url: `${bare.url}/`, pids: async () => bare.pids }, connections, runs)));
  } finally {
    await bare.stop();
  }
  return { kind: 'compare', server: server!, runs, rows, classicRps: CLASSIC_STACK_RPS };
}
