import { EventEmitter } from 'node:events';
import type { LoadRun } from './loadRun.js';

export interface ServerNotice {
  state: 'starting' | 'ready' | 'stopping' | 'stopped';
  /** What the server is for ("scale: spare step 3"). */
  label: string;
  args: readonly string[];
  url?: string;
}

export interface SessionEvents {
  scenario: [{ name: string; title: string }];
  server: [ServerNotice];
  /** A run is about to start: renderers subscribe to its own events. */
  run: [LoadRun];
  /** A sentence for the progress display (skipped phases, cross-check steps). */
  note: [string];
}

/**
 * The whole bench as one stream of events: scenarios report on it, renderers listen to it.
 * Nothing here prints.
 */
export class BenchSession extends EventEmitter<SessionEvents> {
  /** Runs `run`, announcing it first so that renderers can subscribe before its start event. */
  async play(run: LoadRun) {
    this.emit('run', run);
    return run.run();
  }
}
