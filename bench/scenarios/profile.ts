import { latencyStats } from '../analysis/percentiles.js';
import { failedRequests, poolUsage } from '../analysis/scaleMetrics.js';
import { buildProfile, PROFILE_DESCRIPTIONS, type ProfileShape } from '../load/profiles.js';
import { LoadRun } from '../run/loadRun.js';
import { predictUrl, withTarget, type TargetContext } from '../target/target.js';
import type { ProfileResult, ProfileRun } from './results.js';
import { serverInfo } from './serverInfo.js';

export function profilePoolArgs(quick: boolean): string[] {
  return quick
    ? ['--workers', '8', '--cheaper', '2', '--cheaper-initial', '2', '--simulate-latency', '300']
    : ['--workers', '16', '--cheaper', '2', '--cheaper-initial', '2', '--simulate-latency', '1000'];
}

export function profileShape(quick: boolean): ProfileShape {
  return quick ? { peak: 6, base: 1, seconds: 4, quietSeconds: 1 } : { peak: 12, base: 2, seconds: 12, quietSeconds: 4 };
}

/** Each load profile on a fresh server, so that every one starts from the same pool. */
export async function profile(ctx: TargetContext): Promise<ProfileResult> {
  const { options } = ctx;
  const profiles: ProfileRun[] = [];
  for (const name of options.profiles) {
    if (ctx.signal.aborted) break;
    const args = [...profilePoolArgs(options.quick), ...options.poolArgs, ...options.serverArgs];
    profiles.push(
      await withTarget(ctx, `profile: ${name}`, args, async (target) => {
        const phases = buildProfile(name, profileShape(options.quick));
        const run = await ctx.session.play(
          new LoadRun({
            name: `profile: ${name}`,
            url: predictUrl(target.url, options.text),
            stats: target.stats,
            timeoutS: options.timeoutS,
            signal: ctx.signal,
            phases,
          }),
        );
        const loaded = run.phases.filter((p) => p.phase.kind === 'closed').reduce((s, p) => s + (p.endAt - p.startAt), 0) / 1000;
        return {
          name,
          description: PROFILE_DESCRIPTIONS[name],
          server: serverInfo(target),
          run,
          latency: latencyStats(run.responses.map((r) => r.latencyMs)),
          rps: run.responses.length / Math.max(0.001, loaded),
          failed: failedRequests(run),
          cancelled: run.phases.reduce((s, p) => s + p.cancelled, 0),
          usage: poolUsage(run, 0),
        };
      }),
    );
  }
  return { kind: 'profile', profiles };
}
