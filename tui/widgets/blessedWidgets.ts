/**
 * The only module that touches blessed and blessed-contrib (both unmaintained, contrib untyped):
 * small typed factories, so `any` and the libraries' quirks stay here.
 */
import blessed from 'blessed';
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import type { Rect } from '../view/panes.js';
import type { LineStyle, StyledLine } from '../view/styledLine.js';

export type Screen = blessed.Widgets.Screen;
export type Box = blessed.Widgets.BoxElement;

export interface ScreenOptions {
  input?: Readable;
  output?: Writable;
  /** terminfo name; blessed reads $TERM when absent. */
  terminal?: string;
  title?: string;
}

export function createScreen(options: ScreenOptions = {}): Screen {
  const streams = { input: options.input, output: options.output };
  const screen = blessed.screen({
    // @types/blessed swaps the two stream types of IScreenOptions; blessed reads input, writes output.
    ...(streams as object),
    terminal: options.terminal,
    title: options.title,
    smartCSR: true,
    // Braille charts and bars need Unicode even where the terminfo entry does not claim it.
    forceUnicode: true,
    fullUnicode: false,
    warnings: false,
    autoPadding: true,
  });
  // Draw lines and dots as UTF-8, not through the terminal's alternate charset: terminals that
  // take UTF-8 draw both, but tmux and some SSH clients show ACS as letters (q, x, ~).
  const tput = (screen as unknown as { tput: { brokenACS: boolean; colors: number } }).tput;
  tput.brokenACS = true;
  // blessed cannot read ncurses 6's extended terminfo entries (tmux-256color, tmux's default
  // TERM on current Debian) and falls back to xterm's 8 colours, where gray is drawn black.
  // The name is enough to know the terminal has 256.
  if (tput.colors < 256 && /-256colou?r$/.test(options.terminal ?? process.env.TERM ?? '')) tput.colors = 256;
  return screen;
}

/** How many colours blessed will use on this screen's terminal. */
export function colorCount(screen: Screen): number {
  return (screen as unknown as { tput: { colors: number } }).tput.colors;
}

/**
 * Gray for borders and dim text, or the terminal's default colour (undefined) where there are
 * fewer than 16 colours: blessed would draw gray as black there, invisible on a dark background.
 */
function gray(colors: number): 'gray' | undefined {
  return colors >= 16 ? 'gray' : undefined;
}

export interface BoxOptions {
  border?: boolean;
  label?: string;
  /** Reverse video, for the table's heading line. */
  inverse?: boolean;
  hidden?: boolean;
}

export function createBox(screen: Screen, rect: Rect, options: BoxOptions = {}): Box {
  return blessed.box({
    parent: screen,
    ...rect,
    tags: true,
    wrap: false,
    hidden: options.hidden ?? false,
    label: options.label !== undefined ? ` ${options.label} ` : undefined,
    border: options.border ? { type: 'line' } : undefined,
    style: { border: { fg: gray(colorCount(screen)) }, inverse: options.inverse ?? false },
  });
}

export function placeBox(box: Box, rect: Rect): void {
  box.top = rect.top;
  box.left = rect.left;
  box.width = rect.width;
  box.height = rect.height;
}

/** uwsgitop's colours (busy green, cheap magenta, sig yellow, pause blue) and ours. */
const COLOR: Record<LineStyle, string | null> = {
  busy: 'green',
  cheap: 'magenta',
  sig: 'yellow',
  pause: 'blue',
  idle: null,
  plain: null,
  loading: 'cyan',
  cheaping: 'magenta',
  down: 'red',
  heading: null,
  dim: 'gray',
  warn: 'yellow',
  error: 'red',
  good: 'green',
};

/**
 * Styled lines as blessed tag markup for a terminal with `colors` colours; the text is escaped
 * so `{` in a path is shown as is.
 */
export function toMarkup(lines: readonly StyledLine[], colors = 256): string {
  return lines
    .map(({ text, style }) => {
      const escaped = text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
      const color = COLOR[style] === 'gray' ? (gray(colors) ?? null) : COLOR[style];
      const colored = color === null ? escaped : `{${color}-fg}${escaped}{/${color}-fg}`;
      return style === 'heading' || style === 'error' ? `{bold}${colored}{/bold}` : colored;
    })
    .join('\n');
}

export interface ChartSeries {
  title: string;
  color: 'green' | 'yellow' | 'cyan' | 'magenta' | 'red' | 'blue' | 'white';
  y: number[];
}

export interface LineChart {
  /** `x` labels the points of every series; `maxY` fixes the scale (contrib divides by zero on flat data). */
  setData(x: string[], series: ChartSeries[], maxY: number): void;
  destroy(): void;
}

interface ContribLine {
  setData(data: { title: string; x: string[]; y: number[]; style: { line: string } }[]): void;
  options: { maxY: number };
  /** Made anew by each setData. */
  legend?: { style: { border: { fg?: string } } };
  destroy(): void;
}

const requireCjs = createRequire(import.meta.url);
// The line chart alone: the package index also loads maps, markdown and images we never show.
const contribLine = requireCjs('blessed-contrib/lib/widget/charts/line.js') as (options: object) => ContribLine;

/**
 * A braille line chart. contrib sizes its canvas once, when attached: a new size needs a new
 * chart, so the screen recreates charts on resize.
 */
export function createLineChart(screen: Screen, rect: Rect, label: string, legend: boolean): LineChart {
  const borderFg = gray(colorCount(screen));
  const chart = contribLine({
    ...rect,
    label: ` ${label} `,
    border: { type: 'line' },
    // The canvas knows only the eight basic colour names, and 'normal' for the default.
    style: { line: 'yellow', text: 'normal', baseline: 'normal', border: { fg: borderFg } },
    showLegend: legend,
    legend: { width: 10 },
    xLabelPadding: 3,
    xPadding: 5,
    wholeNumbersOnly: false,
  });
  screen.append(chart as unknown as blessed.Widgets.Node);
  return {
    setData(x, series, maxY) {
      if (x.length === 0) return;
      chart.options.maxY = maxY;
      chart.setData(series.map((s) => ({ title: s.title, x, y: s.y, style: { line: s.color } })));
      // contrib draws the legend's border black: invisible on a dark background.
      if (chart.legend) chart.legend.style.border.fg = borderFg;
    },
    destroy() {
      chart.destroy();
    },
  };
}

export interface ScreenCell {
  ch: string;
  /** 0-255, or null for the terminal's default. */
  fg: number | null;
  bg: number | null;
  bold: boolean;
  inverse: boolean;
}

interface ScreenBuffer {
  lines: [number, string][][];
}

/** What the screen shows now, one string per row (blessed's own buffer, for tests and dumps). */
export function screenText(screen: Screen): string[] {
  return (screen as unknown as ScreenBuffer).lines.map((row) => row.map((cell) => cell[1]).join(''));
}

/** One cell of blessed's buffer, its attribute word decoded (flags << 18 | fg << 9 | bg). */
export function screenCell(screen: Screen, x: number, y: number): ScreenCell {
  const cell = (screen as unknown as ScreenBuffer).lines[y]?.[x];
  if (cell === undefined) throw new RangeError(`no cell at ${x},${y} on a ${screen.width}x${screen.height} screen`);
  const [attr, ch] = cell;
  const flags = attr >> 18;
  const fg = (attr >> 9) & 0x1ff;
  const bg = attr & 0x1ff;
  return { ch, fg: fg >= 0x100 ? null : fg, bg: bg >= 0x100 ? null : bg, bold: (flags & 1) !== 0, inverse: (flags & 8) !== 0 };
}
