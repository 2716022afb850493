import type { Config } from '../config/index.js';
import { ScalingInputError, validateParams } from './validate.js';
import type { ScalingParams } from './types.js';

/** The scaling algorithms' parameters, read from the configuration's `cheaper-*` options. */
export function scalingParams(c: Config): ScalingParams {
  return {
    cheaper: c.cheaper,
    step: c['cheaper-step'],
    overload: c['cheaper-overload'],
    idle: c['cheaper-idle'],
    checkIntervalMs: Math.round(c['cheaper-check-interval'] * 1000),
    busynessMax: c['cheaper-busyness-max'],
    busynessMin: c['cheaper-busyness-min'],
    busynessMultiplier: c['cheaper-busyness-multiplier'],
    busynessPenalty: c['cheaper-busyness-penalty'],
    backlogAlert: c['cheaper-busyness-backlog-alert'],
    backlogStep: c['cheaper-busyness-backlog-step'],
    backlogNonzeroS: c['cheaper-busyness-backlog-nonzero'],
    rssLimitSoft: c['cheaper-rss-limit-soft'],
    rssLimitHard: c['cheaper-rss-limit-hard'],
  };
}

/**
 * The configuration's scaling parameters, checked as the algorithm will read them: the message
 * of the error names the option. Nothing to check when scaling is off (`cheaper = 0`).
 */
export function checkScalingConfig(c: Config): void {
  if (c.cheaper > 0) validateParams(scalingParams(c), c['cheaper-algo']);
}

export { ScalingInputError };
