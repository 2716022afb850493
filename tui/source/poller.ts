import { EventEmitter } from 'node:events';
import { parseAddress } from '../../core/net/address.js';
import type { PoolEvent } from '../../core/stats/schema.js';
import type { StatsSnapshot } from '../../core/stats/parseStats.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { followEvents } from '../../core/stats/followEvents.js';

export interface PollerEvents {
  /** Host `index` answered with a document read at `atMs`. */
  sample: [index: number, snapshot: StatsSnapshot, atMs: number];
  failure: [index: number, error: Error, atMs: number];
  /** Events from a host's live stream. */
  events: [index: number, events: PoolEvent[]];
  /** Every host was polled once. */
  round: [atMs: number];
}

export interface PollerOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Follow the live event stream of stats-http addresses. Default true. */
  followEvents?: boolean;
}

/** Epoch milliseconds that never go back (a wall-clock step would distort the rates). */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}

interface StreamState {
  stop: (() => void) | null;
  /** The master pid whose server has no stream; another master may have one. */
  unsupportedFor: number | null;
}

/**
 * Polls every address once per interval, all at once, and emits what came back. A host that
 * fails is polled again next round: a restarting server comes back by itself.
 */
export class StatsPoller extends EventEmitter<PollerEvents> {
  private running = false;
  private paused = false;
  private intervalMs: number;
  private wake: (() => void) | null = null;
  private readonly streams: StreamState[];

  constructor(
    readonly addresses: readonly string[],
    private readonly options: PollerOptions,
  ) {
    super();
    this.intervalMs = options.intervalMs;
    this.streams = addresses.map(() => ({ stop: null, unsupportedFor: null }));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    for (const s of this.streams) s.stop?.();
    this.wakeUp();
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    this.wakeUp();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.wakeUp();
  }

  /** Polls every host once; resolves when all answered or failed. */
  async pollOnce(): Promise<void> {
    await Promise.all(this.addresses.map((address, index) => this.pollHost(address, index)));
    this.emit('round', monotonicNow());
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const started = monotonicNow();
      if (!this.paused) await this.pollOnce();
      if (!this.running) break;
      const wait = this.paused ? Infinity : Math.max(0, this.intervalMs - (monotonicNow() - started));
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
      this.wake = done;
      function done() {
        if (timer) clearTimeout(timer);
        resolve();
      }
    });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async pollHost(address: string, index: number): Promise<void> {
    try {
      const snapshot = await fetchStats(address, { timeoutMs: this.options.timeoutMs });
      this.emit('sample', index, snapshot, monotonicNow());
      if (snapshot.isTidepool) this.follow(address, index, snapshot.stats.pid);
    } catch (err) {
      this.emit('failure', index, err instanceof Error ? err : new Error(String(err)), monotonicNow());
    }
  }

  private follow(address: string, index: number, masterPid: number): void {
    const state = this.streams[index]!;
    if (this.options.followEvents === false || !this.running || state.stop !== null || state.unsupportedFor === masterPid) return;
    const parsed = parseAddress(address);
    if (parsed.kind !== 'http') return;
    state.stop = followEvents(parsed, {
      onEvents: (events) => this.emit('events', index, events),
      onEnd: (end) => {
        state.stop = null;
        if (end === 'unsupported') state.unsupportedFor = masterPid;
      },
    });
  }
}
