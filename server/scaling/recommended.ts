import type { CheaperAlgo, ScalingParams } from './types.js';

/** The scaling settings in which tidepool's defaults differ from uWSGI's. */
export type TunedDefaults = { algo: CheaperAlgo } & Pick<ScalingParams, 'checkIntervalMs' | 'busynessMax' | 'backlogAlert' | 'backlogStep'>;

/**
 * What tidepool's defaults should differ from uWSGI's in, so an out-of-the-box server absorbs a
 * burst within one check and one model load, and never cheaps a worker it will spawn again soon.
 * The reasoning and the replayed numbers are in README.md next to this file; the options table
 * takes these values from here (and its help quotes UWSGI_SCALING_DEFAULTS beside them).
 *   - busyness times everything in seconds, so a short check interval only makes it react sooner;
 *   - backlog-alert 0 + backlog-step 0: any unclaimed waiting request triggers a spawn, of as many
 *     workers as requests wait, every check (the master knows its queue exactly);
 *   - busyness-max 100: a busy pool with nobody waiting needs no more workers, so only waiting
 *     requests spawn; busyness keeps its damped, windowed cheaping.
 */
export const TIDEPOOL_SCALING_DEFAULTS = {
  algo: 'busyness',
  checkIntervalMs: 100,
  busynessMax: 100,
  backlogAlert: 0,
  backlogStep: 0,
} as const satisfies TunedDefaults;

/** uWSGI 2.0's values of the same settings (spec section 3), for the help texts that compare. */
export const UWSGI_SCALING_DEFAULTS = {
  algo: 'spare',
  checkIntervalMs: 1000,
  busynessMax: 50,
  backlogAlert: 33,
  backlogStep: 1,
} as const satisfies TunedDefaults;
