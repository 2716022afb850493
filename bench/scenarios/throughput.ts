import { availableParallelism } from 'node:os';
import { latencyStats } from '../analysis/percentiles.js';
import { LoadRun } from '../run/loadRun.js';
import type { Phase, RunResult } from '../run/types.js';
import { predictUrl, withTarget, type TargetContext } from '../target/target.js';
import type { ThroughputResult, ThroughputRow } from './results.js';
import { serverInfo } from './serverInfo.js';

/**
 * A fixed pool of one worker per core: throughput is about the workers, not about scaling.
 * --quick: one worker, which boots in half the time on a small machine.
 */
export function fixedPoolArgs(quick: boolean): string[] {
  return ['--workers', quick ? '1' : String(availableParallelism()), '--cheaper', '0'];
}

/** Half and nine tenths of the best closed-loop throughput: below and near saturation. */
export function openLoopRates(bestRps: number): number[] {
  return [0.5, 0.9].map((f) => Math.max(1, Math.round(bestRps * f)));
}

/** One row per measured phase (the warm-up is not one). */
export function throughputRows(run: RunResult): ThroughputRow[] {
  return run.phases.flatMap((record, index): ThroughputRow[] => {
    const { phase } = record;
    if (phase.kind !== 'closed' && phase.kind !== 'open') return [];
    if (phase.label === 'warm-up') return [];
    const responses = run.responses.filter((r) => r.phase === index);
    // Open loop: the offered rate holds for the scheduled time; late answers drained after it still count.
    const seconds = phase.kind === 'open' ? phase.durationMs / 1000 : (record.endAt - record.startAt) / 1000;
    const row: ThroughputRow = {
      mode: phase.kind,
      load: phase.kind === 'closed' ? `${phase.connections} connection${phase.connections === 1 ? '' : 's'}` : `${phase.rate} req/s`,
      rps: responses.length / Math.max(0.001, seconds),
      latency: latencyStats(responses.map((r) => r.latencyMs)),
      non2xx: responses.filter((r) => r.status < 200 || r.status >= 300).length,
      errors: run.failures.filter((f) => f.phase === index).length,
      workers: new Set(responses.map((r) => r.worker)).size,
    };
    if (phase.kind === 'closed') row.connections = phase.connections;
    else {
      row.rate = phase.rate;
      row.uncorrected = latencyStats(responses.map((r) => r.serviceMs ?? r.latencyMs));
    }
    return [row];
  });
}

/** How fast is it: closed loop at fixed connection counts, then open loop at fixed rates. */
export async function throughput(ctx: TargetContext): Promise<ThroughputResult> {
  const { options } = ctx;
  const ms = options.phaseSeconds * 1000;
  return withTarget(ctx, 'throughput', [...fixedPoolArgs(options.quick), ...options.serverArgs], async (target) => {
    const url = predictUrl(target.url, options.text);
    const common = { url, stats: target.stats, timeoutS: options.timeoutS, signal: ctx.signal };
    const closedPhases: Phase[] = [
      { kind: 'closed', label: 'warm-up', connections: Math.max(...options.connections), durationMs: options.quick ? 300 : 1000 },
      ...options.connections.map((c): Phase => ({ kind: 'closed', label: `${c} connection${c === 1 ? '' : 's'}`, connections: c, durationMs: ms })),
    ];
    const closed = await ctx.session.play(new LoadRun({ name: 'throughput: closed loop', phases: closedPhases, ...common }));
    const runs = [closed];
    const rows = throughputRows(closed);
    if (!ctx.signal.aborted) {
      const best = Math.max(0, ...rows.map((r) => r.rps));
      const rates = options.rates ?? openLoopRates(best);
      const openPhases = rates.map((rate): Phase => ({ kind: 'open', label: `${rate} req/s`, rate, durationMs: ms }));
      const open = await ctx.session.play(new LoadRun({ name: 'throughput: open loop', phases: openPhases, ...common }));
      runs.push(open);
      rows.push(...throughputRows(open));
    }
    return { kind: 'throughput', server: serverInfo(target), runs, rows };
  });
}
