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

/** The simulated latency of a `serve` argument list (the last value wins, as in serve). */
export function simulatedLatency(args: readonly string[]): number | null {
  let ms: number | null = null;
  args.forEach((a, i) => {
    if (a === '--simulate-latency' && args[i + 1] !== undefined) ms = Number(args[i + 1]) || null;
  });
  return ms;
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
