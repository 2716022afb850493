import { formatBytes, formatCount, formatDuration, formatMemory, formatPercent, formatRate, formatSpawnTime, truncateLeft } from './format.js';
import type { StatusKind, WorkerRow } from './workerRows.js';

export type ColumnId =
  | 'host'
  | 'wid'
  | 'share'
  | 'pid'
  | 'req'
  | 'rps'
  | 'exc'
  | 'sig'
  | 'status'
  | 'avg'
  | 'rss'
  | 'vsz'
  | 'tx'
  | 'respawn'
  | 'hc'
  | 'runt'
  | 'lastspawn';

export interface Column {
  id: ColumnId;
  /** uwsgitop's heading. */
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Narrow screens drop the lowest first. */
  keep: number;
  /** The key that sorts by this column, if any. */
  key?: string;
  /** What the column means, for the help screen. */
  help: string;
  /** Sorting starts descending (biggest first) except for names and ids. */
  descending: boolean;
  sortValue(row: WorkerRow): number | string;
  cell(row: WorkerRow, nowMs: number): string;
}

const STATUS_ORDER: Record<StatusKind, number> = { busy: 7, sig: 6, pause: 5, loading: 4, cheaping: 3, idle: 2, down: 1, cheap: 0 };

const dash0 = (n: number) => (n === 0 ? '-' : formatCount(n));

/** uwsgitop's columns, in its order, with a host column in front when several are watched. */
export const COLUMNS: readonly Column[] = [
  {
    id: 'host',
    title: 'HOST',
    width: 18,
    align: 'left',
    keep: 99,
    key: 'h',
    help: 'stats address',
    descending: false,
    sortValue: (r) => r.host,
    cell: (r) => truncateLeft(r.host, 18),
  },
  {
    id: 'wid',
    title: 'WID',
    width: 4,
    align: 'right',
    keep: 100,
    key: 'i',
    help: 'worker slot id',
    descending: false,
    sortValue: (r) => r.slot,
    cell: (r) => String(r.slot),
  },
  {
    id: 'share',
    title: '%',
    width: 5,
    align: 'right',
    keep: 40,
    help: "share of the server's requests",
    descending: true,
    sortValue: (r) => r.share ?? -1,
    cell: (r) => formatPercent(r.share),
  },
  {
    id: 'pid',
    title: 'PID',
    width: 7,
    align: 'right',
    keep: 85,
    key: 'P',
    help: 'process id',
    descending: false,
    sortValue: (r) => r.worker.pid,
    cell: (r) => (r.worker.pid > 0 ? String(r.worker.pid) : '-'),
  },
  {
    id: 'req',
    title: 'REQ',
    width: 7,
    align: 'right',
    keep: 80,
    key: 'r',
    help: 'requests served by the slot',
    descending: true,
    sortValue: (r) => r.worker.requests,
    cell: (r) => formatCount(r.worker.requests),
  },
  {
    id: 'rps',
    title: 'RPS',
    width: 6,
    align: 'right',
    keep: 90,
    key: 'R',
    help: 'requests per second since the last poll',
    descending: true,
    sortValue: (r) => r.rps ?? -1,
    cell: (r) => formatRate(r.rps),
  },
  {
    id: 'exc',
    title: 'EXC',
    width: 5,
    align: 'right',
    keep: 60,
    key: 'e',
    help: 'exceptions (failed requests)',
    descending: true,
    sortValue: (r) => r.worker.exceptions,
    cell: (r) => formatCount(r.worker.exceptions),
  },
  {
    id: 'sig',
    title: 'SIG',
    width: 4,
    align: 'right',
    keep: 10,
    help: 'uWSGI signals handled',
    descending: true,
    sortValue: (r) => r.worker.signals,
    cell: (r) => formatCount(r.worker.signals),
  },
  {
    id: 'status',
    title: 'STATUS',
    width: 8,
    align: 'left',
    keep: 95,
    key: 'b',
    help: 'busy first',
    descending: true,
    sortValue: (r) => STATUS_ORDER[r.kind],
    cell: (r) => r.status,
  },
  {
    id: 'avg',
    title: 'AVG',
    width: 7,
    align: 'right',
    keep: 75,
    key: 'l',
    help: "response time (uWSGI's running average)",
    descending: true,
    sortValue: (r) => r.worker.avg_rt,
    cell: (r) => (r.worker.avg_rt > 0 ? formatDuration(r.worker.avg_rt / 1000) : '-'),
  },
  {
    id: 'rss',
    title: 'RSS',
    width: 6,
    align: 'right',
    keep: 55,
    key: 'm',
    help: 'resident memory',
    descending: true,
    sortValue: (r) => r.worker.rss,
    cell: (r) => formatMemory(r.worker.rss),
  },
  {
    id: 'vsz',
    title: 'VSZ',
    width: 6,
    align: 'right',
    keep: 15,
    help: 'virtual memory',
    descending: true,
    sortValue: (r) => r.worker.vsz,
    cell: (r) => formatMemory(r.worker.vsz),
  },
  {
    id: 'tx',
    title: 'TX',
    width: 6,
    align: 'right',
    keep: 30,
    key: 'x',
    help: 'bytes sent',
    descending: true,
    sortValue: (r) => r.worker.tx,
    cell: (r) => formatBytes(r.worker.tx),
  },
  {
    id: 'respawn',
    title: 'ReSpwn',
    width: 6,
    align: 'right',
    keep: 35,
    help: 'spawns of the slot',
    descending: true,
    sortValue: (r) => r.worker.respawn_count,
    cell: (r) => dash0(r.worker.respawn_count),
  },
  {
    id: 'hc',
    title: 'HC',
    width: 3,
    align: 'right',
    keep: 25,
    help: 'harakiri kills',
    descending: true,
    sortValue: (r) => r.worker.harakiri_count,
    cell: (r) => formatCount(r.worker.harakiri_count),
  },
  {
    id: 'runt',
    title: 'RunT',
    width: 7,
    align: 'right',
    keep: 45,
    key: 'u',
    help: 'time spent in requests',
    descending: true,
    sortValue: (r) => r.worker.running_time,
    cell: (r) => (r.worker.running_time > 0 ? formatDuration(r.worker.running_time / 1000) : '-'),
  },
  {
    id: 'lastspawn',
    title: 'LastSpwn',
    width: 10,
    align: 'left',
    keep: 50,
    key: 't',
    help: 'time of the last spawn',
    descending: true,
    sortValue: (r) => r.worker.last_spawn,
    cell: (r, now) => formatSpawnTime(r.worker.last_spawn, now),
  },
];

export function columnById(id: ColumnId): Column {
  const column = COLUMNS.find((c) => c.id === id);
  if (column === undefined) throw new RangeError(`no column ${id}`);
  return column;
}

/** The columns `s` cycles through, in table order. */
export const SORTABLE: readonly ColumnId[] = COLUMNS.filter((c) => c.key !== undefined).map((c) => c.id);

export const COLUMN_GAP = 1;

/**
 * The columns that fit in `width`, in table order: the least useful are dropped first, so a
 * narrow terminal loses SIG and VSZ before it loses RPS, and never wraps a row.
 */
export function selectColumns(width: number, multiHost: boolean): Column[] {
  let chosen = COLUMNS.filter((c) => multiHost || c.id !== 'host');
  const used = (cols: readonly Column[]) => cols.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * Math.max(0, cols.length - 1);
  while (chosen.length > 1 && used(chosen) > width) {
    const weakest = chosen.reduce((a, b) => (b.keep < a.keep ? b : a));
    chosen = chosen.filter((c) => c !== weakest);
  }
  return chosen;
}

export function fitCell(text: string, column: Column): string {
  const cut = text.length > column.width ? text.slice(0, column.width) : text;
  return column.align === 'right' ? cut.padStart(column.width) : cut.padEnd(column.width);
}

export function formatTableLine(cells: readonly string[], columns: readonly Column[]): string {
  return columns
    .map((c, i) => fitCell(cells[i] ?? '', c))
    .join(' '.repeat(COLUMN_GAP))
    .trimEnd();
}

/** Sorts by a column, ties by host then slot, so the order is stable between frames. */
export function sortRows(rows: readonly WorkerRow[], by: ColumnId, descending: boolean): WorkerRow[] {
  const column = columnById(by);
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = column.sortValue(a);
    const vb = column.sortValue(b);
    const byValue = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return sign * byValue || a.hostIndex - b.hostIndex || a.slot - b.slot;
  });
}
