/** Starting a worker process: its settings and environment from the config, then the fork. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/index.js';
import { WORKER_SETTINGS_ENV, workerSettingsFrom } from '../../worker/settings.js';

export const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'worker', 'main.js');

/** The master's environment, the worker's settings, then every `env = KEY=VALUE` (last wins). */
export function workerEnv(c: Config, slot: number, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, [WORKER_SETTINGS_ENV]: JSON.stringify(workerSettingsFrom(c, slot)) };
  for (const kv of c.env) {
    const i = kv.indexOf('=');
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

export function forkWorker(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  // execArgv is emptied on purpose: flags given to the master (an inspector, a loader) must
  // not slow down every worker start.
  return fork(script, [], { env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
}
