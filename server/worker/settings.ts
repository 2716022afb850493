import type { BackendRequest } from '../../models/index.js';
import type { LogFormat } from './accessLog.js';

/** What the master tells a worker process at spawn (passed as JSON in TIDEPOOL_WORKER). */
export interface WorkerSettings {
  slot: number;
  modelDir: string;
  backend: BackendRequest;
  simulateLatencyMs: number;
  maxBodySize: number;
  maxBatch: number;
  batchMaxSize: number;
  /** the master answers /metrics on the app listeners (metrics = ''), not on an address of its own */
  metricsOnAppListener: boolean;
  batchMaxDelayUs: number;
  accessLog: boolean;
  logFormat: LogFormat;
  maxRequests: number;
  minWorkerLifetimeS: number;
  maxWorkerLifetimeS: number;
  reloadOnRssMb: number;
}

/** A worker that cannot load its model exits with this code; the master says so in words. */
export const MODEL_LOAD_FAILED_EXIT = 3;

export const WORKER_SETTINGS_ENV = 'TIDEPOOL_WORKER_SETTINGS';

export function readWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  const raw = env[WORKER_SETTINGS_ENV];
  if (!raw) throw new Error(`${WORKER_SETTINGS_ENV} is not set: worker processes are started by the tidepool master, not by hand`);
  return JSON.parse(raw) as WorkerSettings;
}

/** How often a saturated worker refreshes the start time of its current request (see worker/main.ts). */
export const REPORT_EVERY_MS = 50;
