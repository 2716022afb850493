/**
 * `metrics = ADDR`: Prometheus metrics on a listener of their own (a port the firewall lets
 * Prometheus reach while the app port stays behind nginx). Answers GET /metrics, nothing else.
 */
import http from 'node:http';
import { listenOn, vacuumUnix } from '../master/accept/listeners.js';
import { log } from '../log.js';
import { type AppResponse, errorResponse, settle } from '../app/types.js';

export interface MetricsServerOptions {
  address: string;
  /** Permission bits of a UNIX socket. */
  mode: number;
  backlog: number;
  vacuum: boolean;
  /** The /metrics route: the same answer the app listener gives (405 for other methods). */
  route: (method: string) => AppResponse | Promise<AppResponse>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<{ bound: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const send = (r: AppResponse): void => {
      if (res.destroyed) return;
      res.writeHead(r.status, r.headers).end(method === 'HEAD' ? undefined : r.body);
    };
    if (path !== '/metrics') return send(errorResponse(404, `No route ${path.slice(0, 100)}; metrics are at /metrics`));
    settle(
      () => options.route(method),
      send,
      (e) => send(errorResponse(500, `metrics could not be rendered: ${(e as Error).message}`)),
    );
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
