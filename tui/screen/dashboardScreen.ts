import type { Readable, Writable } from 'node:stream';
import { Dashboard } from '../model/dashboard.js';
import { failureReason } from '../../core/stats/fetchStats.js';
import { monotonicNow, StatsPoller } from '../source/poller.js';
import { composeFrame, type Frame } from '../view/frame.js';
import type { Panes, Rect } from '../view/panes.js';
import type { StyledLine } from '../view/styledLine.js';
import { INITIAL_UI, reduceKey, type Key, type UiState } from '../view/uiState.js';
import { colorCount, createBox, createLineChart, createScreen, placeBox, toMarkup, type Box, type LineChart, type Screen } from '../widgets/blessedWidgets.js';

export interface DashboardScreenOptions {
  addresses: readonly string[];
  intervalMs: number;
  timeoutMs: number;
  /** Default: the process's stdin / stdout and $TERM. Tests pass fake streams. */
  input?: Readable;
  output?: Writable;
  terminal?: string;
  followEvents?: boolean;
}

export interface DashboardScreen {
  readonly screen: Screen;
  readonly dashboard: Dashboard;
  /** The keyboard state (sort, filter, ...). */
  ui(): UiState;
  /** Redraws now (normally it redraws after each poll and key). */
  render(): void;
  /** Stops polling and restores the terminal, then reports `error` if given; resolves `done` with `code`. */
  quit(code?: number, error?: unknown): void;
  /** Resolves with the exit status once the dashboard is closed. */
  readonly done: Promise<number>;
}

const FAST_MS = 100;

/**
 * The interactive dashboard: polls, draws, reads keys. Closing it (q, Ctrl-C, quit()) always
 * leaves the terminal as it was found.
 */
export function startDashboardScreen(options: DashboardScreenOptions): DashboardScreen {
  const dashboard = new Dashboard(options.addresses);
  const poller = new StatsPoller(options.addresses, {
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    followEvents: options.followEvents,
  });
  const screen = createScreen({ input: options.input, output: options.output, terminal: options.terminal, title: 'tidepool top' });
  const boxes = {
    header: createBox(screen, rect0()),
    heading: createBox(screen, rect0(), { inverse: true }),
    table: createBox(screen, rect0()),
    bars: createBox(screen, rect0(), { border: true, label: 'busy %', hidden: true }),
    events: createBox(screen, rect0(), { border: true, label: 'events', hidden: true }),
    footer: createBox(screen, rect0()),
    help: createBox(screen, rect0(), { border: true, label: 'help', hidden: true }),
  };
  let charts: { rps: LineChart | null; workers: LineChart | null } = { rps: null, workers: null };
  let laidOut = '';
  let ui = INITIAL_UI;
  let closed = false;
  let renderQueued = false;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const render = () => {
    renderQueued = false;
    if (closed) return;
    try {
      const frame = composeFrame(dashboard, ui, { width: screen.width as number, height: screen.height as number }, options.intervalMs, monotonicNow());
      ui = { ...ui, scroll: frame.scroll };
      layout(frame.panes);
      draw(frame);
      screen.render();
    } catch (err) {
      // A drawing bug must not leave the terminal in raw mode: close, then say what happened.
      quit(1, err);
    }
  };
  const scheduleRender = () => {
    if (renderQueued || closed) return;
    renderQueued = true;
    setImmediate(render);
  };

  function layout(panes: Panes): void {
    const key = JSON.stringify(panes);
    if (key === laidOut) return;
    laidOut = key;
    placeBox(boxes.header, panes.header);
    placeBox(boxes.heading, { ...panes.table, height: 1 });
    placeBox(boxes.table, { ...panes.table, top: panes.table.top + 1, height: Math.max(1, panes.table.height - 1) });
    placeOptional(boxes.bars, panes.bars);
    placeOptional(boxes.events, panes.events);
    placeBox(boxes.footer, panes.footer);
    const w = screen.width as number;
    const h = screen.height as number;
    placeBox(boxes.help, { top: 1, left: 2, width: Math.max(10, w - 4), height: Math.max(5, h - 2) });
    // contrib sizes a chart's canvas when it is attached: a new size needs new charts.
    charts.rps?.destroy();
    charts.workers?.destroy();
    charts = {
      rps: panes.rpsChart ? createLineChart(screen, panes.rpsChart, 'requests/s', false) : null,
      workers: panes.workersChart ? createLineChart(screen, panes.workersChart, 'workers', true) : null,
    };
    boxes.help.setFront();
  }

  function draw(frame: Frame): void {
    const colors = colorCount(screen);
    const markup = (lines: readonly StyledLine[]) => toMarkup(lines, colors);
    boxes.header.setContent(markup(frame.header));
    boxes.heading.setContent(frame.tableHeading.replace(/[{}]/g, ''));
    boxes.table.setContent(markup(frame.tableRows));
    boxes.bars.setContent(markup(frame.bars));
    boxes.events.setContent(markup(frame.events));
    boxes.footer.setContent(markup([frame.footer]));
    const c = frame.charts;
    charts.rps?.setData(c.x, [{ title: 'RPS', color: 'cyan', y: c.rps }], c.rpsMax);
    charts.workers?.setData(
      c.x,
      [
        { title: 'running', color: 'yellow', y: c.running },
        { title: 'busy', color: 'green', y: c.busy },
      ],
      c.workersMax,
    );
    if (frame.help) {
      boxes.help.setContent(markup(frame.help));
      boxes.help.show();
    } else {
      boxes.help.hide();
    }
  }

  function quit(code = 0, error?: unknown): void {
    if (closed) return;
    closed = true;
    poller.stop();
    screen.destroy();
    if (error !== undefined) {
      process.stderr.write(`tidepool top: the dashboard failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    resolveDone(code);
  }

  screen.on('keypress', (ch: string | undefined, key: Key | undefined) => {
    const visibleRows = Math.max(1, (boxes.table.height as number) - 1);
    const { state, effect } = reduceKey(ui, { ch, name: key?.name, ctrl: key?.ctrl }, visibleRows);
    ui = state;
    switch (effect) {
      case 'quit':
        return quit(0);
      case 'interval':
        poller.setInterval(ui.fast ? FAST_MS : options.intervalMs);
        break;
      case 'pause':
        poller.setPaused(ui.paused);
        break;
      case 'none':
        return;
    }
    scheduleRender();
  });
  screen.on('resize', () => {
    laidOut = '';
    scheduleRender();
  });

  poller.on('sample', (index, snapshot, atMs) => {
    dashboard.addSample(index, snapshot, atMs);
    scheduleRender();
  });
  poller.on('failure', (index, error, atMs) => {
    dashboard.addFailure(index, failureReason(error), atMs);
    scheduleRender();
  });
  poller.on('events', (index, events) => {
    if (dashboard.addStreamEvents(index, events) > 0) scheduleRender();
  });
  poller.on('round', (atMs) => {
    dashboard.endRound(atMs);
    scheduleRender();
  });

  render();
  poller.start();
  return { screen, dashboard, ui: () => ui, render, quit, done };
}

function rect0(): Rect {
  return { top: 0, left: 0, width: 1, height: 1 };
}

function placeOptional(box: Box, rect: Rect | undefined): void {
  if (rect === undefined) {
    box.hide();
    return;
  }
  placeBox(box, rect);
  box.show();
}
