import { EventEmitter } from 'node:events';
import type { EventKind, PoolEvent, PoolEventType } from '../../core/stats/schema.js';
import { log, type LogLevel } from '../log.js';

/** An event as the master tells it: a type that has kinds always carries one. */
type Told<T extends PoolEventType> = { type: T; reason: string; worker?: number; pid?: number; detail?: PoolEvent['detail'] } & ([EventKind<T>] extends [never]
  ? { kind?: never }
  : { kind: EventKind<T> });
export type ToldEvent = { [T in PoolEventType]: Told<T> }[PoolEventType];

/**
 * Every change of the pool, with its kind and its reason in words: logged, kept in a bounded
 * ring for the stats document, and emitted live for followers (the event stream, the metrics).
 */
export class PoolEvents extends EventEmitter<{ event: [PoolEvent] }> {
  private seq = 0;
  private readonly ring: PoolEvent[] = [];

  constructor(private readonly keep: number) {
    super();
  }

  /** `level` is the log line's: the source knows whether the change is a problem. */
  record(told: ToldEvent, level: LogLevel = 'info'): PoolEvent {
    const { type, kind, reason, worker, pid, detail } = told;
    // Keys in a fixed order, the absent ones left out: the event is written as JSON as it is. A told
    // event is a PoolEvent without seq and at; TypeScript cannot follow that through the spreads.
    const event = {
      seq: ++this.seq,
      at: Date.now(),
      type,
      ...(kind !== undefined && { kind }),
      reason,
      ...(worker !== undefined && { worker }),
      ...(pid !== undefined && { pid }),
      ...(detail !== undefined && { detail }),
    } as PoolEvent;
    this.ring.push(event);
    if (this.ring.length > this.keep) this.ring.shift();
    const who = worker !== undefined ? `worker ${worker}${pid ? ` (pid ${pid})` : ''} ` : '';
    log(level, `${type}: ${who}${reason}`);
    this.emit('event', event);
    return event;
  }

  recent(): PoolEvent[] {
    return this.ring.slice();
  }
}
