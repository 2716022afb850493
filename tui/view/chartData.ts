import type { HistoryPoint } from '../model/history.js';
import { formatClock } from './format.js';

export interface ChartData {
  /** mm:ss of each point. */
  x: string[];
  rps: number[];
  running: number[];
  busy: number[];
  /** Scales with room above the highest value, never 0 (a flat line at 0 still draws). */
  rpsMax: number;
  workersMax: number;
}

/** The newest points that fit `columns` character cells of a chart. */
export function chartData(points: readonly HistoryPoint[], columns: number): ChartData {
  // The RPS is unknown until the second sample: start the charts where it is known.
  const firstKnown = points.findIndex((p) => p.rps !== null);
  const known = firstKnown < 0 ? [] : points.slice(firstKnown);
  const shown = known.slice(Math.max(0, known.length - Math.max(2, columns)));
  const rps = shown.map((p) => p.rps ?? 0);
  const running = shown.map((p) => p.running);
  const busy = shown.map((p) => p.busy);
  return {
    x: shown.map((p) => formatClock(p.atMs).slice(3)),
    rps,
    running,
    busy,
    rpsMax: niceCeil(Math.max(1, ...rps) * 1.2),
    workersMax: niceCeil(Math.max(4, ...running, ...busy) * 1.2),
  };
}

/** The smallest 1, 2 or 5 times a power of ten that is >= n. */
export function niceCeil(n: number): number {
  if (!(n > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}
