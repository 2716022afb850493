/** The built `tidepool bench` as a user runs it, for tests: to the end, or interrupted with Ctrl-C. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { CLI } from './server.js';

export interface BenchOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The bench to its end; stopped as a user would (SIGTERM: it stops its servers) if it overruns, and killed only if that fails. */
export function runBench(args: string[], timeoutMs = 120000): Promise<BenchOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 15000);
      reject(new Error(`bench ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningBench {
  child: ChildProcess;
  /** what it wrote to stderr so far */
  stderr(): string;
  /** SIGINT, as Ctrl-C; resolves with the exit code (rejects if it does not exit within 30 s) */
  interrupt(): Promise<number | null>;
}

/** The bench started and left running, to be interrupted; the caller kills `child` in a finally. */
export function startBench(args: string[]): RunningBench {
  const child = spawn(process.execPath, [CLI, 'bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    interrupt() {
      child.kill('SIGINT');
      return Promise.race([
        exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 30 s:\n${stderr.slice(-2000)}`)), 30000).unref()),
      ]);
    },
  };
}

/** The pids of a process's children, from /proc (none once it is gone). */
export function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
