/**
 * uwsgitop 0.12 compatibility (spec section 2): what its code indexes without a guard, and a check
 * of a decoded document against it. For the writer's tests: a tidepool document must pass.
 */
import { describe, isPlainObject } from './jsonValue.js';
import type { UwsgiStats, UwsgiWorker } from './schema.js';

export const uwsgitopRequired = {
  /** uwsgitop crashes (KeyError / TypeError) when a worker lacks one of these or has another type. */
  workerCrashesWithout: {
    id: 'number',
    requests: 'number',
    tx: 'number',
    running_time: 'number',
    last_spawn: 'number',
    status: 'string',
  },
  /** uwsgitop silently drops the worker's row unless each of these is a number. */
  workerRowDroppedUnlessNumber: ['pid', 'exceptions', 'avg_rt', 'rss', 'vsz', 'respawn_count', 'harakiri_count'],
  /** Top-level keys that must be numbers when present. */
  topLevelNumbersWhenPresent: ['uid', 'gid', 'pid', 'listen_queue'],
} as const satisfies {
  workerCrashesWithout: Partial<Record<keyof UwsgiWorker, 'number' | 'string'>>;
  workerRowDroppedUnlessNumber: readonly (keyof UwsgiWorker)[];
  topLevelNumbersWhenPresent: readonly (keyof UwsgiStats)[];
};

/**
 * What uwsgitop 0.12 would trip on in a decoded document, one sentence each; empty when it
 * would show every worker. For the writer's tests: a tidepool document must give [].
 */
export function uwsgitopProblems(doc: unknown): string[] {
  if (!isPlainObject(doc)) return [`the document is ${describe(doc)}, not an object: uwsgitop retries forever`];
  const problems: string[] = [];
  for (const key of uwsgitopRequired.topLevelNumbersWhenPresent) {
    if (key in doc && typeof doc[key] !== 'number') problems.push(`${key} is ${describe(doc[key])}: uwsgitop crashes`);
  }
  const workers = doc.workers;
  if (!Array.isArray(workers)) return [...problems, `workers is ${describe(workers)}, not an array: uwsgitop crashes`];
  workers.forEach((w: unknown, i) => {
    if (!isPlainObject(w)) {
      problems.push(`workers[${i}] is ${describe(w)}: uwsgitop crashes`);
      return;
    }
    for (const [key, type] of Object.entries(uwsgitopRequired.workerCrashesWithout)) {
      if (typeof w[key] !== type) problems.push(`workers[${i}].${key} is ${describe(w[key])}, not a ${type}: uwsgitop crashes`);
    }
    for (const key of uwsgitopRequired.workerRowDroppedUnlessNumber) {
      if (typeof w[key] !== 'number') problems.push(`workers[${i}].${key} is ${describe(w[key])}, not a number: uwsgitop hides the row`);
    }
  });
  return problems;
}
