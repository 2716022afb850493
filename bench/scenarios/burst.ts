import { latencyStats } from '../analysis/percentiles.js';
import { poolUsage } from '../analysis/scaleMetrics.js';
import { LoadRun } from '../run/loadRun.js';
import { predictUrl, withTarget, type TargetContext } from '../target/target.js';
import type { BurstResult } from './results.js';
import { serverInfo } from './serverInfo.js';

/** The pool of tidepool's uwsgi.ini: 5 workers at boot, up to 50; --quick: a smaller one. */
export function burstServerArgs(quick: boolean): string[] {
  return quick
    ? ['--workers', '4', '--cheaper', '1', '--cheaper-initial', '1', '--simulate-latency', '100']
    : ['--workers', '50', '--cheaper', '5', '--cheaper-initial', '5', '--simulate-latency', '3000'];
}

/**
 * The classic experiment (test_parallel_requests.sh): N GETs of /predict at once, each on its own
 * connection, each answer shown with its latency and the worker that served it. With 5 workers
 * and 3 s per request, uWSGI answers 5 after 3 s and the rest a round later.
 */
export async function burst(ctx: TargetContext): Promise<BurstResult> {
  const { options } = ctx;
  const args = [...burstServerArgs(options.quick), ...options.poolArgs, ...options.serverArgs];
  return withTarget(ctx, 'burst', args, async (target) => {
    const run = await ctx.session.play(
      new LoadRun({
        name: 'burst',
        url: predictUrl(target.url, options.text),
        stats: target.stats,
        timeoutS: options.timeoutS,
        signal: ctx.signal,
        phases: [
          { kind: 'burst', label: `${options.requests} requests at once`, requests: options.requests },
          // Workers spawned for the burst report ready after it: keep watching a moment.
          { kind: 'quiet', label: 'after', durationMs: options.quick ? 300 : 1500 },
        ],
      }),
    );
    const answers = run.responses.map((r, i) => ({ n: i + 1, status: r.status, latencyMs: r.latencyMs, worker: r.worker }));
    return {
      kind: 'burst',
      server: serverInfo(target),
      run,
      requests: options.requests,
      answers,
      failures: run.failures.map((f) => f.message),
      latency: latencyStats(answers.map((a) => a.latencyMs)),
      workersUsed: [...new Set(answers.map((a) => a.worker).filter((w): w is string => w !== null))],
      usage: poolUsage(run, 0),
    };
  });
}
