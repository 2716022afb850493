import type { LogEventType, LoggedEvent } from '../model/eventLog.js';
import { formatClock, truncate, truncateLeft } from './format.js';
import type { LineStyle, StyledLine } from './styledLine.js';

const STYLE: Record<LogEventType, LineStyle> = {
  spawn: 'good',
  ready: 'good',
  up: 'good',
  'cheap-start': 'cheap',
  'cheap-done': 'cheap',
  exit: 'warn',
  reload: 'warn',
  harakiri: 'error',
  down: 'error',
  decision: 'plain',
};

/** The newest `count` events, oldest at the top, one line each: time, host, worker, type, reason. */
export function eventLines(events: readonly LoggedEvent[], options: { count: number; width: number; showHost: boolean }): StyledLine[] {
  if (options.count <= 0) return [];
  const newest = events.slice(Math.max(0, events.length - options.count));
  return newest.map((e) => {
    const who = e.worker !== undefined ? `w${e.worker}` : '';
    const host = options.showHost ? `${truncateLeft(e.host, 14)} ` : '';
    const text = `${formatClock(e.at)} ${host}${who.padStart(3)} ${e.type.padEnd(11)} ${e.reason}${detailText(e)}`;
    return { text: truncate(text, options.width), style: STYLE[e.type] };
  });
}

/**
 * The detail's values the reason does not already say: tidepool's reasons usually carry them
 * ("model loaded in 636 ms" with load_ms=636), and the pane is narrow.
 */
function detailText(e: LoggedEvent): string {
  if (e.detail === undefined) return '';
  const said = new Set(e.reason.match(/[\w.]+/g));
  const parts = Object.entries(e.detail)
    .filter(([, v]) => !said.has(String(v)))
    .map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
