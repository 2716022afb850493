import path from 'node:path';
import type { LoadOptions } from '../../models/index.js';
import type { Config } from '../config/index.js';
import type { AppTarget } from '../userApp/resolveApp.js';
import type { LogFormat } from './accessLog.js';
import { ADMIN_PATHS } from '../master/adminRoutes.js';
import { acceptMode, type AcceptMode } from '../config/options.js';

/** What the master tells a worker process at spawn (passed as JSON in TIDEPOOL_WORKER). */
export interface WorkerSettings {
  slot: number;
  /** the user's app (`file`, resolved by the master at start), or null for the built-in /predict */
  app: AppTarget | null;
  /** The model file or directory, and how to read and run it */
  model: string;
  modelOptions: LoadOptions;
  simulateLatencyMs: number;
  maxBodySize: number;
  maxBatch: number;
  batchMaxSize: number;
  /** the master's own routes, forwarded to it when they reach the worker (worker/adminForward.ts) */
  adminPaths: string[];
  /** who accepts TCP connections: with `workers`, this worker accepts on the listeners the master sends, and reports on a timer */
  accept: AcceptMode;
  batchMaxDelayUs: number;
  accessLog: boolean;
  logFormat: LogFormat;
  maxRequests: number;
  minWorkerLifetimeS: number;
  maxWorkerLifetimeS: number;
  reloadOnRssMb: number;
}

/**
 * The settings of the worker in `slot`. The master passes them on without reading them, so a
 * worker-side option (the app, the model) is added here alone. `file` is the app the master
 * resolved at start (serve.ts): an absolute path, or '' for the built-in app.
 */
export function workerSettingsFrom(c: Config, slot: number): WorkerSettings {
  return {
    slot,
    app: c.file === '' ? null : { file: c.file, callable: c.callable },
    ...modelSettings(c),
    simulateLatencyMs: c['simulate-latency'],
    maxBodySize: c['max-body-size'],
    maxBatch: c['max-batch'],
    batchMaxSize: c['batch-max-size'],
    adminPaths: [...ADMIN_PATHS, ...(c.metrics === '' ? ['/metrics'] : [])],
    accept: acceptMode(c.accept),
    batchMaxDelayUs: c['batch-max-delay'],
    accessLog: !c['disable-logging'],
    logFormat: c['log-format'],
    maxRequests: c['max-requests'],
    minWorkerLifetimeS: c['min-worker-lifetime'],
    maxWorkerLifetimeS: c['max-worker-lifetime'],
    reloadOnRssMb: c['reload-on-rss'],
  };
}

/**
 * The model options of the configuration as loadPredictor() takes them. Paths are absolute, so a
 * worker reads the very files the master was told about.
 */
export function modelSettings(c: Config): Pick<WorkerSettings, 'model' | 'modelOptions'> {
  const file = (value: string) => (value === '' ? undefined : path.resolve(value));
  const wordIndex = file(c['word-index']);
  return {
    model: c.model,
    modelOptions: {
      backend: c.backend,
      ...(wordIndex ? { text: { wordIndex, numWords: c['num-words'], mode: c['text-mode'], encoding: c['text-encoding'] } } : {}),
      ...(c.labels ? { labels: file(c.labels) } : {}),
      output: c.output,
    },
  };
}

/** A worker that cannot load its model (or the user's app) exits with this code; the master says so in words. */
export const MODEL_LOAD_FAILED_EXIT = 3;

/** A worker whose app crashed the process (an uncaught exception) exits with node's own code for it. */
export const APP_CRASHED_EXIT = 1;

export const WORKER_SETTINGS_ENV = 'TIDEPOOL_WORKER_SETTINGS';

export function readWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  const raw = env[WORKER_SETTINGS_ENV];
  if (!raw) throw new Error(`${WORKER_SETTINGS_ENV} is not set: worker processes are started by the tidepool master, not by hand`);
  return JSON.parse(raw) as WorkerSettings;
}

/** How often a saturated worker refreshes the start time of its current request (see worker/main.ts). */
export const REPORT_EVERY_MS = 50;
