/**
 * Start the real tidepool master (compiled CLI) as a child process for a test, wait until it
 * is ready, and clean up every process it started, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, type Reply } from './http.js';
import { TIDEPOOL_CLI } from '../../core/paths.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = TIDEPOOL_CLI;

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  dir: string;
  http: string;
  stats: string;
  /** everything the master and its workers wrote to stderr and stdout so far */
  log(): string;
  waitForLog(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  get(pathAndQuery: string): Promise<Reply>;
  /** pids of the workers alive now, from the spawn/exit events in the log */
  workerPids(): number[];
  /** stop with a signal and wait for the exit code (SIGKILL after the timeout) */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

const running = new Set<RunningServer>();

export function tempDir(prefix = 'tidepool-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

import { pidAlive } from '../../bench/target/startTidepool.js';

export { pidAlive };

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface StartOptions {
  /** extra CLI arguments after `serve` */
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** do not pass --http/--stats (the args or an ini give them) */
  noDefaults?: boolean;
  /** wait for /readyz on this UNIX path instead of <dir>/http.sock */
  readyPath?: string;
  /** skip waiting for readiness */
  noWait?: boolean;
  readyTimeoutMs?: number;
  /** start it as this user and group (the test runs as root), as a systemd unit's User=/Group= would */
  uid?: number;
  gid?: number;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const dir = tempDir();
  const http = path.join(dir, 'http.sock');
  const stats = path.join(dir, 'stats.sock');
  const base = options.noDefaults ? [] : ['--http', http, '--stats', stats, '--disable-logging'];
  const child = spawn(process.execPath, [CLI, 'serve', ...base, ...(options.args ?? [])], {
    cwd: options.cwd ?? dir,
    env: { ...process.env, ...options.env },
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pids = new Set<number>();
  const server: RunningServer = {
    child,
    pid: child.pid!,
    dir,
    http,
    stats,
    log: () => out,
    waitForLog: (re, timeoutMs = 15000) =>
      waitFor(`log line ${re}`, () => re.exec(out), timeoutMs).catch((e: Error) => {
        throw new Error(`${e.message}; the server's log ends with:\n${out.split('\n').slice(-25).join('\n')}`);
      }),
    get: (p) => request({ socketPath: options.readyPath ?? http }, p),
    workerPids() {
      for (const m of out.matchAll(/spawn: worker \d+ \(pid (\d+)\)/g)) pids.add(Number(m[1]));
      return [...pids].filter(pidAlive);
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15000) {
      const workers = server.workerPids();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      for (const pid of workers) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      running.delete(server);
      return code;
    },
  };
  running.add(server);
  if (!options.noWait) {
    const readyPath = options.readyPath ?? http;
    try {
      await waitFor(
        'the server and its boot workers to be ready',
        async () => {
          if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}:\n${out}`);
          if (!fs.existsSync(readyPath)) return false;
          const r = await request({ socketPath: readyPath }, '/readyz').catch(() => null);
          // Every worker started at boot has loaded its model (tests count on all of them).
          return r?.status === 200 && r.json().ready === r.json().running;
        },
        options.readyTimeoutMs ?? 30000,
        100,
      );
    } catch (e) {
      await server.stop('SIGKILL');
      throw e;
    }
  }
  return server;
}

/** Kill whatever a test left running (registered with node:test's after hooks). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop('SIGKILL')));
}
