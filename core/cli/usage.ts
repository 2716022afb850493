/**
 * What every subcommand's command line shares: one error for a command line that cannot run,
 * and the start of each `main` (parse, or say what is wrong and exit 2, or print --help).
 */
import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line that cannot run: the message names the option, what was expected and what came. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util's parseArgs, strict, its complaints turned into a UsageError that points at --help. */
export function parseStrictArgs<T extends ParseArgsConfig & { strict: true }>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)} (see tidepool ${command} --help)`);
  }
}

export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
}

/**
 * Parse a subcommand's arguments. A UsageError is printed as `tidepool COMMAND: message` and
 * the command is over with status 2; `--help` prints the help and the command is over with 0.
 * Returns the options to run with, or the exit status when there is nothing left to run.
 */
export function parseCommandLine<T extends { help: boolean }>(
  command: string,
  parse: () => T,
  help: () => string,
  io: CommandIo = process,
): Exclude<T, { help: true }> | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`tidepool ${command}: ${err.message}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(help());
    return 0;
  }
  return parsed as Exclude<T, { help: true }>;
}
