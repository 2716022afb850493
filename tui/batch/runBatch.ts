import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dashboard } from '../model/dashboard.js';
import { failureReason } from '../../core/stats/fetchStats.js';
import { StatsPoller } from '../source/poller.js';
import { plainFrame } from './plainFrame.js';

export interface BatchOptions {
  addresses: readonly string[];
  intervalMs: number;
  timeoutMs: number;
  frames: number;
  json: boolean;
}

/**
 * Prints `frames` frames, one per interval, as plain tables or JSON lines. Returns the exit
 * status: 0 when every read worked, 1 when one failed (said on `err`, the rest still printed).
 */
export async function runBatch(options: BatchOptions, out: Writable, err: Writable): Promise<number> {
  const dashboard = new Dashboard(options.addresses);
  const poller = new StatsPoller(options.addresses, { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs, followEvents: false });
  let failed = false;
  poller.on('sample', (index, snapshot, atMs) => {
    dashboard.addSample(index, snapshot, atMs);
    if (options.json) out.write(JSON.stringify(snapshot) + '\n');
  });
  poller.on('failure', (index, error, atMs) => {
    failed = true;
    dashboard.addFailure(index, failureReason(error), atMs);
    err.write(`tidepool top: cannot read ${error.message}\n`);
  });
  for (let frame = 0; frame < options.frames; frame++) {
    const started = performance.now();
    await poller.pollOnce();
    if (!options.json) out.write((frame > 0 ? '\n' : '') + plainFrame(dashboard, Date.now()) + '\n');
    if (frame + 1 < options.frames) await sleep(Math.max(0, options.intervalMs - (performance.now() - started)));
  }
  return failed ? 1 : 0;
}
