import { EventEmitter } from 'node:events';
import type { StatsSnapshot } from '../../core/stats/parseStats.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { deriveEvents } from '../../core/stats/deriveEvents.js';
import type { ScalingEvent, StatsSample } from './types.js';

export interface SamplerEvents {
  sample: [StatsSample];
  scaling: [ScalingEvent];
}

export function toSample(snapshot: StatsSnapshot, at: number): StatsSample {
  const { counts, stats } = snapshot;
  return {
    at,
    slots: counts.slots,
    running: counts.running,
    ready: counts.ready,
    busy: counts.busy,
    idle: counts.idle,
    cheap: counts.cheap,
    queue: stats.tidepool?.queue.waiting ?? stats.listen_queue,
    requests: snapshot.totals.requests,
  };
}

/**
 * Reads the stats socket every `intervalMs` while a run loads the server. A tidepool server
 * tells its pool events itself (`tidepool.events`, deduplicated by seq); for a uWSGI server they
 * are derived from consecutive documents. Times are ms since `origin` (epoch ms).
 */
export class StatsSampler extends EventEmitter<SamplerEvents> {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private previous: StatsSnapshot | undefined;
  private previousAt = 0;
  private lastSeq = 0;
  private stopped = false;
  private readonly errors = new Map<string, number>();
  /** Worker pids seen in any document: a bench that started the server kills leftovers by pid. */
  readonly pids = new Set<number>();
  kind: 'tidepool' | 'uwsgi' | 'none' = 'none';

  constructor(
    private readonly address: string,
    private readonly origin: number,
    private readonly intervalMs = 250,
  ) {
    super();
  }

  /** Takes the first sample now (the pool before the load) and keeps sampling. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  /** Takes a last sample (the pool at the end) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    await this.poll();
  }

  /** Failed reads, one line per distinct message. */
  errorLines(): string[] {
    return [...this.errors].map(([message, n]) => (n > 1 ? `${message} (x${n})` : message));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.poll().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    let snapshot: StatsSnapshot;
    try {
      snapshot = await fetchStats(this.address, { timeoutMs: Math.max(1000, this.intervalMs * 4) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
      return;
    }
    const at = Date.now() - this.origin;
    this.kind = snapshot.isTidepool ? 'tidepool' : 'uwsgi';
    for (const w of snapshot.stats.workers) if (w.pid > 0) this.pids.add(w.pid);
    this.emit('sample', toSample(snapshot, at));
    for (const event of this.newEvents(snapshot, at)) this.emit('scaling', event);
    this.previous = snapshot;
    this.previousAt = at;
  }

  private newEvents(snapshot: StatsSnapshot, at: number): ScalingEvent[] {
    const told = snapshot.stats.tidepool?.events;
    if (told) {
      // Events from before the run (the initial spawns) are the starting state, not its story.
      const fresh = told.filter((e) => e.seq > this.lastSeq && e.at >= this.origin);
      this.lastSeq = Math.max(this.lastSeq, ...told.map((e) => e.seq));
      return fresh.map(({ seq: _seq, detail: _detail, ...e }) => ({ ...e, at: e.at - this.origin, source: 'server' as const }));
    }
    if (!this.previous) return [];
    // uWSGI dates spawns in whole seconds: a worker seen for the first time now was not running
    // at the previous read, so its spawn is no earlier than that read.
    return deriveEvents(this.previous.stats, snapshot.stats, at + this.origin).map(({ detail: _detail, ...e }) => ({
      ...e,
      at: Math.max(this.previousAt, e.at - this.origin),
      source: 'derived' as const,
    }));
  }
}
