#!/usr/bin/env node
/**
 * `tidepool <command> [options]`: one entry point for every part of the project. Each
 * command's module is imported only when used, so `tidepool top` does not load TensorFlow.
 */
type Main = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Main> }> = {
  serve: { summary: 'start the prediction server (master + workers)', load: async () => (await import('../server/cli/serve.js')).main },
  top: { summary: 'live dashboard of a tidepool or uWSGI stats socket', load: async () => (await import('../tui/main.js')).main },
  bench: { summary: 'load a server and report scaling, throughput and latency', load: async () => (await import('../bench/main.js')).main },
  train: { summary: 'train the Reuters MLP topic model', load: async () => (await import('../models/train/main.js')).main },
  deploy: { summary: 'write nginx and systemd files from a tidepool config', load: async () => (await import('../deploy/main.js')).main },
  ctl: { summary: 'send a command to a running master (master-fifo)', load: async () => (await import('../server/cli/ctl.js')).main },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(7)} ${c.summary}`);
  return `usage: tidepool <command> [options]\n\ncommands:\n${rows.join('\n')}\n\n'tidepool <command> --help' describes each command's options.\n`;
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tidepool: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tidepool: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
