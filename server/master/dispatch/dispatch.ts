/**
 * The master's queue: every connection that is not an admin route waits here until an available
 * worker takes it (the socket itself travels over IPC, with the bytes the master already read).
 */
import { jsonErrorBytes } from '../../protocol/hooks.js';
import type { MasterMessage } from '../../ipc/messages.js';
import type { PoolEvents } from '../events.js';
import type { Accepted } from '../accept/listeners.js';
import { isReady, sendTo, type ReadySlot, type Slot, type WorkerProcess } from '../slot.js';
import { chooseWorker, shedOrders, someIdle } from './choose.js';
import { applyReport, type RequestReport } from './reports.js';

/** How long a request may wait before workers release kept-alive connections (see announceQueue). */
export const REBALANCE_AFTER_MS = 100;

/** accept = workers: how often at most the workers hear that another worker is (or is no longer) idle. */
export const PEERS_EVERY_MS = 50;

/**
 * Whether requests wait long enough for kept-alive connections to be released to the queue.
 * Only a request that has waited REBALANCE_AFTER_MS counts: requests that the next idle gap
 * will serve need no rebalancing, and closing connections for them would only turn every
 * kept-alive client into a reconnecting one (each close re-enters the queue, forever).
 */
export function requestsWait(oldestQueuedAt: number | undefined, now: number): boolean {
  return oldestQueuedAt !== undefined && now - oldestQueuedAt >= REBALANCE_AFTER_MS;
}

export class Dispatch {
  readonly queue: Accepted[] = [];
  /** Requests answered 503 because the queue was full. */
  rejected = 0;
  /** Connections the master handed to a worker (with accept = workers: those it took before the first worker was ready, UNIX ones, and ones a worker passed on). */
  handedOff = 0;
  /** FIFO `p`: requests wait in the queue instead of reaching workers. */
  paused = false;
  private announced = false;
  private closed = false;
  private peersIdle = false;
  private peersToldAt = 0;

  constructor(
    private readonly slots: readonly Slot[],
    private readonly limits: { listen: number; batchMaxSize: number },
    private readonly events: PoolEvents,
  ) {}

  enqueue(a: Accepted): void {
    // After the shutdown answered the queue, nothing more is served (a connection a worker passed on late).
    if (this.closed) {
      a.socket.end(jsonErrorBytes(503, 'The server is shutting down', { 'Retry-After': '1' }));
      return;
    }
    if (this.queue.length >= this.limits.listen) {
      this.rejected++;
      const why = `All workers are busy and ${this.queue.length} requests are already waiting (listen = ${this.limits.listen}); retry shortly`;
      a.socket.end(jsonErrorBytes(503, why, { 'Retry-After': '1' }));
      return;
    }
    a.socket.once('close', () => this.dropFromQueue(a));
    a.queuedAt = Date.now();
    this.queue.push(a);
    this.pump();
  }

  private dropFromQueue(a: Accepted): void {
    const i = this.queue.indexOf(a);
    if (i !== -1) this.queue.splice(i, 1);
  }

  /** Hand waiting connections to available workers, as long as both exist. */
  pump(): void {
    while (this.queue.length > 0 && !this.paused) {
      const w = chooseWorker(this.slots, this.limits.batchMaxSize);
      if (!w) break;
      const a = this.queue.shift()!;
      a.socket.removeAllListeners('close');
      if (a.socket.destroyed) continue;
      this.handOff(w, a);
    }
    this.announceQueue();
  }

  private handOff(w: ReadySlot, a: Accepted): void {
    const p = w.state.proc;
    p.handed++;
    this.handedOff++;
    const msg: MasterMessage = { t: 'conn', proto: a.proto, head: a.head.toString('base64') };
    try {
      p.child.send(msg, a.socket, (err) => {
        if (err) this.requeue(p, a);
      });
    } catch {
      this.requeue(p, a);
    }
  }

  private requeue(p: WorkerProcess, a: Accepted): void {
    p.handed = Math.max(p.acked, p.handed - 1);
    if (a.socket.destroyed) return;
    this.queue.unshift(a);
    setImmediate(() => this.pump());
  }

  /** Tell ready workers whether requests wait, so kept-alive connections are released to the queue. */
  announceQueue(now = Date.now()): void {
    const waiting = requestsWait(this.queue[0]?.queuedAt, now);
    if (waiting === this.announced) return;
    this.announced = waiting;
    for (const s of this.slots) if (isReady(s)) sendTo(s.state.proc, { t: 'queue', waiting });
  }

  /** A worker just became ready: it learns what the others were told, and takes what waits. */
  workerReady(p: WorkerProcess): void {
    if (this.announced) sendTo(p, { t: 'queue', waiting: true });
    if (this.peersIdle) sendTo(p, { t: 'peers', idle: true });
  }

  report(s: Slot, p: WorkerProcess, m: RequestReport): void {
    applyReport(p, s.counters, m);
    if (m.t === 'idle' || (m.t === 'tally' && this.queue.length > 0)) this.pump();
    if (m.t === 'tally') this.rebalance();
  }

  /**
   * accept = workers: workers learn whether another worker is idle (a worker without room then
   * passes new connections to the master's queue, for the idle one), at most every
   * PEERS_EVERY_MS; a busy worker with more kept-alive connections than its share closes some,
   * for the idle ones to accept. Runs on every tally and every check.
   */
  rebalance(now = Date.now()): void {
    const idle = someIdle(this.slots);
    if (idle !== this.peersIdle && now - this.peersToldAt >= PEERS_EVERY_MS) {
      this.peersIdle = idle;
      this.peersToldAt = now;
      for (const s of this.slots) if (isReady(s)) sendTo(s.state.proc, { t: 'peers', idle });
    }
    for (const { proc, count } of shedOrders(this.slots)) {
      proc.open -= count;
      sendTo(proc, { t: 'shed', count });
    }
  }

  togglePause(): void {
    this.paused = !this.paused;
    const kind = this.paused ? 'pause' : 'resume';
    this.events.record({ type: 'decision', kind, reason: this.paused ? 'paused: requests wait in the queue' : 'resumed' });
    this.pump();
  }

  /** Shutdown: every waiting connection is answered 503 (graceful) or dropped (brutal). */
  dropAll(how: 'answer' | 'destroy'): void {
    this.closed = true;
    for (const a of this.queue.splice(0)) {
      if (how === 'destroy') a.socket.destroy();
      else a.socket.end(jsonErrorBytes(503, 'The server is shutting down', { 'Retry-After': '1' }));
    }
  }
}
