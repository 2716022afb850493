import { parseStrictArgs, UsageError } from '../core/cli/usage.js';
import { AddressError, parseAddress } from '../core/net/address.js';

export interface TopOptions {
  addresses: string[];
  intervalMs: number;
  timeoutMs: number;
  /** Null: the interactive screen. A number: print that many frames as plain text and exit. */
  frames: number | null;
  /** Print each parsed snapshot as one line of JSON instead of a table. */
  json: boolean;
  help: boolean;
}

export const USAGE = `Usage: tidepool top [options] ADDR [ADDR...]

Watch the workers of one or more tidepool or uWSGI servers through their stats sockets.
ADDR is a UNIX socket path, @abstract, HOST:PORT, or http://HOST:PORT for stats-http.

Options:
  --frequency SECONDS  time between polls (default 1)
  --once               print one plain-text table and exit
  -n N                 print N tables, one per interval, and exit
  --json               print each parsed snapshot as one line of JSON (with --once or -n; alone: once)
  --timeout SECONDS    give up on a read after this long (default 2)
  -h, --help           this text

Exit status: 0 when every address was read, 1 when one could not be, 2 for a bad command line.
In the interactive view press ? for the keys.`;

export function parseTopArgs(argv: readonly string[]): TopOptions {
  const parsed = parseStrictArgs('top', {
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      frequency: { type: 'string' },
      once: { type: 'boolean' },
      n: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (!help && positionals.length === 0) {
    throw new UsageError('Expected at least one stats address, e.g. `tidepool top /run/app/stats.sock` or `tidepool top http://127.0.0.1:9191`, got none');
  }
  for (const address of positionals) {
    try {
      parseAddress(address, 'the stats address');
    } catch (err) {
      if (err instanceof AddressError) throw new UsageError(err.message);
      throw err;
    }
  }
  if (values.once && values.n !== undefined) throw new UsageError('Use either `--once` or `-n N`, not both');
  const frames = values.n !== undefined ? positiveInteger('-n', values.n) : values.once || values.json ? 1 : null;
  return {
    addresses: positionals,
    intervalMs: seconds('--frequency', values.frequency, 1) * 1000,
    timeoutMs: seconds('--timeout', values.timeout, 2) * 1000,
    frames,
    json: values.json ?? false,
    help,
  };
}

function seconds(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`Expected \`${option}\` to be a number of seconds greater than 0, got ${JSON.stringify(text)}`);
  }
  return n;
}

function positiveInteger(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new UsageError(`Expected \`${option}\` to be a whole number of frames >= 1, got ${JSON.stringify(text)}`);
  return n;
}
