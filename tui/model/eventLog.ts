import type { PoolEvent, PoolEventType } from '../../core/stats/schema.js';
import type { DerivedEvent } from '../../core/stats/deriveEvents.js';

/** The pool's events, plus the dashboard's own: an address stopped or started answering. */
export type LogEventType = PoolEventType | 'down' | 'up';

export interface LoggedEvent extends Omit<DerivedEvent, 'type'> {
  type: LogEventType;
  /** The address the event came from. */
  host: string;
  /** The server's sequence number; null for events the dashboard saw itself. */
  seq: number | null;
}

/**
 * The recent pool events of every host, oldest first, bounded. A server's events arrive twice
 * (in each document's `tidepool.events` and on the live stream): its seq numbers dedupe them.
 */
export class EventLog {
  private readonly list: LoggedEvent[] = [];
  private readonly seen = new Map<string, Set<number>>();

  constructor(readonly capacity = 500) {}

  entries(): readonly LoggedEvent[] {
    return this.list;
  }

  /** Adds the events not seen before; returns how many were new. */
  addServerEvents(host: string, events: readonly PoolEvent[]): number {
    let seen = this.seen.get(host);
    if (seen === undefined) {
      seen = new Set();
      this.seen.set(host, seen);
    }
    let added = 0;
    for (const e of events) {
      if (seen.has(e.seq)) continue;
      seen.add(e.seq);
      this.insert({ ...e, host, seq: e.seq });
      added++;
    }
    if (seen.size > this.capacity * 4) {
      const keep = [...seen].sort((a, b) => a - b).slice(-this.capacity * 2);
      this.seen.set(host, new Set(keep));
    }
    this.trim();
    return added;
  }

  addOwnEvents(host: string, events: readonly Omit<LoggedEvent, 'host' | 'seq'>[]): void {
    for (const e of events) this.insert({ ...e, host, seq: null });
    this.trim();
  }

  /** A restarted master numbers its events from 1 again. */
  forgetSequence(host: string): void {
    this.seen.delete(host);
  }

  /** Keeps time order when a late event (a stream that lagged) arrives after newer ones. */
  private insert(e: LoggedEvent): void {
    let i = this.list.length;
    while (i > 0 && this.list[i - 1]!.at > e.at) i--;
    this.list.splice(i, 0, e);
  }

  private trim(): void {
    if (this.list.length > this.capacity) this.list.splice(0, this.list.length - this.capacity);
  }
}
