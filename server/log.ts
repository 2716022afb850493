/** The master's log: one line per event, to stderr, prefixed so it reads well beside worker lines. */
export type LogLevel = 'info' | 'warn' | 'error';

let quiet = false;
export function setQuiet(q: boolean): void {
  quiet = q;
}

export function log(level: LogLevel, message: string): void {
  if (quiet && level === 'info') return;
  const tag = level === 'info' ? '' : level.toUpperCase() + ': ';
  process.stderr.write(`${new Date().toISOString()} tidepool[${process.pid}] ${tag}${message}\n`);
}
