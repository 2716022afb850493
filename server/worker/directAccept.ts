/**
 * accept = workers: the worker accepts on the master's listening sockets itself. The master sends
 * each TCP listener's handle once the worker is ready; the worker listens on it (the same socket:
 * every worker's accept takes from the one kernel queue) and, when asked, sends a copy back for
 * the master to keep (master/accept/sharedAccept.ts).
 *
 * Node accepts every connection the kernel holds whenever the event loop polls (it cannot take
 * one at a time, as a uWSGI worker does), so a worker that was busy may come back with many.
 * It starts only what it has room for (`hasRoom`, the same capacity the master's dispatch gives a
 * worker) and holds the rest unread: they are its share of the queue, told in its tallies. It
 * starts them as room frees; when the master says other workers are idle it passes them to the
 * master's queue (`spill`), and when it stops it passes all of them, so none is lost.
 */
import net from 'node:net';
import type { MasterMessage, Protocol, WorkerMessage } from '../ipc/messages.js';

type ListenOrder = Extract<MasterMessage, { t: 'listen' }>;

interface Held {
  proto: Protocol;
  socket: net.Socket;
}

export interface DirectAcceptPorts {
  /** start serving a connection */
  serve(proto: Protocol, socket: net.Socket): void;
  /** whether the worker has room for one more connection now */
  hasRoom(): boolean;
  send(m: WorkerMessage, handle?: unknown): void;
  warn(message: string): void;
}

export class DirectAccept {
  private readonly servers: net.Server[] = [];
  private readonly held: Held[] = [];
  private closed = false;

  constructor(private readonly ports: DirectAcceptPorts) {}

  listen(order: ListenOrder, handle: unknown): void {
    if (!handle) return;
    if (this.closed) {
      (handle as { close(): void }).close();
      return;
    }
    // noDelay as node:http's own servers: an answer goes out at once, not after the client's ACK.
    // pauseOnConnect: nothing is read from a connection until it is served (or passed on whole).
    const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accepted(order.proto, socket));
    server.on('error', (e) => this.ports.warn(`accepting on listener ${order.index}: ${e.message}`));
    server.listen({ handle: handle as net.Server, backlog: order.backlog }, () => {
      if (order.keep) this.ports.send({ t: 'keeper', index: order.index }, handle);
    });
    this.servers.push(server);
  }

  private accepted(proto: Protocol, socket: net.Socket): void {
    if (this.held.length === 0 && this.ports.hasRoom()) {
      this.ports.serve(proto, socket);
      return;
    }
    const h = { proto, socket };
    this.held.push(h);
    socket.once('close', () => this.drop(h));
    socket.on('error', () => socket.destroy());
  }

  private drop(h: Held): void {
    const i = this.held.indexOf(h);
    if (i !== -1) this.held.splice(i, 1);
  }

  /** Room freed: start the held connections it has room for, oldest first. */
  next(): void {
    while (this.held.length > 0 && this.ports.hasRoom()) {
      const h = this.held.shift()!;
      h.socket.removeAllListeners('close');
      h.socket.removeAllListeners('error');
      if (!h.socket.destroyed) this.ports.serve(h.proto, h.socket);
    }
  }

  /** Connections held unread. */
  waiting(): number {
    return this.held.length;
  }

  /** Pass up to `count` held connections (the newest: the oldest start here first) to the master's queue. */
  spill(count = this.held.length): void {
    for (const h of this.held.splice(Math.max(0, this.held.length - count))) {
      h.socket.removeAllListeners('close');
      if (h.socket.destroyed) continue;
      this.ports.send({ t: 'spilled', proto: h.proto }, h.socket);
    }
  }

  /** Stop: take no new connection (the socket stays open in the master and the other workers), and pass on the held ones. */
  close(): void {
    this.closed = true;
    for (const s of this.servers.splice(0)) s.close();
    this.spill();
  }
}
