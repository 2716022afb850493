/**
 * What the master did, as it tells it: the pool's structured events (type, kind, worker, pid,
 * detail) from the stats document's `tidepool.events`, and its workers from the same document.
 * Tests assert on these, not on the wording of log lines.
 */
import { FetchError, fetchStats } from '../../core/stats/fetchStats.js';
import type { PoolEvent } from '../../core/stats/schema.js';
import { spawnSync } from 'node:child_process';
import { CLI, waitFor } from './server.js';

export interface PoolEventLog {
  /** Every event read so far, in seq order. */
  readonly seen: readonly PoolEvent[];
  /** Reads the document once more and keeps the new events; returns every event so far. */
  refresh(): Promise<readonly PoolEvent[]>;
  /** The first event (read so far, or later) that matches; the document is read until `timeoutMs`. */
  waitFor(what: string, match: (e: PoolEvent) => boolean, timeoutMs?: number): Promise<PoolEvent>;
}

/** The events of the master whose plain stats socket is `stats` (a UNIX path). */
export function poolEvents(stats: string): PoolEventLog {
  const seen: PoolEvent[] = [];
  const refresh = async (): Promise<readonly PoolEvent[]> => {
    const events = (await fetchStats(stats)).stats.tidepool?.events ?? [];
    const last = seen.at(-1)?.seq ?? 0;
    const fresh = events.filter((e) => e.seq > last);
    // The document keeps the last `stats-events` events: a gap means some were never read.
    if (fresh.length > 0 && fresh[0]!.seq !== last + 1 && last > 0) {
      throw new Error(`events ${last + 1}..${fresh[0]!.seq - 1} left the document before they were read: read more often or raise stats-events`);
    }
    seen.push(...fresh);
    return seen;
  };
  return {
    seen,
    refresh,
    async waitFor(what, match, timeoutMs = 15_000) {
      try {
        // A master still starting has no stats socket yet: keep reading until the deadline.
        const read = (): Promise<readonly PoolEvent[] | null> =>
          refresh().catch((err: unknown) => {
            if (err instanceof FetchError) return null;
            throw err;
          });
        return await waitFor(what, async () => (await read())?.find(match), timeoutMs);
      } catch (e) {
        const told = seen.map((x) => `${x.type}${x.kind ? `/${x.kind}` : ''}(${x.worker ?? '-'})`).join(' ');
        throw new Error(`${(e as Error).message}; events so far: ${told}`);
      }
    },
  };
}

/** Pids of the workers running now, by slot order. */
export async function runningPids(stats: string): Promise<number[]> {
  return (await fetchStats(stats)).stats.workers.filter((w) => w.pid > 0).map((w) => w.pid);
}

/** `tidepool ctl --fifo FIFO COMMAND` (a master FIFO command), run to its end: its exit status and what it wrote. */
export function ctl(fifo: string, command: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'ctl', '--fifo', fifo, command], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
