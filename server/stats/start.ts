/**
 * The stats listeners of a running master: the uWSGI stats socket (`stats`, `stats-http`,
 * `stats-minified`) with its event stream, and `metrics = ADDR` when Prometheus metrics get a
 * listener of their own (otherwise the master answers /metrics on its HTTP listeners).
 */
import { log } from '../log.js';
import type { Master } from '../master/master.js';
import { freshFor } from './freshFor.js';
import { startMetricsServer } from './metricsServer.js';
import { startStatsServer } from './statsServer.js';
import { formatUwsgiJson } from './uwsgiJson.js';

/** One build serves every reader that connects within this window. */
const DOCUMENT_CACHE_MS = 100;

/** Sockets are owner-only unless `chmod-socket` says otherwise: the stats tell a lot about the host. */
const DEFAULT_SOCKET_MODE = 0o600;

/**
 * Starts the stats socket (when `stats` is set) and the metrics listener (when `metrics` is).
 * Resolves null when an address cannot be bound: the error is logged and the master is shutting
 * down with exit code 1 (`master.exited` resolves once its workers are gone).
 */
export async function startStats(master: Master): Promise<{ close(): Promise<void> } | null> {
  const c = master.config;
  const mode = c['chmod-socket'] ?? DEFAULT_SOCKET_MODE;
  const closers: Array<() => Promise<void>> = [];
  try {
    if (c.metrics !== '') {
      const server = await startMetricsServer({
        address: c.metrics,
        mode,
        backlog: c.listen,
        vacuum: c.vacuum,
        route: (method) => master.metrics.route(method),
      });
      closers.push(() => server.close());
    }
    if (c.stats !== '') {
      const document = freshFor(DOCUMENT_CACHE_MS, () => Buffer.from(formatUwsgiJson(master.statsDocument(), c['stats-minified'])));
      const server = await startStatsServer({
        address: c.stats,
        http: c['stats-http'],
        mode,
        backlog: c.listen,
        vacuum: c.vacuum,
        document,
        events: master.events,
      });
      closers.push(() => server.close());
    }
  } catch (e) {
    // A stats or metrics address that cannot be bound (in use, no permission) is a
    // configuration error, as for the app listeners: say which, and stop the master cleanly;
    // its workers are already starting, so throwing here would leave them running.
    await closeAll(closers);
    log('error', `${(e as Error).message}; stopping`);
    void master.shutdown('the stats layer could not start', 1);
    return null;
  }
  return { close: () => closeAll(closers) };
}

async function closeAll(closers: ReadonlyArray<() => Promise<void>>): Promise<void> {
  await Promise.all(closers.map((close) => close()));
}
