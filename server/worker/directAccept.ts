/**
 * accept = workers: the worker accepts on the master's listening sockets itself. The master sends
 * each TCP listener's handle once the worker is ready; the worker listens on it (the same socket:
 * every worker's accept takes from the one kernel queue) and, when asked, sends a copy back for
 * the master to keep (master/accept/sharedAccept.ts).
 *
 * Node accepts every connection the kernel holds whenever the event loop polls (it cannot take
 * one at a time, as a uWSGI worker does), so a worker that was busy may come back with many. A
 * connection it has no room for (`hasRoom`: the capacity the master's dispatch would give it)
 * while another worker is idle (`othersIdle`, the master's word) goes, unread, to the master's
 * queue, which hands it to the idle worker. When every worker is busy it stays: it would wait
 * anywhere, and here it waits without a hop.
 */
import net from 'node:net';
import type { MasterMessage, Protocol, WorkerMessage } from '../ipc/messages.js';

type ListenOrder = Extract<MasterMessage, { t: 'listen' }>;

export interface DirectAcceptPorts {
  /** start serving a connection */
  serve(proto: Protocol, socket: net.Socket): void;
  /** whether the worker has room for one more connection now */
  hasRoom(): boolean;
  /** whether the master said another worker is idle */
  othersIdle(): boolean;
  send(m: WorkerMessage, handle?: unknown): void;
  warn(message: string): void;
}

export class DirectAccept {
  private readonly servers: net.Server[] = [];
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
    if (this.ports.hasRoom() || !this.ports.othersIdle()) {
      this.ports.serve(proto, socket);
      return;
    }
    this.ports.send({ t: 'spilled', proto }, socket);
  }

  /** Stop: take no new connection (the socket stays open in the master and the other workers). */
  close(): void {
    this.closed = true;
    for (const s of this.servers.splice(0)) s.close();
  }
}
