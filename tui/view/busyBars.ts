import type { WorkerRow } from './workerRows.js';
import type { StyledLine } from './styledLine.js';

/**
 * One bar per running worker: the share of the last interval it spent in requests. When they
 * do not all fit, the busiest are shown (the idle ones say the least) and a last line counts
 * the rest.
 */
export function busyBars(rows: readonly WorkerRow[], width: number, height: number): StyledLine[] {
  if (height <= 0 || width < 12) return [];
  const running = rows.filter((r) => r.kind !== 'cheap' && r.worker.pid > 0);
  if (running.length === 0) return [{ text: 'no running worker', style: 'dim' }];
  const multiHost = new Set(running.map((r) => r.hostIndex)).size > 1;
  const fits = running.length <= height ? running : [...running].sort((a, b) => (b.busy ?? -1) - (a.busy ?? -1)).slice(0, height - 1);
  const shown = [...fits].sort((a, b) => a.hostIndex - b.hostIndex || a.slot - b.slot);
  const label = (r: WorkerRow) => (multiHost ? `${r.hostIndex + 1}:${r.slot}` : String(r.slot)).padStart(multiHost ? 5 : 3);
  const barWidth = Math.max(1, width - label(shown[0]!).length - 6);
  const lines: StyledLine[] = shown.map((r) => {
    const text =
      r.busy === null ? `${label(r)} ${'·'.repeat(barWidth)}    -` : `${label(r)} ${bar(r.busy, barWidth)} ${`${Math.round(r.busy * 100)}%`.padStart(4)}`;
    return { text, style: r.busy !== null && r.busy >= 0.5 ? 'busy' : 'plain' };
  });
  if (shown.length < running.length) lines.push({ text: `+${running.length - shown.length} less busy`, style: 'dim' });
  return lines;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar with eighth-of-a-cell resolution, padded with light dots. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8]!;
  const filled = '█'.repeat(full) + part;
  return filled + '·'.repeat(Math.max(0, width - full - (part ? 1 : 0)));
}
