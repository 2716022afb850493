import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { TIDEPOOL_CLI } from '../../core/paths.js';

export const CLI = TIDEPOOL_CLI;

export interface StartedServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The private stats socket (plain mode, read to EOF). */
  stats: string;
  pid: number;
  /** The options after `serve` that the bench chose. */
  args: string[];
  /** What the master and its workers wrote (the last 256 KiB). */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`, then SIGKILL to every worker still alive. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readyTimeoutMs?: number;
  /** Ctrl-C while starting: the server is stopped and start() throws. */
  signal?: AbortSignal;
}

const live = new Set<StartedServer>();
const LOG_LIMIT = 256 * 1024;

/** Stops every server still running (Ctrl-C, a second Ctrl-C, an error that skipped a finally). */
export async function stopAllServers(graceMs?: number): Promise<void> {
  await Promise.all([...live].map((s) => s.stop(graceMs)));
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `tidepool serve` as a child: HTTP on a port the OS picks on 127.0.0.1, a stats socket in
 * a private temp dir, no access log. TIDEPOOL_* variables of the bench's own environment are not
 * passed on: the options the bench chose are the whole configuration. Resolves once /readyz is 200
 * and every worker started at boot is ready.
 */
export async function startTidepool(args: readonly string[], options: StartOptions = {}): Promise<StartedServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidepool-bench-'));
  const stats = path.join(dir, 'stats.sock');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIDEPOOL_')));
  const argv = [CLI, 'serve', '--http', '127.0.0.1:0', '--stats', stats, '--disable-logging', '--stats-events', '2000', ...args];
  const child = spawn(process.execPath, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > LOG_LIMIT) out = out.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exitedEarly = exited.then(() => {
    throw new Error(`tidepool serve ${args.join(' ')} exited with ${describeExit(child.exitCode, child.signalCode)} before it was ready:\n${tail(out)}`);
  });
  exitedEarly.catch(() => {});

  const workerPids = new Set<number>();
  const learnPids = async () => {
    for (const m of out.matchAll(/spawn: worker \d+ \(pid (\d+)\)/g)) workerPids.add(Number(m[1]));
    const snapshot = await fetchStats(stats, { timeoutMs: 1000 }).catch(() => null);
    for (const w of snapshot?.stats.workers ?? []) if (w.pid > 0) workerPids.add(w.pid);
  };

  let stopping: Promise<void> | undefined;
  const server: StartedServer = {
    url: '',
    stats,
    pid: child.pid!,
    args: [...args],
    log: () => out,
    stop(graceMs = 10000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          await learnPids();
          child.kill('SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
          clearTimeout(timer);
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGKILL');
            await exited;
          }
        }
        // A master killed before it could stop its workers leaves them orphaned: kill them by pid.
        for (const pid of workerPids) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
        live.delete(server);
        fs.rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  live.add(server);

  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60000);
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new Error('interrupted while the server was starting'));
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      void exited.then(() => options.signal?.removeEventListener('abort', onAbort));
    });
    aborted.catch(() => {});
    const until = <T>(p: Promise<T>) => Promise.race([p, exitedEarly, aborted]);
    const listening = async (): Promise<string> => {
      for (;;) {
        const m = /listening on (127\.0\.0\.1:\d+) \(HTTP\)/.exec(out);
        if (m) return `http://${m[1]}`;
        if (Date.now() > deadline) throw new Error(`tidepool serve did not say where it listens within ${options.readyTimeoutMs ?? 60000} ms:\n${tail(out)}`);
        await sleep(50);
      }
    };
    server.url = await until(listening());
    await until(waitReady(server.url, deadline));
    // /readyz is 200 with one worker ready; a run that starts while the others still load
    // measures the boot, not the pool the options describe.
    await until(waitAllReady(stats, deadline));
  } catch (err) {
    await server.stop(2000);
    throw err;
  }
  return server;
}

async function waitReady(url: string, deadline: number): Promise<void> {
  for (;;) {
    const status = await getStatus(`${url}/readyz`).catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/readyz did not answer 200 in time (last status ${status || 'none'})`);
    await sleep(100);
  }
}

async function waitAllReady(stats: string, deadline: number): Promise<void> {
  for (;;) {
    const snapshot = await fetchStats(stats, { timeoutMs: 1000 }).catch(() => null);
    if (snapshot && snapshot.counts.running > 0 && snapshot.counts.ready >= snapshot.counts.running) return;
    if (Date.now() > deadline) {
      const c = snapshot?.counts;
      throw new Error(`the workers were not all ready in time (${c ? `${c.ready} of ${c.running} ready` : 'stats socket unreadable'})`);
    }
    await sleep(100);
  }
}

export function getStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
