/**
 * The master's own routes (/healthz, /readyz, and /metrics on the app listener) answer with the
 * whole pool's facts, which only the master has. A request for one that reaches a worker (on a
 * kept-alive connection, or on every connection with accept = workers) is forwarded to the master
 * over IPC and its answer relayed, so that the same request gets the same answer wherever it lands.
 */
import { type AppRequest, type AppResponse, errorResponse } from '../app/types.js';
import type { MasterMessage, WorkerMessage } from '../ipc/messages.js';

/** A master that does not answer in this time is stuck or gone: the client hears it, not a hang. */
export const ADMIN_ANSWER_TIMEOUT_MS = 5000;

export class AdminForward {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: AppResponse) => void>();

  constructor(
    private readonly paths: ReadonlySet<string>,
    private readonly send: (m: WorkerMessage) => void,
  ) {}

  handles(path: string): boolean {
    return this.paths.has(path);
  }

  ask(req: AppRequest): Promise<AppResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(errorResponse(504, `The master did not answer ${req.method} ${req.path} within ${ADMIN_ANSWER_TIMEOUT_MS / 1000} s`));
      }, ADMIN_ANSWER_TIMEOUT_MS);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      const { method, path, query, headers } = req;
      this.send({ t: 'admin', id, req: { method, path, query, headers, body: req.body.toString('base64') } });
    });
  }

  answer(m: Extract<MasterMessage, { t: 'admin-answer' }>): void {
    const done = this.waiting.get(m.id);
    if (!done) return;
    this.waiting.delete(m.id);
    done({ status: m.status, headers: m.headers, body: m.body });
  }
}
