/**
 * Numbers as people read them, in the few widths a table cell has. Every function here is pure
 * and returns a short string; '-' means "not known / not reported", never zero.
 */

const SIZE_UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** Bytes in uwsgitop's style: 90, 4.6K, 118M, 2.1G (1024-based). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return String(Math.round(value));
  return (value < 10 ? value.toFixed(1) : String(Math.round(value))) + SIZE_UNITS[unit];
}

/** Memory columns: uWSGI reports 0 when memory-report is off, which is "unknown", not empty. */
export function formatMemory(bytes: number): string {
  return bytes > 0 ? formatBytes(bytes) : '-';
}

/** Milliseconds as 0.28ms, 12ms, 2.96s, 3m02s, 1h04m, 2d03h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)}s`;
  const total = Math.floor(s);
  const [d, h, m, sec] = [Math.floor(total / 86400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
  if (d > 0) return `${d}d${pad2(h)}h`;
  if (h > 0) return `${h}h${pad2(m)}m`;
  return `${m}m${pad2(sec)}s`;
}

/** A refresh interval as typed: 100ms, 1s, 2.5s. */
export function formatInterval(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(2))}s`;
}

/** Counts: exact up to 99999, then 123.4k, 12.3M. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) < 100_000) return String(Math.round(n));
  if (Math.abs(n) < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (Math.abs(n) < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** Requests per second; null (fewer than two samples) shows as '-'. */
export function formatRate(rps: number | null): string {
  if (rps === null || !Number.isFinite(rps)) return '-';
  if (rps === 0) return '0';
  if (rps < 10) return rps.toFixed(1);
  return formatCount(rps);
}

export function formatPercent(fraction: number | null, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return '-';
  return (fraction * 100).toFixed(digits);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time HH:MM:SS of an epoch in milliseconds. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** A uWSGI `last_spawn` (epoch seconds, 0 = never): the time today, the date on older days. */
export function formatSpawnTime(epochSeconds: number, nowMs: number): string {
  if (epochSeconds <= 0) return '-';
  const ms = epochSeconds * 1000;
  if (nowMs - ms < 20 * 3600_000) return formatClock(ms);
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** "just now", "12s ago", "3m04s ago": how long before `nowMs` an epoch in milliseconds was. */
export function formatAgo(epochMs: number, nowMs: number): string {
  const seconds = Math.round((nowMs - epochMs) / 1000);
  if (seconds < 1) return 'just now';
  return seconds < 60 ? `${seconds}s ago` : `${formatDuration(seconds * 1000)} ago`;
}

/** Cuts `text` to `width` columns, marking the cut with '…'. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : text.slice(0, width - 1) + '…';
}

/** Cuts from the left, for paths whose end says the most. */
export function truncateLeft(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : '…' + text.slice(text.length - width + 1);
}

/** Slot ids as compact ranges: [1,2,3,6,8,9] -> "1-3,6,8-9". */
export function formatRanges(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
