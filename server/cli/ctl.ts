/**
 * `tidepool ctl [--fifo PATH | --ini FILE] COMMAND`: writes a master FIFO command for the user.
 */
import fs from 'node:fs';
import { loadConfig, ConfigError } from '../config/index.js';
import { FIFO_COMMANDS, commandFromWord } from '../master/fifoCommands.js';

function usage(): string {
  const rows = Object.entries(FIFO_COMMANDS).map(([b, c]) => `  ${c.name.padEnd(15)} (${b})  ${c.help}`);
  return `usage: tidepool ctl [--fifo PATH | --ini FILE] COMMAND\n\ncommands:\n${rows.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    process.stdout.write(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const word = argv[argv.length - 1]!;
  const command = commandFromWord(word);
  if (!command) {
    process.stderr.write(`tidepool ctl: unknown command ${JSON.stringify(word)}\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(0, -1);
  let fifo: string | undefined;
  const i = rest.indexOf('--fifo');
  if (i !== -1) {
    fifo = rest[i + 1];
    rest.splice(i, 2);
  }
  if (fifo === undefined) {
    try {
      fifo = loadConfig(rest, process.env, process.cwd()).config['master-fifo'] || undefined;
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(`tidepool ctl: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  }
  if (!fifo) {
    process.stderr.write('tidepool ctl: no master FIFO: pass --fifo PATH, or --ini FILE with a `master-fifo` option\n');
    return 2;
  }
  let fd: number;
  try {
    // Non-blocking: with no master reading, opening fails at once (ENXIO) instead of hanging.
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENXIO' ? 'no master is reading it (is tidepool running?)' : code === 'ENOENT' ? 'it does not exist' : (e as Error).message;
    process.stderr.write(`tidepool ctl: cannot write to the master FIFO ${fifo}: ${why}\n`);
    return 1;
  }
  fs.writeSync(fd, command);
  fs.closeSync(fd);
  process.stdout.write(`sent ${FIFO_COMMANDS[command].name} (${command}) to ${fifo}\n`);
  return 0;
}
