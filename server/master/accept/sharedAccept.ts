/**
 * accept = workers: the workers accept TCP connections themselves, from the listening sockets the
 * master bound, so that no new connection passes through the master (one process on every
 * connection's path caps a many-core machine; see README, "The master's cost and many cores").
 *
 * Every ready worker receives each TCP listener's handle over IPC and accepts on it; the kernel's
 * accept queue is the queue, and the master reads its length off /proc (acceptQueue.ts). The
 * master must keep each socket open without accepting on it, so that connections wait in the
 * kernel while no worker listens (a reload, every worker crashed) and the port outlives every
 * worker. Node cannot stop a listening handle from accepting, so the master asks its first ready
 * worker for a copy back (a `keeper`: the same socket, never listened on in the master) and only
 * then closes the server it accepted on until then. Until that moment (the first model load), and
 * on UNIX sockets always, the master accepts and hands connections over as with accept = master.
 */
import net from 'node:net';
import { log } from '../../log.js';
import type { Listener } from '../master.js';
import type { WorkerProcess } from '../slot.js';
import { readAcceptQueues } from './acceptQueue.js';

/** A raw listening handle (node's TCP wrap), as child_process passes it. */
interface RawHandle {
  close(): void;
}

/** Graceful shutdown: how long the master accepts on its copies before it lets go of them. */
const TAKE_OVER_MS = 50;

/** How long a read of the accept queues serves every caller (the stats, the scaler, the checks). */
const QUEUE_READ_TTL_MS = 50;

export class SharedAccept {
  /** The socket copies the master keeps, by listener index, once a worker sent one back. */
  private readonly keepers = new Map<number, RawHandle>();
  private closed = false;
  private lastRead = { at: 0, lengths: [] as number[] };
  private fullWarnedAt = 0;

  constructor(
    private readonly listeners: readonly Listener[],
    private readonly backlog: number,
  ) {}

  private tcp(): Array<{ index: number; l: Listener }> {
    return this.listeners.flatMap((l, index) => (l.endpoint !== null ? [{ index, l }] : []));
  }

  /** A worker became ready: it accepts on every TCP listener from now on. */
  workerReady(p: WorkerProcess): void {
    if (this.closed) return;
    for (const { index, l } of this.tcp()) {
      const keeper = this.keepers.get(index);
      const handle = keeper ?? (l.server as unknown as { _handle: RawHandle | null })._handle;
      if (handle === null) continue;
      try {
        p.child.send({ t: 'listen', index, proto: l.proto, backlog: this.backlog, keep: keeper === undefined }, handle as unknown as net.Server);
      } catch {
        // the worker is exiting; its exit handler deals with it
      }
    }
  }

  /** A worker sent back a copy of listener `index`: keep it, and stop accepting in the master. */
  keeper(index: number, handle: unknown): void {
    const h = handle as RawHandle | undefined;
    if (!h) return;
    if (this.closed || this.keepers.has(index) || this.listeners[index] === undefined) {
      h.close();
      return;
    }
    this.keepers.set(index, h);
    this.listeners[index]!.server.close();
    log('info', `workers accept on ${this.listeners[index]!.bound} (accept = workers); the master only watches its accept queue`);
  }

  /**
   * Graceful shutdown: the connections the kernel holds were accepted, as far as their clients
   * know, and must be served, not reset when the last copy of the socket closes. The master
   * accepts on its copies for one round (the workers were told to stop accepting), hands what it
   * took to `onConnection`, then lets go of them.
   */
  async takeWhatWaits(onConnection: (socket: net.Socket, proto: Listener['proto']) => void): Promise<void> {
    const servers: net.Server[] = [];
    for (const [index, h] of this.keepers) {
      const proto = this.listeners[index]!.proto;
      const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => onConnection(socket, proto));
      server.on('error', (e) => log('warn', `taking the accept queue of ${this.listeners[index]!.bound} at shutdown: ${e.message}`));
      await new Promise<void>((resolve) => server.listen({ handle: h as unknown as net.Server, backlog: this.backlog }, resolve));
      servers.push(server);
    }
    this.keepers.clear();
    // One poll of the event loop accepts everything the kernel holds; a little more lets the
    // workers' own copies close first.
    await new Promise((r) => setTimeout(r, TAKE_OVER_MS));
    for (const server of servers) server.close();
    this.closed = true;
  }

  /** Shutdown: the master lets go of its copies; the workers close theirs as they stop. */
  close(): void {
    this.closed = true;
    for (const h of this.keepers.values()) h.close();
    this.keepers.clear();
  }

  /** Connections waiting in the kernel for a worker to accept them, per listener (0 for UNIX sockets). */
  queueLengths(now = Date.now()): number[] {
    if (now - this.lastRead.at < QUEUE_READ_TTL_MS) return this.lastRead.lengths;
    const known = this.tcp().flatMap(({ index, l }) => (l.endpoint ? [{ index, ...l.endpoint }] : []));
    const read = readAcceptQueues(known);
    const lengths = this.listeners.map(() => 0);
    for (const [i, k] of known.entries()) lengths[k.index] = read[i]!;
    this.lastRead = { at: now, lengths };
    this.warnIfFull(lengths, now);
    return lengths;
  }

  /** Like uWSGI's "listen queue of socket ... full": the kernel drops new connections now. */
  private warnIfFull(lengths: readonly number[], now: number): void {
    const full = lengths.findIndex((n) => n >= this.backlog);
    if (full === -1 || now - this.fullWarnedAt < 10000) return;
    this.fullWarnedAt = now;
    log(
      'warn',
      `the accept queue of ${this.listeners[full]!.bound} is full (${lengths[full]}/${this.backlog}): the kernel drops new connections; raise \`listen\` or add workers`,
    );
  }
}
