import { scaleMetrics } from '../analysis/scaleMetrics.js';
import type { BenchOptions } from '../options.js';
import { clientsLabel } from '../load/profiles.js';
import { LoadRun } from '../run/loadRun.js';
import type { Phase } from '../run/types.js';
import { predictUrl, withTarget, type TargetContext } from '../target/target.js';
import type { ScaleResult, ScaleVariant } from './results.js';
import { serverInfo } from './serverInfo.js';

export interface ScaleConfig {
  name: string;
  description: string;
  /** `serve` options on top of the common pool. */
  args: string[];
}

/**
 * The comparison the scale scenario makes by default: the tutorial's uWSGI setup (spare, step 3,
 * uWSGI's 1 s check interval) and tidepool's defaults, on the same pool size and load.
 */
export const SCALE_COMPARISON: readonly ScaleConfig[] = [
  {
    name: 'spare step 3',
    description: "uWSGI's classic: cheaper-algo spare, cheaper-step 3, checks every 1 s (the tutorial's uwsgi.ini)",
    args: ['--cheaper-algo', 'spare', '--cheaper-step', '3', '--cheaper-check-interval', '1'],
  },
  {
    name: 'tidepool defaults',
    description: "tidepool's defaults: busyness, one worker per waiting request, checks every 0.1 s",
    args: [],
  },
];

/** Pool and service time shared by every configuration: the tutorial's 5..50 workers and time.sleep(3). */
export function scalePoolArgs(quick: boolean): string[] {
  return quick
    ? ['--workers', '4', '--cheaper', '1', '--cheaper-initial', '1', '--simulate-latency', '1000']
    : ['--workers', '50', '--cheaper', '5', '--cheaper-initial', '5', '--simulate-latency', '3000'];
}

export function scalePhases(options: Pick<BenchOptions, 'quick' | 'clients' | 'loadSeconds' | 'cooldownSeconds'>): Phase[] {
  const phases: Phase[] = [
    { kind: 'quiet', label: 'before', durationMs: options.quick ? 300 : 1000 },
    { kind: 'closed', label: clientsLabel(options.clients), connections: options.clients, durationMs: options.loadSeconds * 1000 },
  ];
  if (options.cooldownSeconds > 0) phases.push({ kind: 'quiet', label: 'quiet', durationMs: options.cooldownSeconds * 1000 });
  return phases;
}

/** Index of the step in scalePhases(). */
const LOAD_PHASE = 1;

export function scaleConfigs(options: BenchOptions): readonly ScaleConfig[] {
  if (options.url !== undefined) return [{ name: 'as configured', description: `the server at ${options.url}, as it is configured`, args: [] }];
  if (options.scalingChosen) {
    return [{ name: 'chosen', description: `the options given: ${options.poolArgs.join(' ')}`, args: [] }];
  }
  return SCALE_COMPARISON;
}

/** Does the pool grow when a step of blocking requests arrives, how fast, at what cost. */
export async function scale(ctx: TargetContext): Promise<ScaleResult> {
  const { options } = ctx;
  const variants: ScaleVariant[] = [];
  for (const config of scaleConfigs(options)) {
    if (ctx.signal.aborted) break;
    const args = [...scalePoolArgs(options.quick), ...config.args, ...options.poolArgs, ...options.serverArgs];
    const label = `scale: ${config.name}`;
    variants.push(
      await withTarget(ctx, label, args, async (target) => {
        const run = await ctx.session.play(
          new LoadRun({
            name: label,
            url: predictUrl(target.url, options.text),
            stats: target.stats,
            timeoutS: options.timeoutS,
            signal: ctx.signal,
            phases: scalePhases(options),
          }),
        );
        return {
          name: config.name,
          description: config.description,
          server: serverInfo(target),
          run,
          metrics: scaleMetrics(run, LOAD_PHASE, target.serviceTimeMs),
        };
      }),
    );
  }
  return { kind: 'scale', variants };
}
