/**
 * `GET /events` on the stats-http socket: the pool's events as newline-delimited JSON, first
 * the recent ones, then each new one as it happens, until the reader leaves.
 */
import type net from 'node:net';
import type { PoolEvent } from '../../core/stats/schema.js';
import { log } from '../log.js';

/** Where events come from: the master's PoolEvents. */
export interface EventSource {
  recent(): PoolEvent[];
  on(name: 'event', listener: (e: PoolEvent) => void): unknown;
  off(name: 'event', listener: (e: PoolEvent) => void): unknown;
}

export const EVENT_STREAM_HEAD =
  'HTTP/1.0 200 OK\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n' + 'Content-Type: application/x-ndjson\r\nCache-Control: no-store\r\n\r\n';

/**
 * Streams events to `socket`. The master never waits for a reader: events are written without
 * regard to backpressure, and a reader that falls more than `maxBacklogBytes` behind (its
 * unsent bytes pile up in the master) is disconnected; it can reconnect and dedupe by `seq`.
 */
export function followEvents(socket: net.Socket, source: EventSource, maxBacklogBytes: number): void {
  const send = (e: PoolEvent): void => {
    if (socket.destroyed) return;
    if (socket.writableLength > maxBacklogBytes) {
      log('warn', `stats: dropped an /events reader ${socket.writableLength} bytes behind (limit ${maxBacklogBytes}); it was not reading`);
      socket.destroy();
      return;
    }
    socket.write(JSON.stringify(e) + '\n');
  };
  // A reader that shuts down its sending side after the request (`nc -N`) still follows.
  socket.allowHalfOpen = true;
  socket.write(EVENT_STREAM_HEAD);
  for (const e of source.recent()) send(e);
  source.on('event', send);
  socket.once('close', () => source.off('event', send));
}
