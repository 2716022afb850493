import { fetchStats } from '../../core/stats/fetchStats.js';
import { DEFAULT_MODEL_DIR } from '../../models/index.js';
import type { BenchOptions } from '../options.js';
import type { BenchSession } from '../run/session.js';
import { startTidepool } from './startTidepool.js';

/** The server a scenario loads. */
export interface Target {
  /** http://HOST:PORT */
  url: string;
  stats?: string;
  /** The bench started this server with these `serve` options (false: --url). */
  started: boolean;
  args: readonly string[];
  /** The simulated service time the server was started with, when known. */
  serviceTimeMs: number | null;
}

export interface TargetContext {
  options: BenchOptions;
  session: BenchSession;
  signal: AbortSignal;
}

/** The URL of one /predict request for `text`. */
export function predictUrl(origin: string, text: string): string {
  return `${origin}/predict?text=${encodeURIComponent(text)}`;
}

/** The value of `--name VALUE` in a `serve` argument list as the bench writes it (the last one wins, as in serve). */
export function lastValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  args.forEach((a, i) => {
    if (a === `--${name}` && args[i + 1] !== undefined) value = args[i + 1];
  });
  return value;
}

/** The simulated latency of a `serve` argument list. */
export function simulatedLatency(args: readonly string[]): number | null {
  return Number(lastValue(args, 'simulate-latency')) || null;
}

/** The model and backend a `serve` argument list serves with, for a server that runs the same model. */
export function modelOf(args: readonly string[]): { modelDir: string; backend: string } {
  return { modelDir: lastValue(args, 'model') ?? DEFAULT_MODEL_DIR, backend: lastValue(args, 'backend') ?? 'auto' };
}

/** The processes of a server from its stats: the master and every worker running now. */
export async function serverPids(stats: string): Promise<number[]> {
  const doc = (await fetchStats(stats)).stats;
  return [doc.pid, ...doc.workers.map((w) => w.pid).filter((p) => p > 0)];
}

/**
 * Runs `fn` against the --url server, or against a tidepool started with `args` for it and
 * stopped afterwards, whatever happens (errors and Ctrl-C included).
 */
export async function withTarget<T>(ctx: TargetContext, label: string, args: readonly string[], fn: (target: Target) => Promise<T>): Promise<T> {
  const { options, session, signal } = ctx;
  if (options.url !== undefined) {
    return fn({ url: options.url, ...(options.stats !== undefined ? { stats: options.stats } : {}), started: false, args: [], serviceTimeMs: null });
  }
  session.emit('server', { state: 'starting', label, args });
  const server = await startTidepool(args, { signal });
  session.emit('server', { state: 'ready', label, args, url: server.url });
  try {
    return await fn({ url: server.url, stats: server.stats, started: true, args, serviceTimeMs: simulatedLatency(args) });
  } finally {
    session.emit('server', { state: 'stopping', label, args, url: server.url });
    await server.stop();
    session.emit('server', { state: 'stopped', label, args, url: server.url });
  }
}
