import net from 'node:net';
import { formatAddress, listenTarget, type Address } from '../net/address.js';
import type { PoolEvent } from './schema.js';
import { parsePoolEvent } from './parseStats.js';

export type StreamEnd =
  /** The server closed the stream: follow again later. */
  | 'closed'
  /** The server answered /events with something else (uWSGI sends its document): stop trying. */
  | 'unsupported';

export interface EventStreamHandlers {
  onEvents(events: PoolEvent[]): void;
  onEnd(end: StreamEnd, message: string): void;
}

/**
 * Follows tidepool's live event stream: on a stats-http address, `GET /events` answers with
 * newline-delimited PoolEvents for as long as the connection stays open. Returns a stop function.
 */
export function followEvents(address: Extract<Address, { kind: 'http' }>, handlers: EventStreamHandlers): () => void {
  const name = formatAddress(address);
  const socket = net.connect(listenTarget(address));
  let ended = false;
  let head: string | null = '';
  let rest = '';
  let sawEvent = false;

  const end = (how: StreamEnd, message: string) => {
    if (ended) return;
    ended = true;
    socket.destroy();
    handlers.onEnd(how, `${name}: ${message}`);
  };

  socket.setEncoding('utf8');
  socket.on('connect', () => socket.write('GET /events HTTP/1.0\r\n\r\n'));
  socket.on('data', (chunk: string) => {
    if (head !== null) {
      head += chunk;
      const bodyAt = head.indexOf('\r\n\r\n');
      if (bodyAt < 0) return;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (status?.[1] !== '200') return end('unsupported', `/events answered ${JSON.stringify(head.split('\r\n')[0])}`);
      chunk = head.slice(bodyAt + 4);
      head = null;
    }
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    const events: PoolEvent[] = [];
    for (const text of lines) {
      if (text.trim() === '') continue;
      try {
        events.push(parsePoolEvent(JSON.parse(text), `${name}/events`));
        sawEvent = true;
      } catch (err) {
        // A uWSGI stats-http server answers every path with its (multi-line) document.
        if (!sawEvent) return end('unsupported', `/events is not an event stream: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (events.length > 0) handlers.onEvents(events);
  });
  // A server that closes before answering has no stream: following it again would only spin.
  socket.on('end', () => (head !== null ? end('unsupported', '/events closed without an answer') : end('closed', 'the event stream closed')));
  socket.on('error', (err) => end('closed', `event stream: ${err.message}`));
  return () => {
    ended = true;
    socket.destroy();
  };
}
