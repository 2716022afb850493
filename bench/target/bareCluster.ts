import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BareCluster {
  url: string;
  pids: number[];
  stop(): Promise<void>;
}

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bareClusterMain.js');

/**
 * Start the bare node:http cluster (see bareClusterMain.ts) and wait until it listens; with
 * `appFile`, each worker serves that file's `app` export instead of a constant.
 */
export function startBareCluster(workers: number, timeoutMs = 15000, appFile?: string): Promise<BareCluster> {
  const child = spawn(process.execPath, [MAIN, String(workers), ...(appFile === undefined ? [] : [appFile])], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bare node:http cluster did not listen within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => reject(new Error(`the bare node:http cluster exited with code ${code} before listening`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || line === undefined) return;
      clearTimeout(timer);
      const { port, pids } = JSON.parse(line) as { port: number; pids: number[] };
      resolve({
        url: `http://127.0.0.1:${port}`,
        pids,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => {
              for (const pid of pids) {
                try {
                  process.kill(pid, 'SIGKILL');
                } catch {
                  // already gone
                }
              }
            }, 3000).unref();
          }),
      });
    });
  });
}
