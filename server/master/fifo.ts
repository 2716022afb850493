/**
 * The master FIFO (`master-fifo = PATH`, mode 0600): one byte per command, as in uWSGI.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { log } from '../log.js';
import type { Master } from './master.js';
import { FIFO_COMMANDS, isFifoCommand } from './fifoCommands.js';

export function runFifoCommand(master: Master, byte: string): void {
  if (!isFifoCommand(byte)) {
    if (byte.trim() !== '') log('warn', `master FIFO: unknown command byte ${JSON.stringify(byte)}; known: ${Object.keys(FIFO_COMMANDS).join(' ')}`);
    return;
  }
  log('info', `master FIFO: ${byte} (${FIFO_COMMANDS[byte].name})`);
  switch (byte) {
    case '+':
    case '-':
      if (!master.scaler.enabled) log('warn', `master FIFO: ${byte} needs the cheaper subsystem (cheaper > 0)`);
      else master.scaler.request(byte);
      return;
    case 'c':
      master.chainReload('master FIFO c');
      return;
    case 'r':
    case 'w':
      master.reloadAll(`master FIFO ${byte}`);
      return;
    case 'q':
      return void master.shutdown('master FIFO q');
    case 'Q':
      return void master.shutdown('master FIFO Q (brutal)', 0, true);
    case 'p':
      master.togglePause();
      return;
    case 's':
      log('info', `stats: ${JSON.stringify(master.statsDocument())}`);
      return;
  }
}

export function startMasterFifo(master: Master, path: string): { close(): void } {
  try {
    if (!fs.statSync(path).isFIFO()) throw new Error(`master-fifo: ${path} exists and is not a FIFO`);
    fs.chmodSync(path, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    execFileSync('mkfifo', ['-m', '600', path]);
  }
  // Opened read-write so that the stream never sees end-of-file between writers.
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const stream = new net.Socket({ fd, readable: true, writable: false });
  stream.on('data', (buf: Buffer) => {
    for (const ch of buf.toString('latin1')) runFifoCommand(master, ch);
  });
  stream.on('error', (e) => log('warn', `master FIFO ${path}: ${e.message}`));
  log('info', `master FIFO at ${path}`);
  return {
    close() {
      stream.destroy();
      if (master.config.vacuum) fs.rmSync(path, { force: true });
    },
  };
}
