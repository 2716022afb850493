import { columnById } from './columns.js';
import { formatInterval, truncate } from './format.js';
import { line, type StyledLine } from './styledLine.js';
import { KEY_HELP, type UiState } from './uiState.js';

export interface FooterInfo {
  intervalMs: number;
  /** Table rows shown (1-based, inclusive) and in all. */
  firstRow: number;
  lastRow: number;
  totalRows: number;
}

/** The bottom line: what is chosen (sort, filter, refresh), where the table is scrolled, the way to help. */
export function footerLine(ui: UiState, info: FooterInfo, width: number): StyledLine {
  if (ui.filterDraft !== null) {
    return line(truncate(`filter: ${ui.filterDraft}_   (Enter applies, Esc cancels; words: busy idle cheap 3 3-9 host)`, width), 'warn');
  }
  const parts = [
    `sort ${columnById(ui.sortBy).title} ${ui.descending ? 'desc' : 'asc'}`,
    ui.filter !== '' ? `filter "${ui.filter}"` : '',
    ui.paused ? 'PAUSED (p resumes)' : `every ${formatInterval(ui.fast ? 100 : info.intervalMs)}${ui.fast ? ' (fast)' : ''}`,
    info.totalRows > info.lastRow - info.firstRow + 1 ? `rows ${info.firstRow}-${info.lastRow} of ${info.totalRows}` : '',
  ].filter((p) => p !== '');
  const right = '? help  q quit';
  const left = parts.join(' | ');
  const gap = width - left.length - right.length;
  return line(gap >= 2 ? left + ' '.repeat(gap) + right : truncate(`${left} | ${right}`, width), ui.paused ? 'warn' : 'dim');
}

/** The `?` screen. */
export function helpLines(width: number): StyledLine[] {
  const keyWidth = Math.max(...KEY_HELP.map(([k]) => k.length));
  return [
    line('tidepool top: keys', 'heading'),
    line(''),
    ...KEY_HELP.map(([keys, what]) => line(truncate(`${keys.padEnd(keyWidth)}  ${what}`, width))),
    line(''),
    line('Columns as in uwsgitop: % = share of requests, AVG = response time, RunT = time in requests.', 'dim'),
    line('RPS shows - until two polls; RSS/VSZ show - when the server does not report memory.', 'dim'),
  ];
}
