/**
 * The dashboard read back from its screen text (a virtual screen's rows or a tmux capture):
 * the pool line of the header and the worker table, the way a person reads them.
 */

export interface TableRow {
  /** Screen row. */
  y: number;
  /** The row cut at the table's right edge (the busy-bars pane shares the screen lines). */
  text: string;
  /** The cells, split on blanks: WID % PID REQ RPS EXC SIG STATUS ... */
  fields: string[];
  /** The word in the STATUS column. */
  status: string;
}

export interface Table {
  headingY: number;
  statusX: number;
  /** One per worker slot shown. */
  rows: TableRow[];
  /** The lines the cheap slots are folded into ("N cheap slots (a-b), press c to list them"). */
  folded: TableRow[];
}

/** The worker table under its heading, up to the first blank row; null when no table is shown. */
export function readTable(lines: readonly string[]): Table | null {
  const headingY = lines.findIndex((l) => /^ WID +% +PID .* LastSpwn/.test(l));
  if (headingY === -1) return null;
  const heading = lines[headingY]!;
  const width = heading.indexOf('LastSpwn') + 'LastSpwn'.length + 2;
  const statusX = heading.indexOf('STATUS');
  const rows: TableRow[] = [];
  const folded: TableRow[] = [];
  for (let y = headingY + 1; y < lines.length; y++) {
    const text = (lines[y] ?? '').slice(0, width);
    if (text.trim() === '') break;
    const row = { y, text, fields: text.trim().split(/\s+/), status: text.slice(statusX).trim().split(/\s+/)[0] ?? '' };
    (/^ +\d+ cheap slots \(/.test(text) ? folded : rows).push(row);
  }
  return { headingY, statusX, rows, folded };
}

export interface Pool {
  running: number;
  busy: number;
  idle: number;
  cheap: number;
  max: number;
}

/** The header's "workers N running (B busy, I idle), C cheap, M max" line. */
export function readPool(lines: readonly string[]): Pool | null {
  for (const l of lines) {
    const m = /^workers (\d+) running \((\d+) busy, (\d+) idle\), (\d+) cheap, (\d+) max/.exec(l);
    if (m) return { running: Number(m[1]), busy: Number(m[2]), idle: Number(m[3]), cheap: Number(m[4]), max: Number(m[5]) };
  }
  return null;
}
