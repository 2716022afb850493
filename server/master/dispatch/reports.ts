import type { WorkerMessage } from '../../ipc/messages.js';
import type { SlotCounters, WorkerProcess } from '../slot.js';

/** What a worker reports about its requests: the transitions of its in-flight count. */
export type RequestReport = Extract<WorkerMessage, { t: 'busy' | 'next' | 'idle' }>;

/**
 * Takes a worker's report into what the master knows: the request it runs now (for harakiri and
 * the stats), the connections it received, and its tallies into the slot's counters.
 */
export function applyReport(p: WorkerProcess, c: SlotCounters, m: RequestReport): void {
  switch (m.t) {
    case 'busy':
      p.inRequest = true;
      p.request = { at: m.at, method: m.method, path: m.path };
      return;
    case 'next':
      p.request = { at: m.at, method: m.method, path: m.path };
      return;
    case 'idle':
      p.acked = m.got;
      p.inRequest = false;
      p.request = null;
      p.open = m.open;
      p.deltaRequests += m.n;
      c.requests += m.n;
      c.tx += m.tx;
      c.runningTimeUs += m.rtUs;
      c.exceptions += m.exc;
      c.avgRtUs = m.avgRtUs;
      for (let i = 0; i < m.hist.length; i++) c.hist[i]! += m.hist[i]!;
      c.batches += m.batches;
      c.batchedTexts += m.batchedTexts;
      return;
  }
}
