/**
 * The routes the master answers itself, never touching a worker: liveness, readiness (and
 * /metrics, see stats/). A connection whose first request is one of these stays with the
 * master for that request only, then closes.
 */
import { type AppHandler, type AppResponse, errorResponse, jsonResponse } from '../app/types.js';

export interface AdminFacts {
  pid: number;
  uptimeS: number;
  ready: number;
  busy: number;
  running: number;
  max: number;
  queue: number;
  backend: string;
}

export type ExtraRoute = (method: string) => AppResponse | Promise<AppResponse>;

export const ADMIN_PATHS = new Set(['/healthz', '/readyz']);

export function createAdminRoutes(facts: () => AdminFacts, extra: ReadonlyMap<string, ExtraRoute>): AppHandler {
  return (req) => {
    const route = extra.get(req.path);
    if (route) return route(req.method);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return errorResponse(405, `Method ${req.method} is not allowed on ${req.path}; use GET`, { Allow: 'GET, HEAD' });
    }
    const f = facts();
    if (req.path === '/healthz') return jsonResponse(200, { status: 'ok', ...f });
    if (req.path === '/readyz') {
      return f.ready > 0
        ? jsonResponse(200, { status: 'ready', ...f })
        : jsonResponse(503, { status: 'not ready', error: 'no worker is ready yet (models loading, or all workers down)', ...f }, { 'Retry-After': '1' });
    }
    return errorResponse(404, `No route ${req.path.slice(0, 100)}`);
  };
}
