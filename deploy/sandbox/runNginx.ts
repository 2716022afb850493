/**
 * Start and stop a real nginx on a sandboxed configuration (sandboxConf.ts), by pid.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sandboxNginxConf, sandboxSite, type SandboxConfOptions } from './sandboxConf.js';

/** Debian's parameter files, which a site includes by a path relative to nginx.conf's directory. */
const PARAMS_DIR = '/etc/nginx';

export function nginxBinary(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p;
  throw new Error('nginx is not installed: apt-get install nginx-light (.ci/run does)');
}

/** `nginx -t`: resolves with its report, rejects with it when the configuration is refused. */
export function nginxCheck(confPath: string, errorLog: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(nginxBinary(), ['-t', '-e', errorLog, '-c', confPath], (err, stdout, stderr) => {
      const report = `${stdout}${stderr}`;
      if (err) reject(new Error(`nginx -t refused ${confPath}:\n${report}`));
      else resolve(report);
    });
  });
}

export interface RunningNginx {
  pid: number;
  /** the UNIX socket it listens on */
  socket: string;
  dir: string;
  accessLog(): string;
  errorLog(): string;
  /** SIGQUIT (graceful), SIGKILL if it has not exited in 5 s */
  stop(): Promise<void>;
}

function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Writes `site` (with its listen line moved to `<dir>/nginx.sock` and `paths` moved) and a whole
 * nginx.conf into `dir`, with Debian's `*_params` files beside it as in /etc/nginx, checks them
 * with `nginx -t`, starts nginx and waits for its socket.
 */
export async function startSandboxNginx(
  dir: string,
  site: string,
  paths: Readonly<Record<string, string>> = {},
  conf: Omit<SandboxConfOptions, 'dir' | 'sitePath'> = {},
): Promise<RunningNginx> {
  const socket = path.join(dir, 'nginx.sock');
  const sitePath = path.join(dir, 'site.conf');
  const confPath = path.join(dir, 'nginx.conf');
  const errorLog = path.join(dir, 'error.log');
  fs.writeFileSync(sitePath, sandboxSite(site, socket, paths));
  fs.writeFileSync(confPath, sandboxNginxConf({ ...conf, dir, sitePath }));
  for (const name of fs.readdirSync(PARAMS_DIR).filter((n) => n.endsWith('_params'))) fs.copyFileSync(path.join(PARAMS_DIR, name), path.join(dir, name));
  await nginxCheck(confPath, errorLog);
  const child: ChildProcess = spawn(nginxBinary(), ['-e', errorLog, '-c', confPath], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const read = (name: string) => (): string => {
    try {
      return fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  const running: RunningNginx = {
    pid: child.pid!,
    socket,
    dir,
    accessLog: read('access.log'),
    errorLog: read('error.log'),
    async stop() {
      const workers = childPids(child.pid!);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      const timer = setTimeout(() => {
        // Workers outlive a killed master; end them by pid too.
        for (const pid of [child.pid!, ...workers]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 10000;
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await running.stop();
      throw new Error(`nginx did not start listening on ${socket}:\n${running.errorLog()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return running;
}
