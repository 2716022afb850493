/**
 * A real tidepool master for the dashboard's live tests, and a bounded load on it. Eight slots
 * for four clients: the pool grows under load and still has cheap slots left to fold.
 */
import { runLoad, type LoadResult } from '../../helpers/load.js';
import { startServer, type RunningServer } from '../../helpers/server.js';

export const LIVE_SLOTS = 8;
export const LIVE_CLIENTS = 4;

/**
 * One worker at boot; 400 ms per /predict keeps workers busy long enough to be seen at every
 * poll, and tidepool's default busyness spawns one worker per waiting request.
 */
export function startLiveServer(): Promise<RunningServer> {
  return startServer({
    args: ['--workers', String(LIVE_SLOTS), '--cheaper', '1', '--cheaper-initial', '1', '--simulate-latency', '400'],
  });
}

/** `clients` loops of /predict until stopped, or for `maxMs` at most. */
export function loadServer(server: RunningServer, clients = LIVE_CLIENTS, maxMs = 40_000): { stop(): Promise<LoadResult> } {
  return runLoad((i) => server.get(`/predict?text=oil+prices+rise+${i}`).then((r) => r.status), clients, maxMs);
}
