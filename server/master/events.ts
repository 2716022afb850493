import { EventEmitter } from 'node:events';
import type { PoolEvent } from '../../core/stats/schema.js';
import { log } from '../log.js';

/**
 * Every change of the pool, with a reason: logged, kept in a bounded ring for the stats
 * document, and emitted live for followers (the event stream, the bench, tests).
 */
export class PoolEvents extends EventEmitter {
  private seq = 0;
  private readonly ring: PoolEvent[] = [];

  constructor(private readonly keep: number) {
    super();
  }

  record(type: PoolEvent['type'], reason: string, extra: { worker?: number; pid?: number; detail?: PoolEvent['detail'] } = {}): PoolEvent {
    const event: PoolEvent = { seq: ++this.seq, at: Date.now(), type, reason, ...extra };
    this.ring.push(event);
    if (this.ring.length > this.keep) this.ring.shift();
    const who = event.worker !== undefined ? `worker ${event.worker}${event.pid ? ` (pid ${event.pid})` : ''} ` : '';
    log(type === 'harakiri' || (type === 'exit' && /crash|killed|code [1-9]/.test(reason)) ? 'warn' : 'info', `${type}: ${who}${reason}`);
    this.emit('event', event);
    return event;
  }

  recent(): PoolEvent[] {
    return this.ring.slice();
  }
}
