import type { ModeCosts, RequestCost } from './scaleModel.js';

/** The loads of the cost scenario: a new connection per request, kept-alive connections, and one-shot connections waiting in the master's queue. */
export type CostLoad = 'one-shot' | 'keep-alive' | 'queued';

/** What the model reads of a measured row. */
export interface CostedRow {
  accept: string;
  /** Worker processes the server ran (--workers). */
  poolWorkers: number;
  load: CostLoad;
  masterCpuUsPerRequest: number | null;
  workerCpuUsPerRequest: number | null;
}

/** The model's input for one kind of connection, or why there is none; `note` when it came from another pool than asked. */
function costOf(rows: readonly CostedRow[], mode: string, load: CostLoad, pool: number): { cost: RequestCost; note?: string } | string {
  const measured = rows.filter((r) => r.accept === mode && r.load === load && r.masterCpuUsPerRequest !== null && r.workerCpuUsPerRequest !== null);
  if (measured.length === 0) return `no ${load} row of accept=${mode} has answers`;
  const asked = measured.find((r) => r.poolWorkers === pool);
  const row = asked ?? measured.reduce((a, b) => (b.poolWorkers > a.poolWorkers ? b : a));
  if (row.workerCpuUsPerRequest! <= 0) return `the ${load} row of accept=${mode} measured no worker CPU (fewer answers than one clock tick needs)`;
  const cost = { masterUs: row.masterCpuUsPerRequest!, workerUs: row.workerCpuUsPerRequest! };
  if (asked) return { cost };
  return { cost, note: `accept=${mode} ${load}: the ${pool}-worker row has no answers, the ${row.poolWorkers}-worker row stands in` };
}

/**
 * Per accept mode, the costs the scale model starts from: the one-shot and the kept-alive rows
 * of the pool of `pool` workers (else the largest measured, with a note). The model gives the
 * master a core and each worker one: on this machine that is the pool of cores - 1, where the
 * measured costs carry no context switching between processes that share a core. Queued rows
 * are not an input (a queue is the state the model predicts the master into, not a cost per
 * request of a pool that keeps up). Modes without both rows are left out, with the reason.
 */
export function modeCosts(rows: readonly CostedRow[], modes: readonly string[], pool: number): { costs: ModeCosts[]; notes: string[] } {
  const costs: ModeCosts[] = [];
  const notes: string[] = [];
  for (const mode of modes) {
    const oneShot = costOf(rows, mode, 'one-shot', pool);
    const keepAlive = costOf(rows, mode, 'keep-alive', pool);
    for (const x of [oneShot, keepAlive]) notes.push(...(typeof x === 'string' ? [x] : x.note !== undefined ? [x.note] : []));
    if (typeof oneShot === 'string' || typeof keepAlive === 'string') continue;
    costs.push({ mode, oneShot: oneShot.cost, keepAlive: keepAlive.cost });
  }
  return { costs, notes };
}
