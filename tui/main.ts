import type { Writable } from 'node:stream';
import { runBatch } from './batch/runBatch.js';
import { parseCommandLine } from '../core/cli/usage.js';
import { parseTopArgs, USAGE, type TopOptions } from './options.js';
import { startDashboardScreen } from './screen/dashboardScreen.js';

export interface TopIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
}

/**
 * `tidepool top ADDR...`: the dashboard, or with --once / -n / --json plain output. Resolves
 * with the exit status; never exits the process itself (the CLI dispatcher does).
 */
export async function main(argv: string[], io: TopIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const options = parseCommandLine(
    'top',
    () => parseTopArgs(argv),
    () => USAGE + '\n',
    io,
  );
  if (typeof options === 'number') return options;
  if (options.frames !== null) {
    return runBatch({ ...options, frames: options.frames }, io.stdout, io.stderr);
  }
  if (!io.stdout.isTTY) {
    io.stderr.write('tidepool top: stdout is not a terminal; use --once, -n N or --json for plain output\n');
    return 2;
  }
  return runInteractive(options);
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/** The dashboard on this process's terminal, closed cleanly on a signal or a crash. */
async function runInteractive(options: TopOptions): Promise<number> {
  const app = startDashboardScreen({ addresses: options.addresses, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs });
  const onSignal = (signal: NodeJS.Signals) => app.quit(128 + (SIGNALS[signal] ?? 0));
  const onCrash = (err: unknown) => app.quit(1, err);
  const onExit = () => app.quit(0);
  for (const signal of Object.keys(SIGNALS) as NodeJS.Signals[]) process.on(signal, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', onExit);
  try {
    return await app.done;
  } finally {
    for (const signal of Object.keys(SIGNALS) as NodeJS.Signals[]) process.off(signal, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', onExit);
  }
}
