import type { RequestTally, WorkerMessage } from '../../ipc/messages.js';
import type { SlotCounters, WorkerProcess } from '../slot.js';

/** What a worker reports about its requests: the transitions of its in-flight count, or (accept = workers) a tally on a timer. */
export type RequestReport = Extract<WorkerMessage, { t: 'busy' | 'next' | 'idle' | 'tally' }>;

function addTally(c: SlotCounters, m: RequestTally): void {
  c.requests += m.n;
  c.tx += m.tx;
  c.runningTimeUs += m.rtUs;
  c.exceptions += m.exc;
  c.avgRtUs = m.avgRtUs;
  for (let i = 0; i < m.hist.length; i++) c.hist[i]! += m.hist[i]!;
  c.batches += m.batches;
  c.batchedTexts += m.batchedTexts;
}

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
      addTally(c, m);
      return;
    case 'tally':
      p.acked = m.got;
      p.inRequest = m.inFlight > 0;
      p.request = m.req;
      p.open = m.open;
      p.waiting = m.waiting;
      p.deltaRequests += m.n;
      addTally(c, m);
      return;
  }
}
