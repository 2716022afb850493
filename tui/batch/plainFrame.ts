import type { Dashboard } from '../model/dashboard.js';
import { COLUMNS } from '../view/columns.js';
import { headerLines } from '../view/header.js';
import { displayRows, workerRows } from '../view/workerRows.js';
import { tableHeading, tableLines } from '../view/workerTable.js';

/**
 * One frame as plain text for a pipe or a log: uwsgitop's header and table, every slot in slot
 * order, every column, no escape codes.
 */
export function plainFrame(dashboard: Dashboard, nowMs: number): string {
  const columns = COLUMNS.filter((c) => dashboard.hosts.length > 1 || c.id !== 'host');
  const wide = Number.MAX_SAFE_INTEGER;
  const rows = displayRows(dashboard, workerRows(dashboard), { collapseCheap: false, showCores: false });
  return [...headerLines(dashboard, nowMs, wide).map((l) => l.text), tableHeading(columns), ...tableLines(rows, columns, nowMs, wide).map((l) => l.text)].join(
    '\n',
  );
}
