import { crossCheck } from '../wrkCrossCheck.js';
import { predictUrl, withTarget, type TargetContext } from '../target/target.js';
import type { CrossCheckResult } from './results.js';
import { serverInfo } from './serverInfo.js';
import { fixedPoolArgs } from './throughput.js';

/**
 * The server's workers sleep 10 ms per request, so that the server, not either client, bounds
 * the throughput: on 2 shared cores a CPU-bound run measures whichever client is faster.
 */
export const CROSS_CHECK_SERVICE_MS = 10;

export async function crosscheck(ctx: TargetContext): Promise<CrossCheckResult> {
  const { options } = ctx;
  const args = [...fixedPoolArgs(options.quick), '--simulate-latency', String(CROSS_CHECK_SERVICE_MS), ...options.serverArgs];
  return withTarget(ctx, 'crosscheck', args, async (target) => {
    const { check, runs } = await crossCheck({
      url: predictUrl(target.url, options.text),
      connections: options.crossConnections,
      durationS: options.crossSeconds,
      timeoutS: options.timeoutS,
      warmupS: options.quick ? 0.3 : 1,
      session: ctx.session,
      signal: ctx.signal,
    });
    return { kind: 'crosscheck', server: serverInfo(target), check, runs };
  });
}
