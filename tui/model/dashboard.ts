import type { PoolEvent } from '../../core/stats/schema.js';
import type { StatsSnapshot } from '../../core/stats/parseStats.js';
import { deriveEvents } from '../../core/stats/deriveEvents.js';
import { EventLog } from './eventLog.js';
import { History } from './history.js';
import { computeRates, type Rates, type Sample } from './rates.js';

export type HostState = 'connecting' | 'up' | 'down';

export interface HostStatus {
  /** The address as the user wrote it. */
  address: string;
  state: HostState;
  /** The latest document; null while the address does not answer (its rows would be stale). */
  snapshot: StatsSnapshot | null;
  /** Null until two samples of the same master exist. */
  rates: Rates | null;
  /** Why the last read failed, in words. */
  error: string | null;
  downSinceMs: number | null;
  lastUpMs: number | null;
  /** The last good sample, kept across failures so a short outage does not reset the rates. */
  sample: Sample | null;
}

/** Sums over the hosts that answered. */
export interface PoolTotals {
  hosts: number;
  hostsUp: number;
  slots: number;
  running: number;
  busy: number;
  idle: number;
  cheap: number;
  requests: number;
  exceptions: number;
  tx: number;
  listenQueue: number;
  /** Null until some host has two samples. */
  rps: number | null;
}

/**
 * Everything the dashboard knows, fed by the poller and read by the renderers. No I/O here:
 * times come in as arguments (epoch milliseconds from a monotonic clock).
 */
export class Dashboard {
  readonly hosts: HostStatus[];
  readonly events = new EventLog();
  readonly history = new History();

  constructor(addresses: readonly string[]) {
    this.hosts = addresses.map((address) => ({
      address,
      state: 'connecting',
      snapshot: null,
      rates: null,
      error: null,
      downSinceMs: null,
      lastUpMs: null,
      sample: null,
    }));
  }

  addSample(index: number, snapshot: StatsSnapshot, atMs: number): void {
    const host = this.host(index);
    const prev = host.sample;
    const next: Sample = { atMs, stats: snapshot.stats };
    if (host.state === 'down') {
      this.events.addOwnEvents(host.address, [{ at: atMs, type: 'up', reason: 'answering again' }]);
    }
    const restarted = prev !== null && prev.stats.pid !== snapshot.stats.pid;
    if (restarted) this.events.forgetSequence(host.address);
    if (snapshot.isTidepool) {
      // The server tells its own events; only a restart of the master is ours to see.
      if (restarted) this.events.addOwnEvents(host.address, deriveEvents(prev.stats, snapshot.stats, atMs));
      this.events.addServerEvents(host.address, snapshot.stats.tidepool?.events ?? []);
    } else if (prev !== null) {
      this.events.addOwnEvents(host.address, deriveEvents(prev.stats, snapshot.stats, atMs));
    }
    host.rates = prev === null ? null : computeRates(prev, next);
    host.sample = next;
    host.snapshot = snapshot;
    host.state = 'up';
    host.error = null;
    host.downSinceMs = null;
    host.lastUpMs = atMs;
  }

  addFailure(index: number, error: unknown, atMs: number): void {
    const host = this.host(index);
    const message = error instanceof Error ? error.message : String(error);
    if (host.state !== 'down' || host.error !== message) {
      this.events.addOwnEvents(host.address, [{ at: atMs, type: 'down', reason: message }]);
    }
    host.state = 'down';
    host.error = message;
    host.downSinceMs ??= atMs;
    host.snapshot = null;
    host.rates = null;
  }

  addStreamEvents(index: number, events: readonly PoolEvent[]): number {
    return this.events.addServerEvents(this.host(index).address, events);
  }

  /** Records a chart point once every host was polled. */
  endRound(atMs: number): void {
    const t = this.totals();
    this.history.push({ atMs, rps: t.rps, running: t.running, busy: t.busy });
  }

  totals(): PoolTotals {
    const t: PoolTotals = {
      hosts: this.hosts.length,
      hostsUp: 0,
      slots: 0,
      running: 0,
      busy: 0,
      idle: 0,
      cheap: 0,
      requests: 0,
      exceptions: 0,
      tx: 0,
      listenQueue: 0,
      rps: null,
    };
    for (const h of this.hosts) {
      const s = h.snapshot;
      if (s === null) continue;
      t.hostsUp++;
      t.slots += s.counts.slots;
      t.running += s.counts.running;
      t.busy += s.counts.busy;
      t.idle += s.counts.idle;
      t.cheap += s.counts.cheap;
      t.requests += s.totals.requests;
      t.exceptions += s.totals.exceptions;
      t.tx += s.totals.tx;
      t.listenQueue += s.stats.listen_queue;
      if (h.rates !== null) t.rps = (t.rps ?? 0) + h.rates.totalRps;
    }
    return t;
  }

  private host(index: number): HostStatus {
    const host = this.hosts[index];
    if (host === undefined) throw new RangeError(`no host #${index}: the dashboard watches ${this.hosts.length}`);
    return host;
  }
}
