import type { UwsgiCore } from '../../core/stats/schema.js';
import { formatTableLine, type Column } from './columns.js';
import { formatAgo, formatClock, formatRanges, truncate } from './format.js';
import { line, type StyledLine } from './styledLine.js';
import type { DisplayRow } from './workerRows.js';

export function tableHeading(columns: readonly Column[]): string {
  return formatTableLine(
    columns.map((c) => c.title),
    columns,
  );
}

/** One text line per display row, cut to `width` (a row never wraps). */
export function tableLines(rows: readonly DisplayRow[], columns: readonly Column[], nowMs: number, width: number): StyledLine[] {
  return rows.map((r) => {
    const styled = tableLine(r, columns, nowMs, width > 60);
    return { ...styled, text: truncate(styled.text, width) };
  });
}

function tableLine(r: DisplayRow, columns: readonly Column[], nowMs: number, wide: boolean): StyledLine {
  switch (r.type) {
    case 'worker':
      return line(
        formatTableLine(
          columns.map((c) => c.cell(r.row, nowMs)),
          columns,
        ),
        r.row.kind,
      );
    case 'core':
      return line(coreText(r.row.slot, r.core, nowMs), 'dim');
    case 'cheap':
      return line(
        `  ${r.slots.length} cheap slot${r.slots.length === 1 ? '' : 's'}${wide ? ` (${formatRanges(r.slots)})` : ''}, press c to list them${hostSuffix(r.host, columns)}`,
        'cheap',
      );
    case 'host-down':
      if (r.state === 'connecting') return line(`${r.host}: connecting…`, 'dim');
      return line(`${r.host}: DOWN - ${r.message}; retrying${r.sinceMs !== null ? ` (down since ${formatClock(r.sinceMs)})` : ''}`, 'error');
  }
}

function hostSuffix(host: string, columns: readonly Column[]): string {
  return columns.some((c) => c.id === 'host') ? ` on ${host}` : '';
}

/** A core of a worker: what it is doing now, uwsgitop's `a` view made readable. */
function coreText(slot: number, core: UwsgiCore, nowMs: number): string {
  const parts = [`    ${slot}.${core.id}: ${core.requests} req`];
  const extra: [string, number][] = [
    ['static', core.static_requests],
    ['routed', core.routed_requests],
    ['offloaded', core.offloaded_requests],
    ['write errors', core.write_errors],
    ['read errors', core.read_errors],
  ];
  for (const [name, n] of extra) if (n > 0) parts.push(`${n} ${name}`);
  if (core.in_request) {
    const vars = new Map(core.vars.map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
    const start = core.req_info.request_start;
    const since = start !== undefined ? ` since ${formatClock(start * 1000)} (${formatAgo(start * 1000, nowMs)})` : '';
    const request = vars.has('REQUEST_METHOD') ? ` ${vars.get('REQUEST_METHOD')} ${vars.get('REQUEST_URI') ?? vars.get('PATH_INFO') ?? ''}` : '';
    parts.push(`in request${since}:${request}${vars.has('REMOTE_ADDR') ? ` from ${vars.get('REMOTE_ADDR')}` : ''}`);
  } else {
    parts.push('idle');
  }
  return parts.join(', ');
}
