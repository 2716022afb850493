import type { Dashboard } from '../model/dashboard.js';
import { busyBars } from './busyBars.js';
import { chartData, type ChartData } from './chartData.js';
import { selectColumns, sortRows } from './columns.js';
import { eventLines } from './eventLines.js';
import { footerLine, helpLines } from './footer.js';
import { headerLines } from './header.js';
import { computePanes, type Panes } from './panes.js';
import { line, type StyledLine } from './styledLine.js';
import { clampScroll, type UiState } from './uiState.js';
import { displayRows, filterRows, workerRows } from './workerRows.js';
import { tableHeading, tableLines } from './workerTable.js';

/** Everything one screen shows, as text: the blessed renderer only places it. */
export interface Frame {
  panes: Panes;
  header: StyledLine[];
  tableHeading: string;
  /** The rows in view after scrolling. */
  tableRows: StyledLine[];
  /** The scroll position actually used (the requested one, clamped). */
  scroll: number;
  bars: StyledLine[];
  events: StyledLine[];
  charts: ChartData;
  footer: StyledLine;
  help: StyledLine[] | null;
}

export interface FrameSize {
  width: number;
  height: number;
}

/** Borders take a cell on each side of the bordered panes. */
const BORDER = 2;

export function composeFrame(dashboard: Dashboard, ui: UiState, size: FrameSize, intervalMs: number, nowMs: number): Frame {
  const header = headerLines(dashboard, nowMs, size.width);
  const panes = computePanes(size.width, size.height, header.length);
  const multiHost = dashboard.hosts.length > 1;
  const all = workerRows(dashboard);
  const sorted = sortRows(filterRows(all, ui.filter), ui.sortBy, ui.descending);
  const rows = displayRows(dashboard, sorted, { collapseCheap: ui.collapseCheap, showCores: ui.showCores });
  const columns = selectColumns(panes.table.width, multiHost);
  const visible = Math.max(0, panes.table.height - 1);
  const scroll = clampScroll(ui.scroll, rows.length, visible);
  const shown = rows.slice(scroll, scroll + visible);
  const tableRows = tableLines(shown, columns, nowMs, panes.table.width);
  if (sorted.length === 0 && all.length > 0) tableRows.push(line(`no worker matches "${ui.filter}" (/ changes it, Esc clears it)`, 'dim'));
  const inner = (r: { width: number; height: number } | undefined) => (r ? { width: r.width - BORDER, height: r.height - BORDER } : { width: 0, height: 0 });
  const bars = inner(panes.bars);
  const events = inner(panes.events);
  return {
    panes,
    header,
    tableHeading: tableHeading(columns),
    tableRows,
    scroll,
    bars: busyBars(all, bars.width, bars.height),
    events: eventLines(dashboard.events.entries(), { count: events.height, width: events.width, showHost: multiHost }),
    charts: chartData(dashboard.history.last(600), inner(panes.rpsChart).width - 8),
    footer: footerLine(ui, { intervalMs, firstRow: scroll + 1, lastRow: scroll + shown.length, totalRows: rows.length }, size.width),
    help: ui.help ? helpLines(size.width - 4) : null,
  };
}
