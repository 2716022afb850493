import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BareCluster {
  url: string;
  pids: number[];
  stop(): Promise<void>;
}

/** What the cluster's workers answer (see bareClusterMain.ts). */
export type BareClusterMode = { kind: 'constant' } | { kind: 'model'; modelDir: string; backend: string } | { kind: 'app'; file: string };

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bareClusterMain.js');

/** Start a bare node:http cluster and wait until every worker listens (a model or an app loads first). */
export function startBareCluster(workers: number, mode: BareClusterMode = { kind: 'constant' }, timeoutMs = 60000): Promise<BareCluster> {
  const args = mode.kind === 'constant' ? ['constant'] : mode.kind === 'model' ? ['model', mode.modelDir, mode.backend] : ['app', mode.file];
  const child = spawn(process.execPath, [MAIN, String(workers), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bare node:http cluster (${args[0]}) did not listen within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bare node:http cluster (${args[0]}) exited with code ${code} before listening`));
    });
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
