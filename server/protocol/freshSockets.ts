/**
 * accept = workers: the connections a worker has taken whose first request has not started: its
 * share of the queue, and what its room is counted in (worker/directAccept.ts). A connection still
 * silent two turns of the event loop after it arrived has had its bytes read if there were any
 * (each turn polls every socket), so its client has not written yet (a browser's preconnect, a
 * health check's bare connect): it waits for nobody, and leaves the count.
 */
import type net from 'node:net';

export class FreshSockets {
  private readonly sockets = new Set<net.Socket>();

  add(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    setImmediate(() => setImmediate(() => this.sockets.delete(socket)));
  }

  /** Its first request started (or, uwsgi, its request head arrived). */
  started(socket: net.Socket): void {
    this.sockets.delete(socket);
  }

  get size(): number {
    return this.sockets.size;
  }
}
