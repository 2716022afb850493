/**
 * `metrics = ADDR`: Prometheus metrics on a listener of their own (a port the firewall lets
 * Prometheus reach while the app port stays behind nginx). Answers GET /metrics, nothing else.
 */
import http from 'node:http';
import { listenOn, vacuumUnix } from '../master/listeners.js';
import { log } from '../log.js';

export interface MetricsServerOptions {
  address: string;
  /** Permission bits of a UNIX socket. */
  mode: number;
  backlog: number;
  vacuum: boolean;
  contentType: string;
  render: () => string;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<{ bound: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: `No route ${path?.slice(0, 100)}; metrics are at /metrics` }));
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'application/json', Allow: 'GET, HEAD' }).end(JSON.stringify({ error: `Method ${req.method} is not allowed on /metrics; use GET` }));
    } else {
      res.writeHead(200, { 'Content-Type': options.contentType }).end(req.method === 'HEAD' ? undefined : options.render());
    }
  });
  server.requestTimeout = 10_000;
  const listener = await listenOn({ proto: 'stats', address: options.address, mode: options.mode, backlog: options.backlog }, (socket) => {
    // listenOn accepts paused sockets; node:http reads them once they flow.
    socket.resume();
    server.emit('connection', socket);
  });
  log('info', `metrics on ${listener.bound} (GET /metrics)`);
  return {
    bound: listener.bound,
    async close() {
      const closed = new Promise<void>((resolve) => listener.server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (options.vacuum) vacuumUnix(listener.address);
    },
  };
}
