/**
 * The periodic checks' decisions, from a slot as the master knows it: is its request hung
 * (harakiri), is it over evil-reload-on-rss. Pure; checks.ts carries them out.
 */
import { HEARTBEAT_MS } from '../../ipc/messages.js';
import { REPORT_EVERY_MS } from '../../worker/settings.js';
import { processOf, type Slot } from '../slot.js';

export interface CheckLimits {
  /** Seconds, 0 = off. */
  harakiriS: number;
  /** MB, 0 = off. */
  evilReloadOnRssMb: number;
  /**
   * The workers report on a timer (accept = workers): a ready worker silent for harakiri seconds
   * has its event loop blocked (a request that never yields), whatever it last reported.
   */
  heartbeat?: boolean;
}

export type Verdict = { action: 'harakiri'; elapsedMs: number } | { action: 'kill-for-rss'; detail: string };

/** Memory is read at most once a second, whatever the check interval. */
const MEMORY_EVERY_MS = 1000;

/** The check interval: cheaper-check-interval, kept between 0.1 s and 1 s (harakiri is checked by it too). */
export function checkIntervalMs(checkIntervalS: number): number {
  return Math.min(1000, Math.max(100, checkIntervalS * 1000));
}

export function memoryDue(lastReadAt: number, now: number): boolean {
  return now - lastReadAt >= MEMORY_EVERY_MS;
}

/** What the check does to this slot now, if anything (harakiri first). */
export function verdictFor(s: Slot, now: number, limits: CheckLimits): Verdict | null {
  const p = processOf(s);
  if (p === null) return null;
  const st = s.state;
  const harakiriDone = st.phase === 'stopping' && st.stop.reason === 'harakiri';
  if (limits.harakiriS > 0 && p.inRequest && p.request && !harakiriDone) {
    const elapsedMs = now - p.request.at;
    // A saturated worker refreshes its request start only every REPORT_EVERY_MS, so wait
    // that much longer than harakiri before calling a request hung.
    if (elapsedMs > limits.harakiriS * 1000 + REPORT_EVERY_MS) return { action: 'harakiri', elapsedMs };
  }
  if (limits.harakiriS > 0 && limits.heartbeat && st.phase === 'ready') {
    const silentMs = now - p.lastHeard;
    if (silentMs > limits.harakiriS * 1000 + HEARTBEAT_MS) return { action: 'harakiri', elapsedMs: silentMs };
  }
  const limit = limits.evilReloadOnRssMb;
  if (limit > 0 && p.rss > limit * 1048576 && st.phase !== 'stopping') {
    return { action: 'kill-for-rss', detail: `rss ${(p.rss / 1048576).toFixed(0)} MB > evil-reload-on-rss ${limit} MB` };
  }
  return null;
}
