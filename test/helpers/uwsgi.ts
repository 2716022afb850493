/**
 * A real uWSGI 2.0 (Debian's uwsgi-core and uwsgi-plugin-python3, installed by .ci/run) running
 * the classic shape: a master, a cheaper-managed pool, an HTTP socket on a port from the OS and a
 * stats socket in a temp dir. The app is a WSGI function that sleeps for the service time and
 * sets no Content-Length, as a bare WSGI app does (the answer ends with the connection).
 * Stopped by pid: SIGTERM (die-on-term), then SIGKILL for the master and every worker it had.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive, tempDir, waitFor } from './server.js';

export const UWSGI_PYTHON_PLUGIN = '/usr/lib/uwsgi/plugins/python3_plugin.so';

/** Why real uWSGI cannot run here, or null when it can. */
export function uwsgiMissing(): string | null {
  if (spawnSync('uwsgi', ['--version']).status !== 0) return 'uwsgi is not installed (apt-get install -y uwsgi-core uwsgi-plugin-python3; .ci/run does it)';
  if (!fs.existsSync(UWSGI_PYTHON_PLUGIN)) return `${UWSGI_PYTHON_PLUGIN} is missing (apt-get install -y uwsgi-plugin-python3; .ci/run does it)`;
  return null;
}

export interface RealUwsgi {
  pid: number;
  url: string;
  stats: string;
  log(): string;
  /** Worker pids seen so far (from the log), so that stop() can leave none behind. */
  workerPids(): number[];
  stop(): Promise<void>;
}

export interface UwsgiOptions {
  workers: number;
  cheaper: number;
  cheaperInitial: number;
  algo: 'spare' | 'spare2' | 'busyness' | 'backlog';
  serviceMs: number;
  extra?: string[];
}

const APP = (serviceMs: number): string => `import time

def application(env, start_response):
    time.sleep(${serviceMs / 1000})
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [b'{"prediction": "3"}']
`;

const running = new Set<RealUwsgi>();

export async function stopAllUwsgi(): Promise<void> {
  await Promise.all([...running].map((u) => u.stop()));
}

export async function startUwsgi(o: UwsgiOptions): Promise<RealUwsgi> {
  const dir = tempDir('tidepool-uwsgi-');
  fs.writeFileSync(path.join(dir, 'app.py'), APP(o.serviceMs));
  const stats = path.join(dir, 'stats.sock');
  const args = [
    '--plugin',
    'python3',
    '--master',
    '--die-on-term',
    '--http-socket',
    '127.0.0.1:0',
    '--wsgi-file',
    path.join(dir, 'app.py'),
    '--stats',
    stats,
    '--workers',
    String(o.workers),
    '--cheaper',
    String(o.cheaper),
    '--cheaper-initial',
    String(o.cheaperInitial),
    '--cheaper-algo',
    o.algo,
    '--reload-mercy',
    '2',
    '--worker-reload-mercy',
    '2',
    ...(o.extra ?? []),
  ];
  const child = spawn('uwsgi', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const workerPids = (): number[] => [...out.matchAll(/spawned uWSGI worker \d+ \(pid: (\d+)/g)].map((m) => Number(m[1]));
  const u: RealUwsgi = {
    pid: child.pid!,
    url: '',
    stats,
    log: () => out,
    workerPids,
    async stop() {
      running.delete(u);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      for (const pid of workerPids()) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(u);
  const port = await waitFor('uWSGI to bind its HTTP socket', () => /bound to TCP address 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 10_000).catch((e: Error) => {
    throw new Error(`${e.message}; uWSGI printed:\n${out}`);
  });
  await waitFor('the stats socket', () => fs.existsSync(stats), 10_000);
  return Object.assign(u, { url: `http://127.0.0.1:${port}` });
}
