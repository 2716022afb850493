import type { TidepoolInfo } from '../../core/stats/schema.js';
import type { StatsSnapshot } from '../../core/stats/parseStats.js';
import type { Dashboard, HostStatus, PoolTotals } from '../model/dashboard.js';
import { formatAgo, formatBytes, formatClock, formatCount, formatDuration, formatRate, truncate } from './format.js';
import { line, type StyledLine } from './styledLine.js';

const MAX_HOST_LINES = 4;

/** The lines above the table: who is watched, the pool in numbers, how it scales. */
export function headerLines(dashboard: Dashboard, nowMs: number, width: number): StyledLine[] {
  const lines = dashboard.hosts.length === 1 ? singleHost(dashboard.hosts[0]!, dashboard.totals(), nowMs) : severalHosts(dashboard, nowMs);
  return lines.map((l) => ({ ...l, text: truncate(l.text, width) }));
}

function singleHost(host: HostStatus, totals: PoolTotals, nowMs: number): StyledLine[] {
  const s = host.snapshot;
  if (s === null) return [notAnswering(host), line(`${host.address}: the table fills in when it answers`, 'dim')];
  const tp = s.stats.tidepool;
  return [
    line(`${identity(s, nowMs)} - ${formatClock(nowMs)}`, 'heading'),
    line(poolLine(totals), 'plain'),
    tp !== undefined ? line(scalingLine(tp, nowMs), 'plain') : line(uwsgiLine(s), 'dim'),
  ];
}

function severalHosts(dashboard: Dashboard, nowMs: number): StyledLine[] {
  const t = dashboard.totals();
  const down = t.hosts - t.hostsUp;
  const lines = [
    line(`${t.hosts} servers, ${t.hostsUp} up${down > 0 ? `, ${down} DOWN` : ''} - ${formatClock(nowMs)}`, down > 0 ? 'warn' : 'heading'),
    line(`total: ${poolLine(t)}`, 'plain'),
  ];
  const shown = dashboard.hosts.slice(0, MAX_HOST_LINES);
  for (const h of shown) {
    const s = h.snapshot;
    if (s === null) {
      lines.push(notAnswering(h));
      continue;
    }
    const c = s.counts;
    const decision = s.stats.tidepool?.scaling.last_decision;
    lines.push(
      line(
        `${h.address}: ${identity(s, nowMs)} - ${c.running}/${c.slots} running, ${c.busy} busy - RPS ${formatRate(h.rates?.totalRps ?? null)}` +
          (decision ? ` - last: ${decisionText(decision, nowMs)}` : ''),
        'plain',
      ),
    );
  }
  if (dashboard.hosts.length > shown.length) lines.push(line(`… and ${dashboard.hosts.length - shown.length} more (the HOST column has them all)`, 'dim'));
  return lines;
}

function notAnswering(h: HostStatus): StyledLine {
  if (h.state === 'connecting') return line(`${h.address}: connecting…`, 'dim');
  return line(`${h.address}: DOWN - ${h.error ?? 'not answering'} (retrying)`, 'error');
}

function identity(s: StatsSnapshot, nowMs: number): string {
  const tp = s.stats.tidepool;
  const parts = [tp !== undefined ? `tidepool ${tp.version}` : `uWSGI ${s.stats.version}`, `master ${s.stats.pid}`];
  if (tp !== undefined) {
    // The detail usually repeats the backend's name ("wasm (SIMD, 1 thread)"): show it alone then.
    const backend = tp.backend_detail.startsWith(tp.backend) ? tp.backend_detail : `${tp.backend}${tp.backend_detail ? ` (${tp.backend_detail})` : ''}`;
    parts.push(`up ${formatDuration(Math.max(0, nowMs - tp.started_at * 1000))}`, backend);
  }
  return parts.join(' - ');
}

function poolLine(t: PoolTotals): string {
  const loading = Math.max(0, t.running - t.busy - t.idle);
  return [
    `workers ${t.running} running (${t.busy} busy, ${t.idle} idle${loading > 0 ? `, ${loading} other` : ''}), ${t.cheap} cheap, ${t.slots} max`,
    `lq ${t.listenQueue}`,
    `req ${formatCount(t.requests)}`,
    `RPS ${formatRate(t.rps)}`,
    `exc ${formatCount(t.exceptions)}`,
    `tx ${formatBytes(t.tx)}`,
  ].join(' - ');
}

function scalingLine(tp: TidepoolInfo, nowMs: number): string {
  const sc = tp.scaling;
  const decision = sc.last_decision;
  return [
    `scaling ${sc.algo} ${sc.min}..${sc.max} step ${sc.step}`,
    decision ? `last: ${decisionText(decision, nowMs)}` : 'no decision yet',
    `queue ${tp.queue.waiting}/${tp.queue.limit}${tp.queue.rejected > 0 ? `, ${formatCount(tp.queue.rejected)} rejected` : ''}${tp.queue.accept === 'workers' ? ', workers accept' : ''}`,
  ].join(' - ');
}

function decisionText(d: NonNullable<TidepoolInfo['scaling']['last_decision']>, nowMs: number): string {
  const what =
    d.action === 'hold' ? 'hold' : `${d.action}${d.count !== undefined ? ` ${d.count}` : ''}${d.worker !== undefined ? ` (worker ${d.worker})` : ''}`;
  return `${what}, ${d.reason}, ${formatAgo(d.at, nowMs)}`;
}

/** What uwsgitop's second line shows, for servers that do not report their scaling. */
function uwsgiLine(s: StatsSnapshot): string {
  return `cwd ${s.stats.cwd || '-'} - uid ${s.stats.uid} - gid ${s.stats.gid} - scaling not reported: events are read from changes between polls`;
}
