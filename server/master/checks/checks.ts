/**
 * The master's periodic check (every cheaper-check-interval, within 0.1-1 s): each worker's
 * memory from /proc, harakiri, evil-reload-on-rss, then whatever runs after the checks (the
 * queue announcement and the scaler).
 */
import { processOf, type Slot } from '../slot.js';
import { procMemory } from './procMemory.js';
import { checkIntervalMs, memoryDue, verdictFor, type CheckLimits } from './verdicts.js';

export interface CheckActions {
  harakiri(s: Slot, elapsedMs: number): void;
  killForRss(s: Slot, detail: string): void;
  /** After every slot was checked. */
  afterChecks(now: number): void;
}

export class PeriodicChecks {
  private timer: NodeJS.Timeout | null = null;
  private lastMemoryRead = 0;

  constructor(
    private readonly slots: readonly Slot[],
    private readonly limits: CheckLimits,
    private readonly actions: CheckActions,
  ) {}

  start(checkIntervalS: number): void {
    this.timer = setInterval(() => this.run(), checkIntervalMs(checkIntervalS));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  run(now = Date.now()): void {
    const readMemory = memoryDue(this.lastMemoryRead, now);
    if (readMemory) this.lastMemoryRead = now;
    for (const s of this.slots) {
      const p = processOf(s);
      if (p === null) continue;
      if (readMemory || p.rss === 0) {
        const mem = procMemory(p.pid);
        p.rss = mem.rss;
        p.vsz = mem.vsz;
      }
      const verdict = verdictFor(s, now, this.limits);
      if (verdict?.action === 'harakiri') this.actions.harakiri(s, verdict.elapsedMs);
      else if (verdict?.action === 'kill-for-rss') this.actions.killForRss(s, verdict.detail);
    }
    this.actions.afterChecks(now);
  }
}
