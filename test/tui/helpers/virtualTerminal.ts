/**
 * A terminal in memory for the real dashboard: blessed reads keys from a PassThrough and draws
 * into a Writable that remembers everything; the screen's own cell buffer says what is shown.
 */
import { PassThrough, Writable } from 'node:stream';
import { startDashboardScreen, type DashboardScreen } from '../../../tui/screen/dashboardScreen.js';
import { screenCell, screenText, type ScreenCell } from '../../../tui/widgets/blessedWidgets.js';
import { waitFor } from '../../helpers/server.js';

export interface VirtualTerminal {
  app: DashboardScreen;
  /** Everything blessed wrote (escape codes included). */
  written(): string;
  /** The screen's rows as text. */
  lines(): string[];
  cell(x: number, y: number): ScreenCell;
  /** Types keys (characters, or escape sequences like '\x1b[B' for Down). */
  press(keys: string): void;
  resize(columns: number, rows: number): void;
  /** Waits until some row matches `re`; returns that row's index. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<number>;
  close(): Promise<number>;
}

type TtyOut = Writable & { columns: number; rows: number; isTTY: boolean };
type TtyIn = PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };

export interface VirtualTerminalOptions {
  columns?: number;
  rows?: number;
  intervalMs?: number;
  followEvents?: boolean;
  /** terminfo name; default xterm-256color. */
  terminal?: string;
}

export function startVirtualTerminal(addresses: string[], options: VirtualTerminalOptions = {}): VirtualTerminal {
  let out = '';
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  }) as TtyOut;
  output.columns = options.columns ?? 200;
  output.rows = options.rows ?? 50;
  output.isTTY = true;
  const input = new PassThrough() as TtyIn;
  input.isTTY = true;
  input.setRawMode = () => {};
  const app = startDashboardScreen({
    addresses,
    intervalMs: options.intervalMs ?? 100,
    timeoutMs: 1000,
    input,
    output,
    terminal: options.terminal ?? 'xterm-256color',
    followEvents: options.followEvents ?? false,
  });
  const lines = () => screenText(app.screen);
  return {
    app,
    written: () => out,
    lines,
    cell: (x, y) => screenCell(app.screen, x, y),
    press: (keys) => input.write(keys),
    resize(columns, rows) {
      output.columns = columns;
      output.rows = rows;
      output.emit('resize');
    },
    async waitForLine(re, timeoutMs = 5000) {
      try {
        // waitFor wants a truthy value: row 0 is returned as 1.
        const row = await waitFor(`a screen line matching ${re}`, () => lines().findIndex((l) => re.test(l)) + 1, timeoutMs);
        return row - 1;
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}; the screen shows:\n${lines().join('\n')}`);
      }
    },
    close: async () => {
      app.quit(0);
      return app.done;
    },
  };
}
