import { availableParallelism } from 'node:os';
import { latencyStats } from '../analysis/percentiles.js';
import { chooseDriver, findWrk } from '../load/driver.js';
import { OPEN_LOOP_SHARES } from '../options.js';
import { measureClosedRow, measureOwnRun, workersSeen, type RowContext } from '../run/closedRow.js';
import { LoadRun } from '../run/loadRun.js';
import type { RunResult } from '../run/types.js';
import { predictUrl, serverPids, withTarget, type TargetContext } from '../target/target.js';
import type { ThroughputResult, ThroughputRow } from './results.js';
import { serverInfo } from './serverInfo.js';

/**
 * A fixed pool of one worker per core: throughput is about the workers, not about scaling.
 * --quick: one worker, which boots in half the time on a small machine.
 */
export function fixedPoolArgs(quick: boolean): string[] {
  return ['--workers', quick ? '1' : String(availableParallelism()), '--cheaper', '0'];
}

export function openLoopRates(bestRps: number): number[] {
  return OPEN_LOOP_SHARES.map((f) => Math.max(1, Math.round(bestRps * f)));
}

/** The open-loop row of a run whose only phase sent `rate` requests per second. */
export function openLoopRow(run: RunResult, rate: number, durationS: number): Omit<ThroughputRow, 'client' | 'clientCpuShare' | 'serverCpuUsPerRequest'> {
  const answers = run.responses.filter((r) => r.phase === 0);
  return {
    mode: 'open',
    load: `${rate} req/s`,
    rate,
    // The offered rate holds for the scheduled time; late answers drained after it still count.
    rps: answers.length / durationS,
    latency: latencyStats(answers.map((r) => r.latencyMs)),
    uncorrected: latencyStats(answers.map((r) => r.serviceMs ?? r.latencyMs)),
    non2xx: answers.filter((r) => r.status < 200 || r.status >= 300).length,
    errors: run.failures.filter((f) => f.phase === 0).length,
    workers: workersSeen(answers),
  };
}

/**
 * How fast is it: closed loop at fixed connection counts (wrk when installed, else the bench's
 * own client), then open loop at fixed rates (always the bench's own sender: wrk has none).
 */
export async function throughput(ctx: TargetContext): Promise<ThroughputResult> {
  const { options, session, signal } = ctx;
  const driver = chooseDriver(options.driver, findWrk());
  const rowCtx: RowContext = { driver, session, signal, timeoutS: options.timeoutS };
  return withTarget(ctx, 'throughput', [...fixedPoolArgs(options.quick), ...options.serverArgs], async (target) => {
    session.emit('note', `throughput: closed loop by ${driver.detail}`);
    const url = predictUrl(target.url, options.text);
    const pids = async () => (target.started && target.stats ? serverPids(target.stats) : null);
    const stats = target.stats !== undefined ? { stats: target.stats } : {};
    const runs: RunResult[] = [];
    const rows: ThroughputRow[] = [];
    const most = Math.max(...options.connections);
    await measureClosedRow(rowCtx, { name: 'throughput: warm-up', url, connections: most, seconds: options.quick ? 0.3 : 1, oneShot: false, serverPids: null });
    for (const c of options.connections) {
      if (signal.aborted) break;
      const load = `${c} connection${c === 1 ? '' : 's'}`;
      const spec = { name: `throughput: ${load}`, url, connections: c, seconds: options.phaseSeconds, oneShot: false, serverPids: await pids(), ...stats };
      const { row, run } = await measureClosedRow(rowCtx, spec);
      if (run) runs.push(run);
      rows.push({ mode: 'closed', load, connections: c, ...row });
    }
    const best = Math.max(0, ...rows.map((r) => r.rps));
    for (const rate of options.rates ?? openLoopRates(best)) {
      if (signal.aborted) break;
      const phase = { kind: 'open', label: `${rate} req/s`, rate, durationMs: options.phaseSeconds * 1000 } as const;
      const run = new LoadRun({ name: `throughput: open loop, ${rate} req/s`, url, timeoutS: options.timeoutS, signal, ...stats, phases: [phase] });
      const measured = await measureOwnRun(await pids(), () => session.play(run));
      runs.push(measured.run);
      const row = openLoopRow(measured.run, rate, options.phaseSeconds);
      rows.push({ ...row, ...measured.cost });
    }
    return { kind: 'throughput', server: serverInfo(target), driver, runs, rows };
  });
}
