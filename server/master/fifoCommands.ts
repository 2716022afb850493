/** uWSGI's master FIFO commands: one byte each (spec 4). One table for the master and `tidepool ctl`. */
export const FIFO_COMMANDS = {
  '+': { name: 'spawn', help: 'spawn one more worker (cheaper mode)' },
  '-': { name: 'cheap', help: 'cheap one idle worker (cheaper mode)' },
  c: { name: 'chain-reload', help: 'reload workers one at a time, each after the previous replacement is ready' },
  r: { name: 'reload', help: 'graceful reload of all workers' },
  w: { name: 'reload-workers', help: 'graceful reload of all workers (same as r: tidepool has no master code to reload)' },
  q: { name: 'stop', help: 'graceful shutdown: finish requests, then exit' },
  Q: { name: 'kill', help: 'brutal shutdown: kill workers now, then exit' },
  p: { name: 'pause', help: 'pause / resume handing requests to workers (they wait in the queue)' },
  s: { name: 'stats', help: 'print the stats document to the log' },
} as const;

export type FifoCommand = keyof typeof FIFO_COMMANDS;

export function isFifoCommand(c: string): c is FifoCommand {
  return Object.hasOwn(FIFO_COMMANDS, c);
}

/** `chain-reload` or `c` -> 'c'; null when neither. */
export function commandFromWord(word: string): FifoCommand | null {
  if (isFifoCommand(word)) return word;
  for (const [byte, c] of Object.entries(FIFO_COMMANDS)) if (c.name === word) return byte as FifoCommand;
  return null;
}
