/** Run a program to its end and keep what it said: the deploy tests drive real CLIs this way. */
import { execFile } from 'node:child_process';

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** run it as this user and group (the test runs as root) */
  uid?: number;
  gid?: number;
}

export function runProgram(file: string, args: readonly string[], options: RunOptions = {}): Promise<ProgramRun> {
  return new Promise((resolve) => {
    execFile(file, [...args], options, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}
